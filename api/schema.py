"""The OpenAPI 3.1 document, generated from the views by drf-spectacular. The committed copy,
docs/api/openapi.yaml, must equal it (tests/api/test_schema.py): an API change that is not
reflected there fails the build. Regenerate it with

    python manage.py spectacular --file docs/api/openapi.yaml
"""

import functools

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

from . import scopes


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiClientTokenAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        view = auto_schema.view
        method = auto_schema.method.upper()
        needed = view.required_scopes.get(method)
        return {self.name: [needed] if needed else []}

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/oauth/token/",
                    "scopes": dict(scopes.ALL),
                }
            },
        }


def only_api_v1(endpoints):
    """drf-spectacular preprocessing hook: the token endpoint and the pages are not REST views."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


@functools.cache
def document() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def as_yaml() -> bytes:
    return OpenApiYamlRenderer().render(document(), renderer_context={})
