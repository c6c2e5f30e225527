"""Cross-cutting response policies: no caching of signed-in pages, clearing the browser on
sign-out, and who-and-which-request context for the change history."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from pghistory.middleware import HistoryMiddleware

# ASVS V14.3.1: on sign-out the browser drops what it cached or stored for the portal.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'
_SIGNED_OUT = "_portal_signed_out"


class NoStoreMiddleware:
    """Pages for signed-in people must never be kept by a browser or proxy cache
    (ASVS V14.2.2 / V14.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


@receiver(user_logged_out, dispatch_uid="portal_mark_signed_out")
def _mark_signed_out(sender, request, **kwargs):
    # Every way out (the sign-out button, the idle and 12-hour limits) goes through logout(),
    # which sends this signal; the middleware below then adds the header to that response.
    if request is not None:
        setattr(request, _SIGNED_OUT, True)


class ClearSiteDataOnLogoutMiddleware:
    """Adds Clear-Site-Data and no-store to the response of any request that signed out.
    Sits outside the session-limit middleware so timed-out sessions are cleared too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, _SIGNED_OUT, False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
            response["Cache-Control"] = "no-store"
        return response


class HistoryContextMiddleware(HistoryMiddleware):
    """pghistory's context middleware: every change-history event written during a request
    carries the signed-in person, the URL path (ids only, by design) and the request id, so a
    history row can be matched to the access log and to the application log."""

    def get_context(self, request):
        context = super().get_context(request)
        context["request_id"] = getattr(request, "request_id", "")
        return context
