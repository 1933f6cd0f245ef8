"""Server text made fit to quote: what any error body says, in plain text, scrubbed of secrets.

The API's error bodies come in many shapes (``{message}``, ``{error: {name, message}}``, FastAPI's
``{detail: [{loc, msg}]}``, plain text, an HTML error page); ``describe_error`` reads them all into one line.
``scrub_secrets`` hides the key and anything key-shaped, because some gateways echo the ``Authorization`` header
or the request back. The headers an error answer carries (``Retry-After``, request ids) are read here too.
``videostudio/api/http_errors.py`` turns all of this into the typed exception of ``videostudio/api/errors.py``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = [
    "MAX_DETAIL_CHARS",
    "describe_error",
    "first_loc",
    "header_value",
    "parse_retry_after",
    "request_id_of",
    "scrub_secrets",
    "shorten",
    "whole_word",
]

# Server text is quoted to the user, so it is cut to a readable length (upstream errors can embed whole JSON blobs).
MAX_DETAIL_CHARS = 300


# --- Scrubbing -------------------------------------------------------------------------------------------------------

_HIDDEN = "[hidden]"
_SECRET_PATTERNS = (
    # "Authorization: Bearer <key>" echoed back by a proxy.
    re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+"),
    # key=..., api_key=..., token=... in an echoed URL or form.
    # Only "=" and quoted JSON keys count as separators, so prose such as "invalid key: x" stays intact.
    re.compile(r"(?i)\b(api[_-]?key|access[_-]?token|token|key|password|secret)(=|[\"']\s*:\s*[\"']?)[^\s\"'&,;]+"),
    # Key-shaped tokens: AI/ML API keys are long unbroken runs of letters and digits. Ids keep their hyphens
    # ("8ac142d3-…") and are too short between separators to match, so they stay readable.
    re.compile(r"\b(?:sk-[A-Za-z0-9_-]{16,}|[A-Za-z0-9]{32,})\b"),
)


def scrub_secrets(text: str, secret: str | None = None) -> str:
    """Return ``text`` with the given secret and anything that looks like an API key replaced by ``[hidden]``."""
    if secret:
        text = text.replace(secret, _HIDDEN)
    text = _SECRET_PATTERNS[0].sub(lambda m: f"{m.group(1)} {_HIDDEN}", text)
    text = _SECRET_PATTERNS[1].sub(lambda m: f"{m.group(1)}{m.group(2)}{_HIDDEN}", text)
    return _SECRET_PATTERNS[2].sub(_HIDDEN, text)


# --- Reading error bodies --------------------------------------------------------------------------------------------

# FastAPI-style "loc" lists start with where the field lives; the user only cares about the field itself.
_LOC_ROOTS = {"body", "query", "path", "header", "headers", "cookie"}


def _format_loc(loc: Any) -> str:
    if not isinstance(loc, list | tuple):
        return str(loc) if loc not in (None, "") else ""
    parts = list(loc)
    while parts and str(parts[0]) in _LOC_ROOTS:
        parts.pop(0)
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters (at a word when one is close) with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Cut at a word boundary when one is reasonably close, so the sentence does not end mid-word.
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def _describe(obj: Any, depth: int = 0) -> str | None:
    if obj is None or depth > 6:
        return None
    if isinstance(obj, bytes | bytearray):
        text = bytes(obj).decode("utf-8", errors="replace")
        try:
            return _describe(json.loads(text), depth + 1)
        except ValueError:
            return _describe(text, depth + 1)
    if isinstance(obj, str):
        text = obj.strip()
        # An HTML error page (nginx, Cloudflare) says nothing a user can act on; the status code says more.
        if text[:1] == "<":
            return None
        return text or None
    if isinstance(obj, Mapping):
        if "msg" in obj:  # one FastAPI validation item: {"loc": [...], "msg": "...", "type": "..."}
            msg = _describe(obj.get("msg"), depth + 1)
            where = _format_loc(obj.get("loc"))
            if msg:
                return f"{where}: {msg}" if where else msg
        for key in ("message", "error", "detail", "error_message", "description", "title", "name"):
            text = _describe(obj.get(key), depth + 1)
            if text:
                return text
        return None
    if isinstance(obj, list | tuple):
        texts = [t for t in (_describe(item, depth + 1) for item in obj) if t]
        return "; ".join(texts) or None
    if isinstance(obj, bool):
        return None
    return str(obj)


def first_loc(body: Any) -> str | None:
    """The field the first FastAPI-style validation item names (``{"detail": [{"loc": [...], "msg": ...}]}``)."""
    if isinstance(body, bytes | bytearray):
        try:
            body = json.loads(bytes(body).decode("utf-8", errors="replace"))
        except ValueError:
            return None
    items = body.get("detail") if isinstance(body, Mapping) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and item.get("loc"):
            return _format_loc(item["loc"]) or None
    return None


def whole_word(name: str) -> re.Pattern[str]:
    """A pattern finding the field ``name`` as a whole word in server text."""
    # Underscores count as word characters, so "image_url" is not found inside "tail_image_url".
    return re.compile(rf"(?<![\w.])({re.escape(name)})(?![\w])")


def describe_error(error: Any, *, limit: int = MAX_DETAIL_CHARS) -> str | None:
    """Plain text for any error shape the API uses ({message}, {error:{name,message}}, {detail:[...]}, text)."""
    text = _describe(error)
    if text is None and isinstance(error, Mapping) and error:
        # Nothing recognisable: show the object itself rather than hide that something failed.
        try:
            text = json.dumps(error, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = str(error)
    return shorten(text, limit) if text else None


# --- Headers ---------------------------------------------------------------------------------------------------------


def header_value(headers: Mapping[str, str] | None, name: str) -> str | None:
    """The header ``name``, whatever its case in ``headers``; None when absent."""
    if not headers:
        return None
    value = headers.get(name)
    if value is None:
        # Plain dicts are case-sensitive; requests' CaseInsensitiveDict already matched above.
        lowered = name.lower()
        value = next((v for k, v in headers.items() if str(k).lower() == lowered), None)
    return str(value).strip() if value is not None else None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header, given as seconds or as an HTTP date; None when unreadable."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN or infinite: ignore the header
        return None
    return max(0.0, seconds)


def request_id_of(body: Any, headers: Mapping[str, str] | None) -> str | None:
    """The id the API gave this request, from the error body or the headers; None when it gave none."""
    if isinstance(body, Mapping):
        for key in ("requestId", "request_id"):
            value = body.get(key)
            if value not in (None, ""):
                return str(value)
    for name in ("x-request-id", "x-inference-id", "x-client-request-id"):
        value = header_value(headers, name)
        if value:
            return value
    return None
