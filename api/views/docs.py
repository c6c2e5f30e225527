"""The API's documentation for signed-in people: the operations, what each needs and answers,
and the OpenAPI document to download. Rendered on the server from the generated schema (no
scripts: the portal's content security policy allows none inline)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import schema, scopes

METHODS = ("get", "post", "patch", "put", "delete")


@require_GET
def documentation(request):
    document = schema.document()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "scopes": [s for r in operation.get("security", []) for s in r.get("oauth2", [])],
            "responses": sorted(operation.get("responses", {})),
        }
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]
    webhooks = [
        {"event": event, "summary": operation.get("summary", ""),
         "description": operation.get("description", "")}
        for event, item in document.get("webhooks", {}).items()
        for operation in item.values()
    ]  # fmt: skip
    return render(
        request,
        "api/docs.html",
        {
            "operations": operations,
            "webhooks": webhooks,
            "scopes": scopes.ALL,
            "info": document["info"],
        },
    )


@require_GET
def schema_file(request):
    response = HttpResponse(schema.as_yaml(), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="openapi.yaml"'
    return response
