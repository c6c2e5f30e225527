from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from . import handlers, signals  # noqa: F401 - outbox handlers, post_migrate roles

        _guard_allauth_login_with_axes()


def _guard_allauth_login_with_axes():
    """django-axes' documented allauth integration (docs/6_integration.rst): allauth's login
    view is not Django's, so axes must check the lockout before the view runs and again when
    the form fails. The URL comes from allauth's own urls, so the view class is decorated here,
    once, rather than replaced in referral_portal/urls.py."""
    from allauth.account.views import LoginView
    from axes.decorators import axes_dispatch, axes_form_invalid
    from django.utils.decorators import method_decorator

    if getattr(LoginView, "_portal_axes_guarded", False):
        return
    LoginView.dispatch = method_decorator(axes_dispatch)(LoginView.dispatch)
    LoginView.form_invalid = method_decorator(axes_form_invalid)(LoginView.form_invalid)
    LoginView._portal_axes_guarded = True
