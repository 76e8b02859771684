"""The address a request comes from: the one answer that the sign-in lockout (django-axes, via
AXES_CLIENT_IP_CALLABLE), every throttle and every log line use.

Behind PORTAL_TRUSTED_PROXY_COUNT reverse proxies, each proxy appends the address it saw to
X-Forwarded-For, so the N-th entry from the right is the client as the outermost trusted proxy
saw it. Everything to its left was written by the client and proves nothing: trusting the
leftmost entry would let a client pick a new address for every password it guesses. With no
trusted proxy, or no header, the address is the connection's own (REMOTE_ADDR).
"""

import ipaddress

from django.conf import settings


def _parsed(entry: str) -> str | None:
    """`entry` as a normalised IP address (a port after it dropped), or None if it is not one."""
    entry = entry.strip()
    if entry.startswith("[") and "]" in entry:  # [2001:db8::1]:443
        entry = entry[1 : entry.index("]")]
    elif entry.count(":") == 1:  # 203.0.113.9:51234
        entry, _colon, port = entry.partition(":")
        if not port.isdigit():
            return None
    try:
        address = ipaddress.ip_address(entry)
    except ValueError:
        return None
    # One client, one key: ::ffff:203.0.113.9 is the same client as 203.0.113.9.
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def client_address(request) -> str | None:
    """The client's IP address, or None if the request carries no usable one."""
    proxies = settings.PORTAL_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if proxies else ""
    if forwarded:
        entries = forwarded.split(",")
        # Fewer entries than proxies means the request skipped a proxy (a misconfiguration):
        # take the leftmost entry, as Django REST framework does, rather than the proxy's own
        # address, which every client would share.
        address = _parsed(entries[-min(proxies, len(entries))])
        if address is not None:
            return address
        # A malformed entry is not trusted: count the client under the connection's address.
    return _parsed(request.META.get("REMOTE_ADDR") or "")


def client_key(request) -> str:
    """The client's address for a throttle's cache key; requests without one share "unknown"."""
    return client_address(request) or "unknown"
