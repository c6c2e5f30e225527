"""The portal's URLs plus stand-ins for django-debug-toolbar's (namespace "djdt") and for URLs
whose names only look like them, for tests/security/test_debug_toolbar_exemption.py."""

from django.http import HttpResponse
from django.urls import include, path

from referral_portal.urls import urlpatterns as portal_urlpatterns


def panel(request):
    return HttpResponse("toolbar panel")


urlpatterns = [
    *portal_urlpatterns,
    path("__debug__/", include(([path("render/", panel, name="render_panel")], "djdt"))),
    path("djdt-export/", panel, name="djdt_export"),
    path("lookalike/", include(([path("export/", panel, name="export")], "djdtx"))),
]
