"""Every URL pattern of the portal, with a sample path for each (ids that match nothing)."""

import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

SAMPLES = {
    UUIDConverter: lambda: str(uuid.uuid4()),
    IntConverter: lambda: "987654321",
    SlugConverter: lambda: "no-such-thing",
    PathConverter: lambda: "no/such/thing",
}


@dataclass(frozen=True)
class PortalUrl:
    name: str
    path: str | None  # None when no sample path can be built (regex patterns with groups)
    has_parameters: bool


def _sample(pattern) -> tuple[str | None, bool]:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        if not pattern.converters:
            return route, False
        for converter in pattern.converters.values():
            make = SAMPLES.get(type(converter), lambda: "no-such-thing")
            route = route.split("<", 1)[0] + make() + route.split(">", 1)[1]
        return route, True
    regex = pattern.regex.pattern
    if pattern.regex.groups == 0:
        return regex.lstrip("^").rstrip("$").replace("\\", ""), False
    return None, True


def portal_urls() -> list[PortalUrl]:
    found: list[PortalUrl] = []

    def walk(patterns, prefix="", namespace=None, has_parameters=False):
        for entry in patterns:
            sample, params = _sample(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(
                    entry.url_patterns,
                    None if sample is None or prefix is None else prefix + sample,
                    full_ns,
                    has_parameters or params,
                )
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                path = None if sample is None or prefix is None else "/" + prefix + sample
                found.append(PortalUrl(name, path, has_parameters or params))

    walk(get_resolver().url_patterns)
    return found
