"""Errors the studio can show to a user.

Every message is written for a non-programmer: ``message`` says what went wrong, ``hint`` says what to do next,
and ``str(error)`` joins the two. The API key never appears in a message: server text is scrubbed before it is
quoted, because some gateways echo the ``Authorization`` header or the request back in their error bodies.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "InsufficientCreditsError",
    "NotFoundError",
    "RateLimitError",
    "ResponseFormatError",
    "ServerError",
    "StudioError",
    "SubmitAnswerLost",
    "SubmitTimeout",
    "describe_error",
    "error_from_response",
    "parse_retry_after",
    "scrub_secrets",
]

KEYS_URL = "https://aimlapi.com/app/keys"
BILLING_URL = "https://aimlapi.com/app/billing/"
SUPPORT_EMAIL = "help@aimlapi.com"

# Server text is quoted to the user, so it is cut to a readable length (upstream errors can embed whole JSON blobs).
MAX_DETAIL_CHARS = 300


class StudioError(Exception):
    """Base class for every error the studio explains to its user."""

    default_message = "Something went wrong."
    default_hint = ""

    def __init__(self, message: str | None = None, hint: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.hint = hint if hint is not None else self.default_hint
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class APIError(StudioError):
    """The AI/ML API answered with an HTTP error status."""

    default_message = "The AI/ML API returned an error."
    default_hint = f"Try again in a minute. If it keeps happening, contact AI/ML API support at {SUPPORT_EMAIL}."
    default_status_code = 0

    def __init__(
        self,
        message: str | None = None,
        hint: str | None = None,
        *,
        status_code: int | None = None,
        detail: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.status_code = status_code if status_code is not None else self.default_status_code
        self.detail = detail
        self.request_id = request_id
        super().__init__(message, hint)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r})"


class BadRequestError(APIError):
    """The API refused the request's settings (HTTP 400 or 422)."""

    default_message = "The AI/ML API refused the request because some settings are not valid."
    # Nothing is highlighted unless the form finds the field the API names (``named_field``).
    default_hint = "Check the settings and try again."
    default_status_code = 400

    def __init__(self, *args: Any, loc: str | None = None, **kwargs: Any) -> None:
        self.loc = loc  # the field a validation error's ``loc`` names ("camera_control.config.zoom"), if any
        super().__init__(*args, **kwargs)

    def named_field(self, names: Iterable[str]) -> str | None:
        """The top-level field (one of ``names``) this refusal is about, as a dotted path; None when it names none.

        FastAPI-style bodies say it in ``loc``; the AI/ML API says it in its message ("Body validation error!
        duration: Invalid enum value"). The body's ``path`` is the request's URL path, never a field.
        """
        known = [n for n in names if n]
        if self.loc:
            path = re.sub(r"\[(\d+)\]", r".\1", self.loc)
            if path.split(".")[0] in known:
                return path
        if not self.detail:
            return None
        found = [(m.start(), m.group(1)) for n in known for m in [_whole_word(n).search(self.detail)] if m]
        return min(found)[1] if found else None


class AuthenticationError(APIError):
    """The API key is missing or was not accepted (HTTP 401)."""

    default_message = "The AI/ML API did not accept the API key (it is missing, mistyped or revoked)."
    default_hint = (
        "Paste a valid key in the sidebar or set the AIMLAPI_API_KEY environment variable. "
        f"You can create a key at {KEYS_URL}."
    )
    default_status_code = 401


class InsufficientCreditsError(APIError):
    """The account has run out of credits (HTTP 403)."""

    default_message = "Your AI/ML API account has run out of credits."
    default_hint = f"Top up your balance at {BILLING_URL} and try again."
    default_status_code = 403


class NotFoundError(APIError):
    """The model or generation job does not exist, or the model was retired (HTTP 404)."""

    default_message = "The AI/ML API could not find this model or generation job."
    default_hint = (
        "The model may have been retired: choose another model. "
        "If you were checking on an earlier job, start a new generation."
    )
    default_status_code = 404


class RateLimitError(APIError):
    """Too many requests in a short time (HTTP 429)."""

    default_message = "The AI/ML API is receiving too many requests from your key right now."
    default_hint = "Wait a minute and try again."
    default_status_code = 429

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class ServerError(APIError):
    """The API or its video provider failed on their side (HTTP 5xx; 504 is a generation timeout)."""

    default_message = "The AI/ML API's video service ran into a problem on its side."
    default_hint = "This was not caused by your settings. Try again in a few minutes."
    default_status_code = 500

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        # 503 answers often carry Retry-After too; the client honours it the same way as for 429.
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class APIConnectionError(StudioError):
    """The studio could not reach the AI/ML API (no network, DNS failure, connection refused or reset)."""

    default_message = "Could not reach the AI/ML API."
    default_hint = "Check your internet connection and try again in a minute."


class APITimeoutError(APIConnectionError):
    """The AI/ML API did not answer in time."""

    default_message = "The AI/ML API did not answer in time."
    default_hint = "The service may be busy. Try again in a minute."


