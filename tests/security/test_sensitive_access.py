"""Who may open the most sensitive pages and files, written out by hand.

test_url_matrix.py checks every URL against referral_portal/access.py RULES, so a wrong rule
there would pass there. This table does not read RULES: each expected answer comes from reading
the views and selectors (referrals.selectors, confirmations.selectors, routing.selectors,
access_log.views) for one confirmed referral of one organization, with an
attachment and two notices, routed to the Albany County district only.

Answers: 200 the page or file; 403 refused by role; 404 the record is not there for this person
(another organization's, a notice kind they may not download, or for an administrator a
referral without an active break-glass grant); SIGN_IN a redirect to the
sign-in page; REAUTH a redirect to enter the password again.
"""

import pytest
from django.urls import reverse

from accounts.models import Organization
from referral_portal import private_storage
from referral_portal.roles import Role
from referrals.models import Attachment, AttachmentKind, NoticeKind
from referrals.services import store_notice
from tests.factories import PASSWORD, OrganizationFactory, UserFactory
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district, provider, receiving_user

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"
REAUTH = "re-authenticate"

OWN_REFERRER = "referrer of the referring organization"
OTHER_REFERRER = "referrer of another organization"
ORG_ADMIN = "organization administrator of the referring organization"
REVIEWER = "state reviewer"
SUPERVISOR = "state supervisor"
DESTINATION = "receiving agency the case was routed to"
OTHER_AGENCY = "receiving agency of another destination"
ADMINISTRATOR = "administrator"
ANONYMOUS = "anonymous"
PEOPLE = [
    OWN_REFERRER,
    OTHER_REFERRER,
    ORG_ADMIN,
    REVIEWER,
    SUPERVISOR,
    DESTINATION,
    OTHER_AGENCY,
    ADMINISTRATOR,
    ANONYMOUS,
]

# (page, who) -> expected answer. Every page lists every person.
EXPECTED = {
    "review case page": {
        OWN_REFERRER: 403, OTHER_REFERRER: 403, ORG_ADMIN: 403, REVIEWER: 200, SUPERVISOR: 200,
        DESTINATION: 403, OTHER_AGENCY: 403,
        ADMINISTRATOR: 404,  # no break-glass grant (docs/decisions/0009)
        ANONYMOUS: SIGN_IN,
    },
    "referral detail": {
        OWN_REFERRER: 200, OTHER_REFERRER: 404, ORG_ADMIN: 200, REVIEWER: 200, SUPERVISOR: 200,
        DESTINATION: 403, OTHER_AGENCY: 403,
        ADMINISTRATOR: 403,  # the referrer's page is never an administrator's (0009)
        ANONYMOUS: SIGN_IN,
    },
    "attachment download": {
        OWN_REFERRER: 200, OTHER_REFERRER: 404, ORG_ADMIN: 200, REVIEWER: 200, SUPERVISOR: 200,
        DESTINATION: 403, OTHER_AGENCY: 403,
        ADMINISTRATOR: 404,  # no break-glass grant (docs/decisions/0009)
        ANONYMOUS: SIGN_IN,
    },
    # The notice to the referring organization: theirs to download, and state staff's.
    "referrer's notice download": {
        OWN_REFERRER: 200, OTHER_REFERRER: 404, ORG_ADMIN: 200, REVIEWER: 200, SUPERVISOR: 200,
        DESTINATION: 403, OTHER_AGENCY: 403,
        ADMINISTRATOR: 404,  # no break-glass grant (docs/decisions/0009)
        ANONYMOUS: SIGN_IN,
    },
    # The confirmation notice addressed to the person: not a referrer's to download.
    "confirmation notice download (referral)": {
        OWN_REFERRER: 404, OTHER_REFERRER: 404, ORG_ADMIN: 404, REVIEWER: 200, SUPERVISOR: 200,
        DESTINATION: 403, OTHER_AGENCY: 403,
        ADMINISTRATOR: 404,  # no break-glass grant (docs/decisions/0009)
        ANONYMOUS: SIGN_IN,
    },
    # The receiving agency downloads the confirmation notice from its case, nothing else.
    "confirmation notice download (routed case)": {
        OWN_REFERRER: 403, OTHER_REFERRER: 403, ORG_ADMIN: 403, REVIEWER: 403, SUPERVISOR: 403,
        DESTINATION: 200, OTHER_AGENCY: 404, ADMINISTRATOR: 403, ANONYMOUS: SIGN_IN,
    },
    "referrer's notice download (routed case)": {
        OWN_REFERRER: 403, OTHER_REFERRER: 403, ORG_ADMIN: 403, REVIEWER: 403, SUPERVISOR: 403,
        DESTINATION: 404, OTHER_AGENCY: 404, ADMINISTRATOR: 403, ANONYMOUS: SIGN_IN,
    },
    "access log": {
        OWN_REFERRER: 403, OTHER_REFERRER: 403, ORG_ADMIN: 403, REVIEWER: 403, SUPERVISOR: 403,
        DESTINATION: 403, OTHER_AGENCY: 403, ADMINISTRATOR: 200, ANONYMOUS: SIGN_IN,
    },
    # A fresh password check first, even for an administrator (test_export_after_the_password).
    "access log export": {
        OWN_REFERRER: 403, OTHER_REFERRER: 403, ORG_ADMIN: 403, REVIEWER: 403, SUPERVISOR: 403,
        DESTINATION: 403, OTHER_AGENCY: 403, ADMINISTRATOR: REAUTH, ANONYMOUS: SIGN_IN,
    },
}  # fmt: skip


