"""Every API endpoint (generated from the URL table, tests/api/world.py):
- another organization's system gets 404 for every object id, by every method;
- a token without the endpoint's scope gets 403;
- no token, a session (even with a valid CSRF token), or a malformed Authorization header: 401;
- bad input (malformed JSON, wrong types, huge bodies, NUL bytes, unknown fields, non-JSON) is
  a 4xx with field errors where there are fields, never a 500.
"""

import json
import uuid

import pytest
from django.test import Client

from api import schema, scopes
from referral_portal.roles import Role
from tests.api.conftest import Api, new_client, provider_organization
from tests.api.world import World, endpoints, stranger
from tests.factories import UserFactory
from tests.routing.factories import district

pytestmark = pytest.mark.django_db
ENDPOINTS = endpoints()
WITH_BODY = [e for e in ENDPOINTS if {"POST", "PATCH"} & set(e.methods)]


def call(api, method, path, body=None, **headers):
    if method == "GET":
        return api.get(path, **headers)
    if method == "POST":
        return api.post(path, body, **headers)
    return api.patch(path, body if body is not None else {}, **headers)


def test_the_api_has_the_endpoints_the_issue_asks_for():
    assert sorted(e.name for e in ENDPOINTS) == sorted([
        "api:referrals", "api:referral", "api:referral_step", "api:referral_attachments",
        "api:referral_submit", "api:referral_timeline", "api:referral_answer",
        "api:referral_withdraw", "api:cases", "api:case", "api:case_notice",
        "api:case_acknowledge", "api:case_outcome",
    ])  # fmt: skip


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if "<" in e.route], ids=lambda e: e.name)
def test_another_organizations_object_is_a_404(endpoint):
    world = World()
    other = stranger(endpoint)
    path = world.path(endpoint)
    for method in endpoint.methods:
        response = call(other, method, path, {})
        assert response.status_code == 404, (method, response.content)
    # and the owner does reach it (so the 404 above is the organization's, not the path's)
    owner_status = call(world.owner(endpoint), "GET", path).status_code
    if endpoint.name == "api:case_notice":
        expected = 404  # the world's case has no notice yet
    else:
        expected = 200 if "GET" in endpoint.methods else 405
    assert owner_status == expected


@pytest.mark.parametrize(
    "endpoint,method",
    [(e, m) for e in ENDPOINTS for m in e.methods],
    ids=lambda v: v.name if hasattr(v, "name") else v,
)
def test_a_token_without_the_scope_is_a_403(endpoint, method):
    needed = endpoint.view.required_scopes[method]
    organization = district().organization if endpoint.for_cases else provider_organization()
    others = [s for s in scopes.allowed_for(organization) if s != needed]
    api = Api(new_client(organization, others))
    path = endpoint.route
    for converter in ("uuid", "slug"):
        while f"<{converter}:" in path:
            start = path.index(f"<{converter}:")
            path = (
                path[:start]
                + (str(uuid.uuid4()) if converter == "uuid" else "person")
                + (path[path.index(">", start) + 1 :])
            )

    response = call(api, method, path, {})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "This client's token does not carry the permission this request needs."
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_no_token_or_a_session_is_a_401(endpoint):
    path = endpoint.route.replace("<slug:step>", "person")
    while "<uuid:" in path:
        start = path.index("<uuid:")
        path = path[:start] + str(uuid.uuid4()) + path[path.index(">", start) + 1 :]
    person = UserFactory(role=Role.REFERRER if not endpoint.for_cases else Role.RECEIVING_AGENCY)
    session = Client(enforce_csrf_checks=True)
    session.force_login(person)
    session.get("/")
    csrf = session.cookies["csrftoken"].value
    anonymous = Client()
    for method in endpoint.methods:
        kwargs = {} if method == "GET" else {"content_type": "application/json", "data": "{}"}
        for client, headers in (
            (anonymous, {}),
            (session, {"X-CSRFToken": csrf, "Idempotency-Key": "key-12345678"}),
            (anonymous, {"Authorization": "Bearer"}),
            (anonymous, {"Authorization": "Bearer not-a-token"}),
            (anonymous, {"Authorization": "Bearer \u00e9t\u00e9"}),
        ):
            response = getattr(client, method.lower())(path, headers=headers, **kwargs)
            assert response.status_code == 401, (method, headers, response.status_code)