class SubmitAnswerLost(APIConnectionError):
    """A submit went out but its answer was lost (a timeout, a reset connection): the job may have started.

    Raised only for submits; the client never sends one again. ``client_request_id`` is the id the request
    carried, by which the API's usage logs can tell whether it arrived (videostudio/jobs/recovery.py).
    """

    default_message = "The AI/ML API's answer to this request was lost, so it is not known whether the job started."
    default_hint = "Check your generation history on aimlapi.com before submitting again, so you are not charged twice."

    def __init__(self, message: str | None = None, hint: str | None = None, *, client_request_id: str | None = None):
        self.client_request_id = client_request_id
        super().__init__(message, hint)


class SubmitTimeout(SubmitAnswerLost, APITimeoutError):
    """A submit went out and no answer came within the read timeout."""


class ResponseFormatError(StudioError):
    """The API answered something the studio cannot read (not JSON, or no generation id)."""

    default_message = "The AI/ML API sent an answer the studio could not read."
    default_hint = f"Try again in a minute. If it keeps happening, contact AI/ML API support at {SUPPORT_EMAIL}."


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


def _shorten(text: str, limit: int) -> str:
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


def _first_loc(body: Any) -> str | None:
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


def _whole_word(name: str) -> re.Pattern[str]:
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
    return _shorten(text, limit) if text else None


# --- Headers ---------------------------------------------------------------------------------------------------------


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
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


def _request_id(body: Any, headers: Mapping[str, str] | None) -> str | None:
    if isinstance(body, Mapping):
        for key in ("requestId", "request_id"):
            value = body.get(key)
            if value not in (None, ""):
                return str(value)
    for name in ("x-request-id", "x-inference-id", "x-client-request-id"):
        value = _header(headers, name)
        if value:
            return value
    return None


# --- Status code → exception -----------------------------------------------------------------------------------------

# Reason phrases that add nothing to our own wording; quoting them would only repeat the message.
_GENERIC_DETAILS = {
    "bad request",
    "unauthorized",
    "forbidden",
    "not found",
    "cannot get",
    "too many requests",
    "internal server error",
    "bad gateway",
    "service unavailable",
    "gateway timeout",
    "generation timeout",
}


def _is_generic(detail: str) -> bool:
    return detail.strip(" .!").lower() in _GENERIC_DETAILS


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _with_detail(message: str, detail: str | None) -> str:
    if not detail or _is_generic(detail):
        return message
    return f'{message} The server said: "{_sentence(detail)}"'


def _wait_phrase(seconds: float) -> str:
    if seconds < 1.5:
        return "a moment"
    if seconds < 90:
        return f"about {round(seconds)} seconds"
    return f"about {round(seconds / 60)} minutes"


def error_from_response(
    status_code: int, body: Any, headers: Mapping[str, str] | None = None, *, api_key: str | None = None
) -> APIError:
    """Build the typed, user-readable exception for an HTTP error answer from the AI/ML API.

    ``api_key`` (optional) is scrubbed from any server text; key-shaped strings are scrubbed even without it.
    """
    raw = describe_error(body, limit=10_000)
    detail = _shorten(scrub_secrets(raw, api_key), MAX_DETAIL_CHARS) if raw else None
    common: dict[str, Any] = {"status_code": status_code, "detail": detail, "request_id": _request_id(body, headers)}

    if status_code in (400, 422):
        if detail and not _is_generic(detail):
            message = _sentence(f"The AI/ML API refused the request: {detail}")
        else:
            message = None
        return BadRequestError(message, loc=_first_loc(body), **common)

    if status_code == 401:
        # The documented 401 text only repeats our message, and proxies may echo the header: never quote it.
        return AuthenticationError(**common)

    if status_code == 403:
        if detail and not _is_generic(detail) and not re.search(r"(?i)credit|balance|billing|top ?up", detail):
            message = _sentence(f"The AI/ML API refused access: {detail}")
            hint = (
                f"Check that your key may use this model, or top up your balance at {BILLING_URL} "
                "if the account is out of credits."
            )
            return InsufficientCreditsError(message, hint, **common)
        return InsufficientCreditsError(**common)

    if status_code in (404, 410):
        return NotFoundError(_with_detail(NotFoundError.default_message, detail), **common)

    if status_code == 429:
        retry_after = parse_retry_after(_header(headers, "Retry-After"))
        hint = f"Wait {_wait_phrase(retry_after)} and try again." if retry_after is not None else None
        return RateLimitError(
            _with_detail(RateLimitError.default_message, detail), hint, retry_after=retry_after, **common
        )

    if 500 <= status_code <= 599:
        retry_after = parse_retry_after(_header(headers, "Retry-After"))
        if status_code == 504:
            message = "The video provider took too long and the generation timed out (error 504)."
            hint = "This was not caused by your settings. Try again in a few minutes."
        elif status_code == 503:
            message = "The AI/ML API's video service is temporarily unavailable (error 503)."
            hint = None
        elif status_code == 502:
            message = "The AI/ML API could not get an answer from the video provider (error 502)."
            hint = None
        else:
            message = f"The AI/ML API's video service ran into a problem on its side (error {status_code})."
            hint = None
        return ServerError(_with_detail(message, detail), hint, retry_after=retry_after, **common)

    if status_code == 413:
        message = "The request was too large for the AI/ML API (error 413)."
        hint = "Use smaller files, or paste a web link to the file instead of uploading it."
        return APIError(message, hint, **common)

    message = _with_detail(f"The AI/ML API returned an unexpected error (HTTP {status_code}).", detail)
    return APIError(message, **common)
