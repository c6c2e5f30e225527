from allauth.account.forms import LoginForm


class PortalLoginForm(LoginForm):
    """Sign-in. django-axes counts failures by the username typed into `login`."""

    def user_credentials(self):
        credentials = super().user_credentials()
        credentials["login"] = credentials.get("username") or credentials.get("login")
        return credentials
