"""Errors the studio can show to a user, as one tree of exceptions.

Every message is written for a non-programmer: ``message`` says what went wrong, ``hint`` says what to do next,
and ``str(error)`` joins the two. The API key never appears in a message: server text is scrubbed before it is
quoted (``videostudio/api/error_text.py``), because some gateways echo the ``Authorization`` header or the request
back in their error bodies. Which HTTP answer becomes which exception is ``videostudio/api/http_errors.py``.

The tree (``tests/test_errors.py`` keeps it true)::

    StudioError
    ├── APIError                        the API answered with an HTTP error status
    │   ├── BadRequestError             400, 422: the request's settings were refused
    │   ├── AuthenticationError         401: the key is missing or not accepted
    │   ├── InsufficientCreditsError    403: out of credits (or no access)
    │   ├── NotFoundError               404, 410: no such model or job
    │   ├── RateLimitError              429: too many requests
    │   └── ServerError                 5xx: the API or its provider failed
    ├── APIConnectionError              the API could not be reached
    │   ├── APITimeoutError             ... or did not answer in time
    │   └── SubmitAnswerLost            a submit went out, its answer was lost
    │       └── SubmitTimeout           ... to the read timeout (also an APITimeoutError)
    └── ResponseFormatError             the answer could not be read
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from videostudio.api.error_text import whole_word

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
]

KEYS_URL = "https://aimlapi.com/app/keys"
BILLING_URL = "https://aimlapi.com/app/billing/"
SUPPORT_EMAIL = "help@aimlapi.com"


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
        found = [(m.start(), m.group(1)) for n in known for m in [whole_word(n).search(self.detail)] if m]
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
