import pytest

from tests.e2e.signin import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_in_with_password_and_authenticator(live_server, page):
    user = UserFactory()

    sign_in(page, live_server, user)

    assert page.locator("h1").inner_text().startswith("Welcome")
