"""Pages for people: an organization's administrators manage its API clients (the portal's
administrators any organization's, state agencies' included) and see all of them at once. The
secret is shown on the page that answers the create or rotate request, once: never stored in
clear, never put in a message, a URL or the session."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organization
from accounts.policy import is_acting_administrator

from .. import scopes, selectors, services
from ..forms import ApiClientForm


@require_GET
def client_list(request):
    if is_acting_administrator(request.user):
        return redirect("api:client_overview")
    organization = request.user.organization
    return render(
        request,
        "api/client_list.html",
        {
            "organization": organization,
            "clients": selectors.clients_of(request.user, organization),
            "may_have_clients": bool(scopes.allowed_for(organization)),
        },
    )


@require_http_methods(["GET", "POST"])
def client_create(request, organization_id):
    organization = selectors.manageable_organization(request.user, organization_id)
    form = ApiClientForm(request.POST or None, organization=organization)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = services.create_client(
                    actor=request.user,
                    organization=organization,
                    name=form.cleaned_data["name"],
                    chosen_scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at,
                )
            except services.ClientRuleError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "api/client_secret.html", {"issued": issued})
        status = 400
    context = {"organization": organization, "form": form}
    return render(request, "api/client_create.html", context, status=status)


@require_POST
def client_rotate(request, public_id):
    client = selectors.client_for(request.user, public_id)
    try:
        issued = services.rotate_secret(actor=request.user, client=client)
    except services.ClientRuleError as error:
        messages.error(request, str(error))
        return redirect("api:client_list")
    return render(request, "api/client_secret.html", {"issued": issued, "rotated": True})


@require_POST
def client_revoke(request, public_id):
    client = selectors.client_for(request.user, public_id)
    services.revoke_client(actor=request.user, client=client)
    messages.success(request, f"The client \u201c{client.name}\u201d is revoked.")
    return redirect("api:client_list")


@require_GET
def client_overview(request):
    return render(
        request,
        "api/client_overview.html",
        {
            "clients": selectors.all_clients(request.user),
            "organizations": _organizations_with_clients_possible(),
            "usage_days": selectors.USAGE_DAYS,
        },
    )


def _organizations_with_clients_possible():

    active = Organization.objects.filter(status__in=Organization.ACTIVE_STATUSES)
    return [org for org in active.order_by("name") if scopes.allowed_for(org)]
