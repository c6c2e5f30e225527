from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST


@require_GET
def home(request):
    return render(request, "home.html")


@require_GET
def accessibility(request):
    return render(request, "pages/accessibility.html")


@require_GET
def privacy(request):
    return render(request, "pages/privacy.html")


@require_POST
def session_keepalive(request):
    """'Stay signed in' from the idle warning: the request itself counts as activity."""
    return JsonResponse({"status": "ok"})
