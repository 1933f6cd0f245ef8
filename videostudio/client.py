"""HTTP client for the AI/ML API's asynchronous video generations.

Submit with ``POST /v2/video/generations``, then poll ``GET /v2/video/generations?generation_id=<id>`` until the
status is terminal. Only polls are retried: the API charges per submit, so a submit that failed in transit might
still have started a paid job, and sending it again could pay twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import requests

from videostudio.contract import BILLING_PATH, DEFAULT_BASE_URL, GENERATIONS_PATH
from videostudio.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    error_from_response,
)
from videostudio.generation import Generation

__all__ = ["BILLING_PATH", "DEFAULT_BASE_URL", "SUBMIT_PATH", "USER_AGENT", "Balance", "VideoClient"]

SUBMIT_PATH = GENERATIONS_PATH
USER_AGENT = "video-studio/0.1"

# First poll retry waits this long, then doubles (0.5 s, 1 s, 2 s, ...), unless the server says otherwise.
BACKOFF_BASE = 0.5


@dataclass(frozen=True)
class Balance:
    """What is left on the account (``GET /v2/billing``)."""

    usd: float
    currency: str = "USD"


class VideoClient:
    """Submits video generation jobs to the AI/ML API and polls them."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        session: requests.Session | None = None,
        poll_attempts: int = 3,
        max_retry_wait: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = (base_url or DEFAULT_BASE_URL).strip().rstrip("/")
        # Pasted keys often carry a trailing newline or spaces; the header must hold the bare key.
        self._api_key = (api_key or "").strip() or None
        self.timeout = (float(timeout[0]), float(timeout[1]))
        self.poll_attempts = max(1, int(poll_attempts))
        self.max_retry_wait = max(0.0, float(max_retry_wait))
        self._sleep = sleep
        # A session passed in belongs to the caller, who closes it; only our own is closed by close().
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()

    def __repr__(self) -> str:
        # Deliberately base_url only: no key, no headers, no session internals.
        return f"VideoClient(base_url={self.base_url!r})"

    def __enter__(self) -> VideoClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the HTTP connections (only those of a session this client created itself)."""
        if self._owns_session:
            self._session.close()

    # --- public calls ------------------------------------------------------------------------------------------------

    def submit(self, payload: dict[str, Any], *, legacy_endpoint: str | None = None) -> Generation:
        """Start a generation. ``payload`` is the model's JSON body, including ``"model"``.

        Never retried, whatever the error: the API charges per submit.
        """
        if not isinstance(payload, Mapping):
            raise TypeError("payload must be a dict holding the model's JSON body")
        url = self._url(legacy_endpoint)
        body = self._request("POST", url, json=dict(payload), is_submit=True)
        return Generation.from_response(body)

    def poll(self, generation_id: str, *, legacy_endpoint: str | None = None) -> Generation:
        """Fetch a job's current state. Retries 429, 5xx and network failures up to ``poll_attempts`` calls in all."""
        generation_id = str(generation_id).strip()
        if not generation_id:
            raise ValueError("generation_id must not be empty")
        # params= lets requests URL-encode the id: ids look like "<uuid>:pixverse/v5/image-to-video".
        body = self._get_retrying(self._url(legacy_endpoint), {"generation_id": generation_id})
        return Generation.from_response(body, fallback_id=generation_id)

    def balance(self, *, attempts: int | None = None) -> Balance:
        """The account's balance (``GET /v2/billing``, key needed). A read, so retried as polls are.

        ``attempts`` (default ``poll_attempts``) caps the calls, for a page that must not wait long.
        """
        body = self._get_retrying(f"{self.base_url}/{BILLING_PATH.lstrip('/')}", attempts=attempts)
        amount = body.get("current_balance")
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ResponseFormatError("The AI/ML API sent a balance the studio could not read.")
        currency = body.get("currency")
        return Balance(usd=float(amount), currency=currency if isinstance(currency, str) and currency else "USD")

    # --- internals ---------------------------------------------------------------------------------------------------

    def _get_retrying(
        self, url: str, params: Mapping[str, str] | None = None, *, attempts: int | None = None
    ) -> Mapping[str, Any]:
        """GET ``url``, again after 429, 5xx and network failures, up to ``attempts`` calls in all."""
        most = max(1, attempts) if attempts is not None else self.poll_attempts
        attempt = 1
        while True:
            try:
                return self._request("GET", url, params=params, is_submit=False)
            except (RateLimitError, ServerError, APIConnectionError) as exc:
                if attempt >= most:
                    raise
                self._sleep(self._retry_wait(attempt, exc))
                attempt += 1

    def _url(self, legacy_endpoint: str | None) -> str:
        path = (legacy_endpoint or SUBMIT_PATH).strip()
        return f"{self.base_url}/{path.lstrip('/')}"

    def _retry_wait(self, attempt: int, exc: Exception) -> float:
        retry_after = getattr(exc, "retry_after", None)
        wait = retry_after if retry_after is not None else BACKOFF_BASE * 2 ** (attempt - 1)
        return min(wait, self.max_retry_wait)

    def _where(self, *, capital: bool = False) -> str:
        # Scheme, host and port only: never a path, query or user:password part that could hold a secret.
        the = "The" if capital else "the"
        try:
            parts = urlsplit(self.base_url)
            host = parts.hostname
            port = parts.port
        except ValueError:  # e.g. a non-numeric port typed into the settings
            host, port = None, None
        if not host:
            return f"{the} AI/ML API"
        netloc = host if port is None else f"{host}:{port}"
        return f"{the} AI/ML API at {parts.scheme}://{netloc}" if parts.scheme else f"{the} AI/ML API at {netloc}"

    def _headers(self) -> dict[str, str]:
        if self._api_key is None:
            raise AuthenticationError(
                "No AI/ML API key is set, so nothing was sent.",
                status_code=401,
            )
        if not self._api_key.isascii() or any(ch.isspace() for ch in self._api_key):
            # requests would fail deep in http.client with a message that repeats the header; stop here instead.
            raise AuthenticationError(
                "The AI/ML API key contains spaces or unusual characters, so it cannot be valid. Nothing was sent.",
                status_code=401,
            )
        # Headers go on each request, never on the session, so a shared session never carries the key.
        return {
            "Authorization": f"Bearer {self._api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }

    def _request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        is_submit: bool,
    ) -> Mapping[str, Any]:
        headers = self._headers()
        try:
            response = self._session.request(
                method, url, params=params, json=json, headers=headers, timeout=self.timeout
            )
        except requests.exceptions.ConnectTimeout as exc:
            # Checked before Timeout/ConnectionError: ConnectTimeout is both, and nothing reached the server.
            raise APITimeoutError(
                f"Could not connect to {self._where()} within {self.timeout[0]:g} seconds.",
                "Check your internet connection and try again in a minute.",
            ) from exc
        except requests.exceptions.Timeout as exc:
            message = f"{self._where(capital=True)} did not answer within {self.timeout[1]:g} seconds."
            if is_submit:
                # The request did go out: the job may exist and be billed, so sending it again is not harmless.
                hint = (
                    "The job may still have started. Check your generation history on aimlapi.com before "
                    "submitting again, so you are not charged twice."
                )
            else:
                hint = "The service may be busy. Try again in a minute."
            raise APITimeoutError(message, hint) from exc
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
            raise APIConnectionError(
                "The AI/ML API address set in the studio is not a valid web address.",
                f"Set it to {DEFAULT_BASE_URL} (or leave it empty) and try again.",
            ) from None  # the original message repeats the URL, which could be anything the user typed
        except requests.exceptions.RequestException as exc:
            hint = "Check your internet connection and try again in a minute."
            if is_submit:
                hint += " If the connection dropped after sending, the job may still have started: check your history."
            raise APIConnectionError(f"Could not reach {self._where()}.", hint) from exc

        if not 200 <= response.status_code < 300:
            raise self._api_error(response)

        try:
            body = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "no content type"
            raise ResponseFormatError(
                f"The AI/ML API answered in a format the studio can't read (expected JSON, got {kind}).",
            ) from None
        if not isinstance(body, Mapping):
            raise ResponseFormatError(
                "The AI/ML API sent an answer the studio could not read (expected a JSON object)."
            )
        return body

    def _api_error(self, response: requests.Response) -> APIError:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        return error_from_response(response.status_code, body, response.headers, api_key=self._api_key)
