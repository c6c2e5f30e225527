"""The caller's IP address, read one way for the access log, the portal's rate limits and allauth
(settings.TRUSTED_PROXY_COUNT)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
    X-Forwarded-For entry that many places from the right (the hop the outermost proxy saw).
    Entries further left were written by the caller and are never used. A request that did not
    pass through every proxy has fewer entries: then the peer itself is the caller. Anything
    that is not an IP address is dropped, not stored."""
    value = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            value = hops[-proxies]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
