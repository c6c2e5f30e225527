"""Webhooks go to the public internet only.

An administrator types the webhook address, and the worker that calls it sits inside the
portal's network. Without this check the address could name the worker's own machine
(127.0.0.1), the private network (10/8, 192.168/16 ...) or the cloud metadata service
(169.254.169.254), and the answers would map what is there. So a host name is resolved once,
every address it resolves to must be public, and the connection then goes to one of those very
addresses (`resolve`), so a second, different DNS answer cannot slip in between check and use.

ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES lifts the rule for the test suite's receiver on loopback.
"""

import ipaddress
import socket

from django.conf import settings

# IPv6 ranges that carry an IPv4 address a gateway turns back into IPv4 (NAT64, RFC 6052).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """The host resolves to at least one address outside the public internet."""


class AddressUnresolved(Exception):
    """The host name does not resolve (or is not a valid name)."""


def _embedded_ipv4(address: ipaddress.IPv6Address):
    if address.sixtofour:
        yield address.sixtofour
    if address.teredo:
        yield from address.teredo
    if address in _NAT64:
        yield ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)


def is_public(text: str) -> bool:
    """Whether a connection to this address would leave for the public internet."""
    address = ipaddress.ip_address(text)
    if address.version == 6:
        if address.ipv4_mapped:  # ::ffff:a.b.c.d is IPv4 in disguise: never needed here
            return False
        if not all(is_public(str(inner)) for inner in _embedded_ipv4(address)):
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(host: str, port: int) -> list[tuple]:
    """The (family, socket address) pairs to connect to, each one checked.

    Refuses the whole host when ANY address is not public: a name that answers with one public
    and one private address is a rebinding attempt, not a server to call."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise AddressUnresolved from error
    targets = list(dict.fromkeys((family, sockaddr) for family, _, _, _, sockaddr in found))
    if not targets:
        raise AddressUnresolved
    allow_private = settings.ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    if not allow_private and not all(is_public(sockaddr[0]) for _, sockaddr in targets):
        raise AddressRefused
    return targets


def check_host(host: str, port: int) -> None:
    """For the address form: refuses what `resolve` would refuse at send time."""
    if settings.ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return  # no need to look the name up: any address will do
    resolve(host, port)
