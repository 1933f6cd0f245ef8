"""Data URIs: how an uploaded file travels inside the API's JSON request (``data:<mime>;base64,<payload>``)."""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse

from videostudio.media.common import MediaError

_DATA_URI = re.compile(r"^data:(?P<mime>[^,;]*)(?P<params>(?:;[^,;]*)*),(?P<payload>.*)$", re.IGNORECASE | re.DOTALL)


def to_data_uri(data: bytes, mime: str) -> str:
    """``data:<mime>;base64,<payload>``, the form the API's URL fields accept."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def is_data_uri(value: str) -> bool:
    """True if ``value`` is a ``data:`` URI (as opposed to a web link)."""
    return isinstance(value, str) and _DATA_URI.match(value.strip()) is not None


def decode_data_uri(uri: str) -> tuple[str, bytes]:
    """The (mime, bytes) a data URI holds; MediaError if it is malformed."""
    broken = MediaError("This embedded file (data URI) is damaged and cannot be read. Upload the file again.")
    match = _DATA_URI.match(uri.strip()) if isinstance(uri, str) else None
    if match is None:
        raise broken
    # RFC 2397: an omitted type means plain text.
    mime = match["mime"].strip().lower() or "text/plain"
    params = [p.strip().lower() for p in match["params"].split(";") if p.strip()]
    payload = match["payload"]
    if "base64" in params:
        # Line breaks are common when a URI was copied from a wrapped text; they are not data.
        compact = re.sub(r"\s+", "", urllib.parse.unquote(payload))
        try:
            return mime, base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            raise broken from None
    return mime, urllib.parse.unquote_to_bytes(payload)
