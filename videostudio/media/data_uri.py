"""Data URIs: how an uploaded file travels inside the API's JSON request (``data:<mime>;base64,<payload>``)."""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
import urllib.parse

from videostudio.media.common import MediaError

_DATA_URI = re.compile(r"^data:(?P<mime>[^,;]*)(?P<params>(?:;[^,;]*)*),(?P<payload>.*)$", re.IGNORECASE | re.DOTALL)
# Only the head: a data URI's type, read without scanning the (possibly many megabytes of) base64 after it.
_DATA_URI_HEAD = re.compile(r"^\s*data:([^,;]*)", re.IGNORECASE)
# File endings for the types the media preparation produces; mimetypes alone gives odd ones (.jpe, .mp2).
_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "video/mp4": ".mp4",
}


def to_data_uri(data: bytes, mime: str) -> str:
    """``data:<mime>;base64,<payload>``, the form the API's URL fields accept."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def is_data_uri(value: str) -> bool:
    """True if ``value`` is a ``data:`` URI (as opposed to a web link)."""
    return isinstance(value, str) and _DATA_URI.match(value.strip()) is not None


def data_uri_mime(uri: str) -> str:
    """The type a data URI declares, lower case ("" when it declares none), read from its head alone."""
    match = _DATA_URI_HEAD.match(uri) if isinstance(uri, str) else None
    return match[1].strip().lower() if match else ""


def file_extension(mime: str) -> str:
    """The file ending for a file of type ``mime``, with its dot: ``.jpg`` for image/jpeg; ``.bin`` if unknown."""
    return _EXTENSIONS.get(mime) or mimetypes.guess_extension(mime) or ".bin"


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