def _state_agency():
    return OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )


@pytest.fixture
def case(settings, tmp_path, drain_outbox):
    """One confirmed referral with an attachment and two notices, delivered to the district."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    referrer = UserFactory(role=Role.REFERRER)
    referral = confirmed_referral(referrer=referrer)
    [delivery] = route(referral)
    drain_outbox()
    attachment = Attachment(
        referral=referral,
        kind=AttachmentKind.CONSENT_FORM,
        original_name="consent.pdf",
        content_type="application/pdf",
        size=12,
        uploaded_by=referrer,
    )
    attachment.stored_name = private_storage.save_encrypted(
        b"%PDF-1.4 form", context=attachment.storage_context
    )
    attachment.save()
    notices = {
        kind: store_notice(referral=referral, kind=kind, pdf=b"%PDF-1.4 " + kind.encode(),
                           issued_by=None)
        for kind in (NoticeKind.REFERRING_ORGANIZATION, NoticeKind.CONFIRMATION_ADULT)
    }  # fmt: skip
    state = _state_agency()
    people = {
        OWN_REFERRER: referrer,
        OTHER_REFERRER: UserFactory(role=Role.REFERRER),
        ORG_ADMIN: UserFactory(role=Role.ORG_ADMIN, organization=referral.organization),
        REVIEWER: UserFactory(role=Role.STATE_REVIEWER, organization=state),
        SUPERVISOR: UserFactory(role=Role.STATE_SUPERVISOR, organization=state),
        DESTINATION: receiving_user(district().organization),
        OTHER_AGENCY: receiving_user(provider().organization),
        ADMINISTRATOR: UserFactory(role=Role.ADMINISTRATOR, organization=state),
        ANONYMOUS: None,
    }
    referrer_notice = notices[NoticeKind.REFERRING_ORGANIZATION].public_id
    confirmation = notices[NoticeKind.CONFIRMATION_ADULT].public_id
    urls = {
        "review case page": reverse("confirmations:case", args=[referral.public_id]),
        "referral detail": reverse("referrals:detail", args=[referral.public_id]),
        "attachment download": reverse("referrals:attachment", args=[attachment.public_id]),
        "referrer's notice download": reverse("referrals:notice", args=[referrer_notice]),
        "confirmation notice download (referral)": reverse("referrals:notice",
                                                           args=[confirmation]),
        "confirmation notice download (routed case)": reverse(
            "routing:notice_download", args=[delivery.public_id, confirmation]),
        "referrer's notice download (routed case)": reverse(
            "routing:notice_download", args=[delivery.public_id, referrer_notice]),
        "access log": reverse("access_log:search"),
        "access log export": reverse("access_log:export"),
    }  # fmt: skip
    return people, urls


def _answer(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return SIGN_IN
        if location.startswith(reverse("account_reauthenticate")):
            return REAUTH
        return f"302 to {location}"
    return response.status_code


def test_the_table_covers_every_person_on_every_page():
    assert all(list(row) == PEOPLE for row in EXPECTED.values())


@pytest.mark.parametrize("page", EXPECTED)
def test_each_person_gets_the_expected_answer(client, case, page):
    people, urls = case
    answers = {}
    for who in PEOPLE:
        client.logout()
        if people[who] is not None:
            client.force_login(people[who])
        answers[who] = _answer(client.get(urls[page]))

    assert answers == EXPECTED[page]


def test_export_after_the_password(client, case):
    people, urls = case
    client.force_login(people[ADMINISTRATOR])
    reauthenticated = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert reauthenticated.status_code == 302

    assert client.get(urls["access log export"]).status_code == 200
