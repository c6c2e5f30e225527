from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from . import handlers, signals  # noqa: F401 - outbox handlers, post_migrate roles

        _guard_allauth_sign_in_views()


def _guard_allauth_sign_in_views():
    """allauth's sign-in views come from allauth's own urls, so they are wrapped here, once,
    rather than replaced in referral_portal/urls.py: a paused sign-in answers 429 with a
    Retry-After header, and NUL bytes are refused before any form or query sees them."""
    from allauth.account.views import LoginView, ReauthenticateView
    from django.utils.decorators import method_decorator

    if getattr(LoginView, "_portal_guarded", False):
        return
    LoginView.form_invalid = _answer_429_while_paused(LoginView.form_invalid)
    for view in (LoginView, ReauthenticateView):
        view.dispatch = method_decorator(_refuse_null_bytes)(view.dispatch)
    LoginView._portal_guarded = True


def _answer_429_while_paused(form_invalid):
    import math
    from functools import wraps

    from django.forms.forms import NON_FIELD_ERRORS
    from django.utils import timezone

    from .adapters import SIGN_IN_PAUSED
    from .signin_delays import wait_until

    @wraps(form_invalid)
    def answer(self, form):
        response = form_invalid(self, form)
        if form.has_error(NON_FIELD_ERRORS, code=SIGN_IN_PAUSED):
            response.status_code = 429
            until = wait_until(self.request, form.data.get("login", ""))
            if until is not None:
                seconds = math.ceil((until - timezone.now()).total_seconds())
                response["Retry-After"] = str(max(1, seconds))
        return response

    return answer


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
