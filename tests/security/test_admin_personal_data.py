"""The Django admin (/manage/) is the administrator's tool, and administrators do not see
victims' data (docs/decisions/0009): no changelist, search or change page of any registered
model shows a referral's personal fields, only reference numbers and ids."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from retention import services
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(drain_outbox):
    """A confirmed, routed referral on legal hold: decision, consultation, delivery, hold."""
    reviewer = helpers.reviewer()
    referral = helpers.ready_to_decide(reviewer)
    helpers.confirm(referral, reviewer)
    drain_outbox()
    services.place_legal_hold(
        referral=referral, actor=helpers.administrator(), reason="Litigation hold LH-12"
    )
    referral.refresh_from_db()
    return referral


def _personal_values(referral) -> list[str]:
    values = [
        referral.legal_name,
        referral.phone,
        referral.email,
        referral.other_names,
        referral.safe_contact_notes,
        referral.narrative.split(".")[0],
    ]
    return [value for value in values if value]


def _admin_pages(referral):
    """Every changelist, the same list searched for the person's name, and the change page of
    every row (a few per model)."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        try:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        yield changelist, {}
        if model_admin.search_fields:
            yield changelist, {"q": referral.legal_name}
        for pk in model._default_manager.values_list("pk", flat=True)[:10]:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]), {}


def test_no_admin_page_shows_a_referrals_personal_fields(client, referral):
    client.force_login(helpers.administrator())
    assert len(_personal_values(referral)) >= 5

    shown = []
    opened = 0
    for url, query in _admin_pages(referral):
        response = client.get(url, query)
        if response.status_code != 200:
            continue
        opened += 1
        body = response.content.decode()
        if query:  # the search box repeats what was typed: that is not data shown
            body = body.replace(f'value="{escape(query["q"])}"', "")
        shown += [(url, value) for value in _personal_values(referral) if value in body]

    assert opened >= 20  # the walk reached the changelists and change pages
    assert shown == [], "\n".join(map(str, shown))


def test_the_retention_list_names_referrals_by_reference(client, referral):
    client.force_login(helpers.administrator())

    body = client.get(reverse("admin:retention_retainedreferral_changelist")).content.decode()

    assert referral.reference in body and referral.legal_name not in body
