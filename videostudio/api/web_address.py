"""Web addresses the studio refuses to pass on: hosts on a private, loopback or link-local network.

The provider fetches a web address on the person's behalf, from its own servers: an address such as
``http://169.254.169.254/`` (a cloud's metadata service) or ``http://10.0.0.5/`` points into somebody's
private network, never at a picture on the internet. Only the address itself is read: host names are not
looked up (a lookup can hang offline and its answer can change), so a public name that resolves to a
private address is the provider's to refuse.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

# Names that always mean this machine or the local network.
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")
_WEB_ADDRESS = re.compile(r"https?://\S+", re.IGNORECASE)


def looks_like_web_address(value: object) -> bool:
    """A whole value that is an http(s) address (not a prompt that mentions one)."""
    return isinstance(value, str) and _WEB_ADDRESS.fullmatch(value.strip()) is not None


def private_host(url: str) -> str | None:
    """The host of ``url`` when it is private, loopback, link-local or otherwise not on the internet; else None."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # an unbalanced "[" in the host
        return None
    if not host:
        return None
    host = host.rstrip(".").lower()
    if host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES):
        return host
    address = _literal_address(host)
    if address is None:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return host if not address.is_global or address.is_multicast else None


def refusal(url: str) -> str | None:
    """What to tell the person when ``url`` may not be sent, or None when it may."""
    host = private_host(url)
    if host is None:
        return None
    return (
        f"This web address points into a private or local network ({host}), which the provider would open on "
        "your behalf. Give a public web address, or upload the file instead."
    )


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host written as an IP stands for, in any of the forms a browser accepts
    (``127.0.0.1``, ``2130706433``, ``0x7f.1``, ``::1``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not re.fullmatch(r"[0-9a-fx.]+", host) or not re.search(r"\d", host):
        return None
    try:
        # inet_aton reads the short, decimal, octal and hex forms; it never touches the network.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None
