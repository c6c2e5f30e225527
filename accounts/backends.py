from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model


class VerifiedOrganizationBackend(AuthenticationBackend):
    """Only active people in a verified or reinstated organization can sign in, and a person
    whose organization is suspended loses every session on their next request."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.may_act

    def get_user(self, user_id):
        # One query for the person and the organization every request asks about (may_act).
        model = get_user_model()
        user = model._default_manager.select_related("organization").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
