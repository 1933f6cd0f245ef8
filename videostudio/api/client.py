"""HTTP client for the AI/ML API's asynchronous video generations.

Submit with ``POST /v2/video/generations``, then poll ``GET /v2/video/generations?generation_id=<id>`` until the
status is terminal. Only polls are retried: the API charges per submit, so a submit that failed in transit might
still have started a paid job, and sending it again could pay twice. Each submit carries the caller's
``X-Client-Request-Id``, so a submit whose answer was lost can be found in the usage logs (``GET /v2/logs``).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, NoReturn
from urllib.parse import urlsplit

import requests

from videostudio.api.contract import BILLING_PATH, DEFAULT_BASE_URL, GENERATIONS_PATH
from videostudio.api.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    SubmitAnswerLost,
    SubmitTimeout,
)
from videostudio.api.generation import Generation
from videostudio.api.http_errors import error_from_response

__all__ = [
    "BILLING_PATH",
    "DEFAULT_BASE_URL",
    "LOGS_PATH",
    "SUBMIT_PATH",
    "USER_AGENT",
    "Balance",
    "VideoClient",
    "valid_request_id",
]

SUBMIT_PATH = GENERATIONS_PATH
LOGS_PATH = "/v2/logs"
# What the API keeps of an X-Client-Request-Id (fact sheet §5); anything else is silently dropped by it.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def new_client_request_id(prefix: str = "vs") -> str:
    """A fresh ``X-Client-Request-Id`` (``vs-<32 hex>``; the prefix says what sent it): recorded before the request
    leaves, it is how the usage logs tell whether a request whose answer was lost reached the provider."""
    return f"{prefix}-{uuid.uuid4().hex}"


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

    def submit(
        self, payload: dict[str, Any], *, legacy_endpoint: str | None = None, client_request_id: str | None = None
    ) -> Generation:
        """Start a generation. ``payload`` is the model's JSON body, including ``"model"``.

        ``client_request_id`` goes out as ``X-Client-Request-Id`` (1-128 of ``A-Z a-z 0-9 . _ : -``): the
        usage logs report it, so a lost answer can be found again. Never retried, whatever the error: the API
        charges per submit. When the request may have arrived but its answer did not (a read timeout, a
        connection cut after sending), ``SubmitAnswerLost`` says so.
        """
        if not isinstance(payload, Mapping):
            raise TypeError("payload must be a dict holding the model's JSON body")
        if client_request_id is not None and not valid_request_id(client_request_id):
            raise ValueError("client_request_id must be 1-128 characters of A-Z a-z 0-9 . _ : -")
        url = self._url(legacy_endpoint)
        extra = {"X-Client-Request-Id": client_request_id} if client_request_id else None
        body, headers = self._request(
            "POST", url, json=dict(payload), is_submit=True, extra_headers=extra, request_id=client_request_id
        )
        return Generation.from_response(body, headers=headers)

    def logs(
        self,
        *,
        start: datetime,
        end: datetime,
        models: list[str] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Mapping[str, Any]]:
        """One page of the usage logs (``GET /v2/logs``) between ``start`` and ``end``, for ``models``.

        Rows as the API sends them (``created``, ``status``, ``model``, ``cost``, ``inference_id``,
        ``client_request_id``, ...). Asked once: a 429 (over 200 requests a minute) is the caller's to wait out.
        """
        params: list[tuple[str, str]] = [("start", _iso(start)), ("end", _iso(end))]
        params += [("model", model) for model in models or []]
        params += [("limit", str(max(1, min(100, int(limit))))), ("offset", str(max(0, int(offset))))]
        body, _headers = self._request("GET", self._url(LOGS_PATH), params=params, is_submit=False)
        rows = body.get("data")
        if rows is None:  # the envelope's name is not documented: take the first list it carries
            rows = next((v for v in body.values() if isinstance(v, list)), [])
        if not isinstance(rows, list):
            raise ResponseFormatError("The AI/ML API sent usage logs the studio could not read.")
        return [row for row in rows if isinstance(row, Mapping)]

    def poll(self, generation_id: str, *, legacy_endpoint: str | None = None) -> Generation:
        """Fetch a job's current state. Retries 429, 5xx and network failures up to ``poll_attempts`` calls in all."""
        generation_id = str(generation_id).strip()
        if not generation_id:
            raise ValueError("generation_id must not be empty")
        # params= lets requests URL-encode the id: ids look like "<uuid>:pixverse/v5/image-to-video".
        body, headers = self._get_retrying(self._url(legacy_endpoint), {"generation_id": generation_id})
        return Generation.from_response(body, fallback_id=generation_id, headers=headers)

    def balance(self, *, attempts: int | None = None) -> Balance:
        """The account's balance (``GET /v2/billing``, key needed). A read, so retried as polls are.

        ``attempts`` (default ``poll_attempts``) caps the calls, for a page that must not wait long.
        """
        body, _headers = self._get_retrying(f"{self.base_url}/{BILLING_PATH.lstrip('/')}", attempts=attempts)
        amount = body.get("current_balance")
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ResponseFormatError("The AI/ML API sent a balance the studio could not read.")
        currency = body.get("currency")
        return Balance(usd=float(amount), currency=currency if isinstance(currency, str) and currency else "USD")

    # --- internals ---------------------------------------------------------------------------------------------------

    def _get_retrying(
        self, url: str, params: Mapping[str, str] | None = None, *, attempts: int | None = None
    ) -> tuple[Mapping[str, Any], Mapping[str, str]]:
        """GET ``url``, again after 429, 5xx and network failures, up to ``attempts`` calls in all: (body, headers)."""
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
        params: Mapping[str, str] | list[tuple[str, str]] | None = None,
        json: Any = None,
        is_submit: bool,
        extra_headers: Mapping[str, str] | None = None,
        request_id: str | None = None,
    ) -> tuple[Mapping[str, Any], Mapping[str, str]]:
        """The answer's JSON object and its headers; a ``StudioError`` for anything else."""
        headers = {**self._headers(), **(extra_headers or {})}
        try:
            response = self._session.request(
                method, url, params=params, json=json, headers=headers, timeout=self.timeout
            )
        except requests.exceptions.RequestException as exc:
            self._raise_unanswered(exc, is_submit=is_submit, request_id=request_id)
        if not 200 <= response.status_code < 300:
            raise self._api_error(response)
        return _json_object(response), response.headers

    def _raise_unanswered(
        self, exc: requests.exceptions.RequestException, *, is_submit: bool, request_id: str | None
    ) -> NoReturn:
        """Raise the studio's error for a request that got no answer (called while ``exc`` is handled)."""
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            # Checked before Timeout/ConnectionError: ConnectTimeout is both, and nothing reached the server.
            raise APITimeoutError(
                f"Could not connect to {self._where()} within {self.timeout[0]:g} seconds.",
                "Check your internet connection and try again in a minute.",
            ) from exc
        if isinstance(exc, requests.exceptions.Timeout):
            message = f"{self._where(capital=True)} did not answer within {self.timeout[1]:g} seconds."
            if is_submit:
                # The request did go out: the job may exist and be billed, so sending it again is not harmless.
                hint = (
                    "The job may still have started. Check your generation history on aimlapi.com before "
                    "submitting again, so you are not charged twice."
                )
                raise SubmitTimeout(message, hint, client_request_id=request_id) from exc
            raise APITimeoutError(message, "The service may be busy. Try again in a minute.") from exc
        if isinstance(
            exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema)
        ):
            raise APIConnectionError(
                "The AI/ML API address set in the studio is not a valid web address.",
                f"Set it to {DEFAULT_BASE_URL} (or leave it empty) and try again.",
            ) from None  # the original message repeats the URL, which could be anything the user typed
        hint = "Check your internet connection and try again in a minute."
        if is_submit and _may_have_arrived(exc):
            raise SubmitAnswerLost(
                f"The connection to {self._where()} dropped before it answered.",
                "The job may still have started: look at your usage on aimlapi.com before sending it again.",
                client_request_id=request_id,
            ) from exc
        raise APIConnectionError(f"Could not reach {self._where()}.", hint) from exc

    def _api_error(self, response: requests.Response) -> APIError:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        return error_from_response(response.status_code, body, response.headers, api_key=self._api_key)


