"""The one answer to "which address did this request come from?".

Login lockouts (django-axes), the order rate limits and the REST framework throttles all ask
here, so a client cannot pick its own budget. ``X-Forwarded-For`` is believed only when the
connection comes from a proxy listed in ``WENMING_TRUSTED_PROXIES`` (IPs or CIDRs, default none),
and then only the hops those proxies appended: the header is read right to left and the first
address that is not a trusted proxy is the client. Whatever a client writes into the header
itself sits left of that and is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxies() -> tuple[Network, ...]:
    """The parsed ``WENMING_TRUSTED_PROXIES`` (read each call, so tests may override it)."""
    return _networks(tuple(getattr(settings, "WENMING_TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind trusted proxies the hop they saw."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_proxies()
    if not networks or not _trusted(_parse(remote), networks):
        return remote or "unknown"
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    client = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # Garbage where a trusted proxy should have written an address: stop at the last
            # hop we could vouch for rather than believe anything further left.
            break
        client = str(address)
        if not _trusted(address, networks):
            break
    return client


def client_ip_address(request) -> str | None:
    """``client_ip`` as a valid address or None (django-axes stores it in an IP column; a request
    built in code, e.g. Django's ``force_login``, has no REMOTE_ADDR)."""
    ip = client_ip(request)
    return ip if _parse(ip) is not None else None
