from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from .page_languages import language_context, translated


@require_GET
def home(request):
    if request.user.is_authenticated:
        return render(request, "home.html")  # the staff's home page: English, like every staff page
    return _public_home(request)


@translated
def _public_home(request, language: str):
    return render(request, "home.html", language_context(language))


@require_GET
@translated
def accessibility(request, language: str):
    return render(request, "pages/accessibility.html", language_context(language))


@require_GET
@translated
def privacy(request, language: str):
    return render(request, "pages/privacy.html", language_context(language))


@require_POST
def session_keepalive(request):
    """'Stay signed in' from the idle warning: the request itself counts as activity."""
    return JsonResponse({"status": "ok"})