def _json_object(response: requests.Response) -> Mapping[str, Any]:
    """The answer's body as a JSON object; ResponseFormatError when it is not one."""
    try:
        body = response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "no content type"
        raise ResponseFormatError(
            f"The AI/ML API answered in a format the studio can't read (expected JSON, got {kind}).",
        ) from None
    if not isinstance(body, Mapping):
        raise ResponseFormatError("The AI/ML API sent an answer the studio could not read (expected a JSON object).")
    return body


def valid_request_id(value: str) -> bool:
    """Whether the API keeps ``value`` as an ``X-Client-Request-Id`` (it silently drops any other)."""
    return bool(REQUEST_ID_PATTERN.fullmatch(value))


def _iso(moment: datetime) -> str:
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _may_have_arrived(exc: requests.exceptions.RequestException) -> bool:
    """False only when the connection was never made (refused, no such host): then nothing was sent."""
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    seen: BaseException | None = exc
    while seen is not None:
        reasons = [seen, *(a for a in getattr(seen, "args", ()) if isinstance(a, BaseException))]
        for reason in reasons:
            inner = getattr(reason, "reason", None)
            for candidate in (reason, inner):
                if isinstance(candidate, NewConnectionError | ConnectTimeoutError):
                    return False
        seen = seen.__cause__ or seen.__context__
    return True
