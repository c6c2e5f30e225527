"""Every API endpoint with real objects behind it: one referring organization's system with a
draft and a submitted referral that has an open information request, one district's system
with a case routed to it. The endpoint list is generated from the URL table (every URL whose
access rule is TOKEN), so a new endpoint is covered by the matrix tests without a change here."""

import uuid
from dataclasses import dataclass

from django.urls import resolve

from confirmations import services as review
from referral_portal.access import rule_for
from referrals.models import Referral
from tests.api.builders import steps
from tests.api.conftest import Api, new_client, provider_organization
from tests.confirmations.helpers import reviewer
from tests.outbox import drain
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district
from tests.security.urls_walk import portal_urls

CASE_URLS_PREFIX = "/api/v1/cases/"


@dataclass(frozen=True)
class Endpoint:
    name: str
    route: str  # the URL pattern, with <...> parameters
    methods: tuple[str, ...]
    view: type

    @property
    def for_cases(self) -> bool:
        return self.route.startswith(CASE_URLS_PREFIX)

    @property
    def for_drafts(self) -> bool:
        return self.name in {"api:referral_step", "api:referral_attachments", "api:referral_submit"}


def _route_of(url) -> str:
    match = resolve(url.path)
    return "/" + match.route


def endpoints() -> list[Endpoint]:
    found = []
    for url in portal_urls():
        rule = rule_for(url.name)
        if url.path is None or rule is None or not rule.token:
            continue
        view = resolve(url.path).func.view_class
        found.append(Endpoint(url.name, _route_of(url), tuple(view.required_scopes), view))
    return found


class World:
    def __init__(self):
        self.referrer = Api(new_client(provider_organization()))
        self.district_org = district().organization
        self.agency = Api(new_client(self.district_org))
        draft = self.referrer.post("/api/v1/referrals/").json()["id"]
        submitted = self.referrer.post("/api/v1/referrals/").json()["id"]
        for step, body in steps().items():
            self.referrer.patch(f"/api/v1/referrals/{draft}/steps/{step}/", body)
            self.referrer.patch(f"/api/v1/referrals/{submitted}/steps/{step}/", body)
        self.referrer.post(f"/api/v1/referrals/{submitted}/submit/")
        referral = Referral.objects.get(public_id=submitted)
        person = reviewer()
        review.claim_referral(referral=referral, reviewer=person)
        referral.refresh_from_db()
        self.information_request = review.request_information(
            referral=referral, reviewer=person, reasons=["other"], message="Send the form."
        )
        self.draft_id, self.submitted_id = draft, submitted
        [self.delivery] = route(confirmed_referral())
        drain()

    def path(self, endpoint: Endpoint) -> str:
        values = {
            "public_id": str(self.delivery.public_id)
            if endpoint.for_cases
            else self.draft_id
            if endpoint.for_drafts
            else self.submitted_id,
            "step": "person",
            "request_id": str(self.information_request.public_id),
            "notice_id": str(uuid.uuid4()),
        }
        path = endpoint.route
        for name, value in values.items():
            for converter in ("uuid", "slug"):
                path = path.replace(f"<{converter}:{name}>", value)
        assert "<" not in path, path
        return path

    def owner(self, endpoint: Endpoint) -> Api:
        return self.agency if endpoint.for_cases else self.referrer


def stranger(endpoint: Endpoint) -> Api:
    """A system of another organization of the same kind, with every scope it may hold."""
    if endpoint.for_cases:
        return Api(new_client(district("Schenectady County").organization))
    return Api(new_client(provider_organization()))
