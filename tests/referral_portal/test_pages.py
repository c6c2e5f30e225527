import pytest

pytestmark = pytest.mark.django_db

HOTLINE = "1-888-373-7888"


@pytest.mark.parametrize("url", ["/", "/accessibility/", "/privacy/", "/accounts/login/"])
def test_public_pages_show_the_hotline_and_skip_link(client, url):
    response = client.get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert HOTLINE in body
    assert "text HELP to 233733" in body
    assert 'href="#main-content"' in body
    assert "<nys-unavheader" in body and "<nys-unavfooter" in body


def test_security_headers_on_every_page(client):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("style-src-attr")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Request-ID"]


def test_signed_in_pages_are_never_cached(client, referrer):
    client.force_login(referrer)

    response = client.get("/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
