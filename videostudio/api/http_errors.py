"""An HTTP error answer from the AI/ML API → the typed, user-readable exception of ``videostudio/api/errors.py``.

``error_from_response`` reads the answer once (its detail, scrubbed and shortened; its request id) and hands it to
the builder ``STATUS_BUILDERS`` names for the status; a status it does not name (5xx aside) is an unexpected
``APIError``. ``tests/test_errors.py`` keeps the table complete: every ``APIError`` kind is reached from a status,
and every error status from 400 to 599 gives an exception with a message and a hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from videostudio.api.error_text import (
    MAX_DETAIL_CHARS,
    describe_error,
    first_loc,
    header_value,
    parse_retry_after,
    request_id_of,
    scrub_secrets,
    shorten,
)
from videostudio.api.errors import (
    BILLING_URL,
    APIError,
    AuthenticationError,
    BadRequestError,
    InsufficientCreditsError,
    NotFoundError,
    RateLimitError,
    ServerError,
)

__all__ = ["STATUS_BUILDERS", "error_from_response"]

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


@dataclass(frozen=True)
class ErrorAnswer:
    """One HTTP error answer, read once: what each builder needs."""

    status_code: int
    body: Any
    headers: Mapping[str, str] | None
    detail: str | None  # the server's words, scrubbed of secrets and shortened; None when it said nothing readable

    @property
    def common(self) -> dict[str, Any]:
        """The keyword arguments every ``APIError`` takes from the answer."""
        return {
            "status_code": self.status_code,
            "detail": self.detail,
            "request_id": request_id_of(self.body, self.headers),
        }

    @property
    def says_something(self) -> bool:
        """Whether the detail adds to our own wording (it is not a bare reason phrase such as "Not Found")."""
        return bool(self.detail) and not _is_generic(self.detail or "")

    def retry_after(self) -> float | None:
        return parse_retry_after(header_value(self.headers, "Retry-After"))


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


# --- One builder per kind of answer ----------------------------------------------------------------------------------


def _bad_request(answer: ErrorAnswer) -> APIError:
    message = _sentence(f"The AI/ML API refused the request: {answer.detail}") if answer.says_something else None
    return BadRequestError(message, loc=first_loc(answer.body), **answer.common)


def _unauthorized(answer: ErrorAnswer) -> APIError:
    # The documented 401 text only repeats our message, and proxies may echo the header: never quote it.
    return AuthenticationError(**answer.common)


def _forbidden(answer: ErrorAnswer) -> APIError:
    detail = answer.detail
    if answer.says_something and not re.search(r"(?i)credit|balance|billing|top ?up", detail or ""):
        message = _sentence(f"The AI/ML API refused access: {detail}")
        hint = (
            f"Check that your key may use this model, or top up your balance at {BILLING_URL} "
            "if the account is out of credits."
        )
        return InsufficientCreditsError(message, hint, **answer.common)
    return InsufficientCreditsError(**answer.common)


def _not_found(answer: ErrorAnswer) -> APIError:
    return NotFoundError(_with_detail(NotFoundError.default_message, answer.detail), **answer.common)


def _too_large(answer: ErrorAnswer) -> APIError:
    message = "The request was too large for the AI/ML API (error 413)."
    hint = "Use smaller files, or paste a web link to the file instead of uploading it."
    return APIError(message, hint, **answer.common)


def _rate_limited(answer: ErrorAnswer) -> APIError:
    retry_after = answer.retry_after()
    hint = f"Wait {_wait_phrase(retry_after)} and try again." if retry_after is not None else None
    message = _with_detail(RateLimitError.default_message, answer.detail)
    return RateLimitError(message, hint, retry_after=retry_after, **answer.common)


# The 5xx statuses with words of their own (message, hint); None keeps ServerError's default hint.
_SERVER_WORDS: dict[int, tuple[str, str | None]] = {
    502: ("The AI/ML API could not get an answer from the video provider (error 502).", None),
    503: ("The AI/ML API's video service is temporarily unavailable (error 503).", None),
    504: (
        "The video provider took too long and the generation timed out (error 504).",
        "This was not caused by your settings. Try again in a few minutes.",
    ),
}


def _server_error(answer: ErrorAnswer) -> APIError:
    status = answer.status_code
    fallback = f"The AI/ML API's video service ran into a problem on its side (error {status})."
    message, hint = _SERVER_WORDS.get(status, (fallback, None))
    return ServerError(_with_detail(message, answer.detail), hint, retry_after=answer.retry_after(), **answer.common)


def _unexpected(answer: ErrorAnswer) -> APIError:
    message = _with_detail(f"The AI/ML API returned an unexpected error (HTTP {answer.status_code}).", answer.detail)
    return APIError(message, **answer.common)


ErrorBuilder = Callable[[ErrorAnswer], APIError]

# The statuses the studio words itself; every 5xx goes to _server_error, anything else to _unexpected.
STATUS_BUILDERS: dict[int, ErrorBuilder] = {
    400: _bad_request,
    401: _unauthorized,
    403: _forbidden,
    404: _not_found,
    410: _not_found,
    413: _too_large,
    422: _bad_request,
    429: _rate_limited,
}


def _builder(status_code: int) -> ErrorBuilder:
    if status_code in STATUS_BUILDERS:
        return STATUS_BUILDERS[status_code]
    return _server_error if 500 <= status_code <= 599 else _unexpected


def error_from_response(
    status_code: int, body: Any, headers: Mapping[str, str] | None = None, *, api_key: str | None = None
) -> APIError:
    """Build the typed, user-readable exception for an HTTP error answer from the AI/ML API.

    ``api_key`` (optional) is scrubbed from any server text; key-shaped strings are scrubbed even without it.
    """
    raw = describe_error(body, limit=10_000)
    detail = shorten(scrub_secrets(raw, api_key), MAX_DETAIL_CHARS) if raw else None
    answer = ErrorAnswer(status_code=status_code, body=body, headers=headers, detail=detail)
    return _builder(status_code)(answer)
