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
    from allauth.account.views import LoginView, ReauthenticateView
    from axes.decorators import axes_dispatch, axes_form_invalid
    from django.utils.decorators import method_decorator

    if getattr(LoginView, "_portal_axes_guarded", False):
        return
    LoginView.dispatch = method_decorator(axes_dispatch)(LoginView.dispatch)
    LoginView.form_invalid = method_decorator(axes_form_invalid)(LoginView.form_invalid)
    # Outermost: axes records a failed attempt's query string and form fields in PostgreSQL,
    # which refuses NUL bytes. Such a request is answered 400 before anything is recorded.
    for view in (LoginView, ReauthenticateView):
        view.dispatch = method_decorator(_refuse_null_bytes)(view.dispatch)
    LoginView._portal_axes_guarded = True


def _refuse_null_bytes(view_func):
    from functools import wraps

    from django.views.defaults import bad_request

    @wraps(view_func)
    def guarded(request, *args, **kwargs):
        for data in (request.GET, request.POST):
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return bad_request(request, exception=None)
        return view_func(request, *args, **kwargs)

    return guarded
