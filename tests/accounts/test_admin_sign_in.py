"""The Django admin's own sign-in view is replaced by the portal's (with its second factor and
sign-in delays): referral_portal/urls.py wraps admin.site.login in allauth's
secure_admin_login. These tests call admin.site.login itself, past the access middleware, so
they fail if that wrapper goes (test_signin.py's /manage/ redirect comes from the middleware)."""

import pytest
from allauth.core import context
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied

import referral_portal.urls  # noqa: F401 - installs the portal's admin sign-in
from referral_portal.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
ADMIN_LOGIN = "/manage/login/?next=/manage/"


def _request(rf, method, user, data=None):
    request = getattr(rf, method)(ADMIN_LOGIN, data or {})
    request.user = user
    request.session = SessionStore()
    request._dont_enforce_csrf_checks = True  # as the test client does: CSRF is tested elsewhere
    return request


def _login(request):
    """admin.site.login as Django would call it, with allauth's per-request context (set by its
    middleware in a real request)."""
    with context.request_context(request):
        return admin.site.login(request)


def test_the_admin_sign_in_page_sends_people_to_the_portal_sign_in(rf):
    response = _login(_request(rf, "get", AnonymousUser()))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fmanage%2F"


def test_an_administrators_password_alone_does_not_sign_in_through_the_admin(rf):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    request = _request(
        rf, "post", AnonymousUser(), {"username": administrator.username, "password": PASSWORD}
    )

    response = _login(request)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in request.session


def test_a_signed_in_person_who_is_not_an_administrator_is_refused(rf):
    with pytest.raises(PermissionDenied):
        _login(_request(rf, "get", UserFactory(role=Role.REFERRER)))
