import pytest

from accounts import demo as accounts_demo
from referrals import demo
from referrals.models import Referral, Status


@pytest.mark.django_db
def test_demo_referrals_are_seeded_once_in_several_states():
    accounts_demo.seed()
    demo.seed()
    statuses = sorted(Referral.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [Status.SUBMITTED] * 3 + [Status.INFO_REQUESTED, Status.WITHDRAWN, Status.DRAFT]
    )
    demo.seed()
    assert Referral.objects.count() == 6
