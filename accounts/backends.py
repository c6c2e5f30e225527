from allauth.account.auth_backends import AuthenticationBackend


class VerifiedOrganizationBackend(AuthenticationBackend):
    """Only active people in a verified or reinstated organization can sign in, and a person
    whose organization is suspended loses every session on their next request."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.may_act

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.may_act else None
