"""Stored-XSS payloads and the check that a page shows them as text (ASVS V1.2.1, V3.2.2).

Use it wherever user-entered text comes back on a page, a notice or an export:

    from tests.security.xss import PAYLOADS, assert_escaped

    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_the_narrative_is_shown_as_text(client, payload):
        referral = ReferralFactory(narrative=payload)
        html = client.get(referral_url).content.decode()
        assert_escaped(html, payload)
"""

from html.parser import HTMLParser

from django.utils.html import escape

PAYLOADS = [
    '<script>alert("xss")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<style>body{display:none}</style>",
    "{{ 7|add:7 }}{% debug %}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",  # already-escaped text must not be unescaped
]

_DANGEROUS_TAGS = {"script", "img", "svg", "iframe", "style", "a"}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _payload_elements(payload):
    parser = _Elements()
    parser.feed(payload)
    return [(tag, attrs) for tag, attrs in parser.found if tag in _DANGEROUS_TAGS]


def assert_escaped(html: str, payload: str, *, must_appear: bool = True) -> None:
    """The payload is not in the page as markup; with must_appear, it is there as text."""
    if any(ch in payload for ch in "<>\"'&"):
        assert payload not in html, f"payload rendered unescaped: {payload!r}"
    page = _Elements()
    page.feed(html)
    for tag, attrs in _payload_elements(payload):
        assert (tag, attrs) not in page.found, f"payload became a <{tag}> element: {payload!r}"
    if must_appear:
        assert escape(payload) in html, f"payload not shown as escaped text: {payload!r}"
