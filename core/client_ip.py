"""The client's network address, trusting forwarding headers only from our own proxies.

`REMOTE_ADDR` is the peer that opened the TCP connection. Only when that peer is one of
`settings.TRUSTED_PROXIES` (addresses or networks, empty by default) is `X-Forwarded-For`
read, from the right: each trusted proxy appends the address it saw, so the first entry
from the right that is not a trusted proxy is the client. Entries further left were
written by the client and can say anything.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

__all__ = ["client_ip", "trusted_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    """settings.TRUSTED_PROXIES parsed (a typo fails loudly, at the first request)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    # "[::1]:80" and "1.2.3.4:80" are how some proxies write a hop with its port.
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address log-in limits and rate limits count a request under."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    networks = trusted_networks()
    if peer is None:
        return request.META.get("REMOTE_ADDR") or None
    if not _trusted(peer, networks):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # A trusted proxy writes addresses; garbage came from the client, and the
            # last proxy that handed it on is all we can vouch for.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