def _wrong_value_bodies(endpoint):
    """For each documented field: a value of a type no field takes."""
    operation = schema.document()["paths"][
        endpoint.route.replace("<uuid:", "{").replace("<slug:", "{").replace(">", "}")
    ]
    bodies = []
    for method in ("post", "patch"):
        request = operation.get(method, {}).get("requestBody")
        if not request:
            continue
        ref = request["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        component = schema.document()["components"]["schemas"][ref]
        for name in component.get("properties", {}):
            bodies.append((method.upper(), name, {name: {"not": ["a", "value"]}}))
    return bodies


@pytest.mark.parametrize("endpoint", WITH_BODY, ids=lambda e: e.name)
def test_bad_input_is_a_4xx_with_field_errors_never_a_500(endpoint):
    world = World()
    api = world.owner(endpoint)
    path = world.path(endpoint)
    for method in [m for m in endpoint.methods if m in ("POST", "PATCH")]:
        send = getattr(api.http, method.lower())
        headers = api.headers("key-" + uuid.uuid4().hex)
        malformed = send(path, b'{"a": [1, 2,', content_type="application/json", headers=headers)
        assert malformed.status_code == 400, malformed.content
        headers = api.headers("key-" + uuid.uuid4().hex)
        not_json = send(path, "a=1", content_type="text/plain", headers=headers)
        assert not_json.status_code == 415
        headers = api.headers("key-" + uuid.uuid4().hex)
        bad_utf8 = send(path, b"\xff\xfe\x00{", content_type="application/json", headers=headers)
        assert bad_utf8.status_code == 400
        huge = call(api, method, path, {"x": "9" * (endpoint.view.max_body_bytes or 65536)})
        assert huge.status_code == 413
        for body in ([1, 2], "text", {"x": "9" * 10_000 + "e999999"}):
            assert call(api, method, path, body).status_code == 400
        huge_number = send(
            path,
            '{"version": ' + "9" * 5000 + "}",
            content_type="application/json",
            headers=api.headers("key-" + uuid.uuid4().hex),
        )
        assert huge_number.status_code == 400
        unknown = call(api, method, path, {"unknown_field": "1"})
        assert unknown.status_code == 400
        assert unknown.json()["errors"]["unknown_field"] == ["Unknown field."]
        nul = call(api, method, path, {"anything": "a\x00b"})
        assert (nul.status_code, nul.json()["errors"]) == (
            400,
            {"anything": ["Remove the NUL character."]},
        )
        deep = json.dumps({"a": [[[[[[[[[[[["x"]]]]]]]]]]]]})
        assert (
            send(
                path,
                deep,
                content_type="application/json",
                headers=api.headers("key-" + uuid.uuid4().hex),
            ).status_code
            == 400
        )
    for method, name, body in _wrong_value_bodies(endpoint):
        response = call(api, method, path, body)
        assert response.status_code == 400, (method, name, response.content)
        assert any(key.split("[")[0] == name for key in response.json()["errors"]), name


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_junk_query_strings_never_break_a_read(endpoint):
    if "GET" not in endpoint.methods:
        pytest.skip("no read")
    world = World()
    api = world.owner(endpoint)
    if endpoint.name in ("api:referrals", "api:cases"):
        expected = 400  # a list reads its paging parameters and refuses junk
    elif endpoint.name == "api:case_notice":
        expected = 404  # the world's case has no notice yet
    else:
        expected = 200  # one object: paging parameters are not read
    for params in (
        {"cursor": "x" * 5000},
        {"limit": "-1"},
        {"limit": "1e309"},
        {"cursor": "\x00"},
        {"limit": "99999999999999999999"},
    ):
        assert api.get(world.path(endpoint), params).status_code == expected, params
