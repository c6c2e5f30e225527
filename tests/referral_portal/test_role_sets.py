"""One vocabulary for who may do what: the named role sets of referral_portal.roles, asked by
templates through the access_tags filters, never by comparing a role's string."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template, TemplateSyntaxError

from referral_portal import roles
from referral_portal.roles import Role
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
ROLE_NAMES = "|".join(Role.values)
# A condition ({% if %}, {% elif %}) that compares .role or names a role.
ROLE_CONDITION = re.compile(
    rf"{{%\s*(?:el)?if\b[^%]*(?:\.role\b|[\"'](?:{ROLE_NAMES})[\"'])[^%]*%}}"
)


def _render(source: str, user) -> str:
    return Template("{% load access_tags %}" + source).render(Context({"user": user})).strip()


def test_no_template_compares_a_role_string():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for directory in (
            "templates",
            "accounts",
            "referrals",
            "confirmations",
            "routing",
            "reports",
            "retention",
            "api",
            "referral_portal",
            "access_log",
        )
        for path in (ROOT / directory).rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ROLE_CONDITION.search(line)
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_in_role_set_answers_from_the_named_sets(role):
    user = UserFactory(role=role, mfa=False)

    for name, members in roles.ROLE_SETS.items():
        shown = _render(f'{{% if user|in_role_set:"{name}" %}}yes{{% endif %}}', user)
        assert (shown == "yes") == (role in members), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMINISTRATOR, "yes"), (Role.STATE_SUPERVISOR, "yes"), (Role.REFERRER, "")],
)
def test_may_asks_the_access_table(role, expected):
    user = UserFactory(role=role, mfa=False)

    assert _render('{% if user|may:"confirmations:queue" %}yes{% endif %}', user) == expected


def test_anonymous_people_are_in_no_set_and_may_only_reach_public_urls():
    anonymous = AnonymousUser()

    assert _render('{% if user|in_role_set:"REFERRING" %}yes{% endif %}', anonymous) == ""
    assert _render('{% if user|may:"referrals:list" %}yes{% endif %}', anonymous) == ""
    assert _render('{% if user|may:"home" %}yes{% endif %}', anonymous) == "yes"


@pytest.mark.parametrize(
    "source",
    ['{% if user|in_role_set:"REVIEWERS" %}{% endif %}', '{% if user|may:"no:such" %}{% endif %}'],
)
def test_a_misspelt_set_or_url_is_an_error_not_a_silent_no(source):
    with pytest.raises(TemplateSyntaxError):
        _render(source, AnonymousUser())
