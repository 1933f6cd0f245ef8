"""The API's helper endpoints a film needs besides video: speech, chat, music and pictures.

``POST /v1/tts``, ``POST /v1/chat/completions`` and ``POST /v1/images/generations`` answer at once; music is
asynchronous like video (``POST /v2/generate/audio``, then ``GET /v2/generate/audio?generation_id=``). The same
key, address, error words and lost-answer rules as video (``VideoClient``): a ``post`` is never retried, since it
is billed, and one whose answer was lost raises ``SubmitAnswerLost`` with its ``X-Client-Request-Id``; a ``get``
is retried like a poll. What each answer means belongs to the part that asks (``videostudio.voices``, ...).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from videostudio.api.client import VideoClient, valid_request_id
from videostudio.api.errors import APIConnectionError, ResponseFormatError

DOWNLOAD_TIMEOUT = (5.0, 60.0)


@dataclass(frozen=True)
class AssistReply:
    """One answer: its JSON body, the inference id and what it cost, from the API's headers (or its ``meta``)."""

    body: Mapping[str, Any] = field(repr=False)
    inference_id: str | None = None
    usd_spent: float | None = None
    credits_used: int | None = None


class AssistClient(VideoClient):
    """A ``VideoClient`` that also speaks the helper endpoints."""

    def post(self, path: str, payload: Mapping[str, Any], *, client_request_id: str | None = None) -> AssistReply:
        """POST ``payload`` (the model's JSON body, ``model`` included) to ``path``. Never retried: it is billed."""
        if client_request_id is not None and not valid_request_id(client_request_id):
            raise ValueError("client_request_id must be 1-128 characters of A-Z a-z 0-9 . _ : -")
        extra = {"X-Client-Request-Id": client_request_id} if client_request_id else None
        body, headers = self._request(
            "POST",
            self._url(path),
            json=dict(payload),
            is_submit=True,
            extra_headers=extra,
            request_id=client_request_id,
        )
        return _reply(body, headers)

    def get(self, path: str, params: Mapping[str, str] | None = None) -> AssistReply:
        """GET ``path`` (a music poll), again after 429, 5xx and network failures, as video polls are."""
        body, headers = self._get_retrying(self._url(path), params)
        return _reply(body, headers)

    def download(self, url: str, *, max_bytes: int = 64 * 1024 * 1024) -> bytes:
        """The media an answer links to: an http(s) link (no key sent: links are signed) or a ``data:`` URI."""
        if url.startswith("data:"):
            return _data_uri_bytes(url, max_bytes)
        if not url.startswith(("https://", "http://")):
            raise ResponseFormatError("The AI/ML API sent a link the studio could not read.")
        try:
            with self._session.get(url, timeout=DOWNLOAD_TIMEOUT, stream=True) as response:
                if response.status_code != 200:
                    raise APIConnectionError(
                        f"The file could not be fetched (the link answered {response.status_code}).",
                        "Try again in a minute; the link may have expired.",
                    )
                chunks, size = [], 0
                for chunk in response.iter_content(256 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ResponseFormatError("The file the AI/ML API sent is larger than the studio takes.")
                    chunks.append(chunk)
                return b"".join(chunks)
        except requests.RequestException as exc:
            raise APIConnectionError(
                "The file could not be fetched.", "Check your internet connection and try again in a minute."
            ) from exc


def _reply(body: Mapping[str, Any], headers: Mapping[str, str]) -> AssistReply:
    usd = _number(headers.get("x-aimlapi-usd-spent"))
    credits = _number(headers.get("x-aimlapi-credits-used"))
    usage = (body.get("meta") or {}).get("usage") if isinstance(body.get("meta"), Mapping) else None
    if isinstance(usage, Mapping):
        usd = usd if usd is not None else _number(usage.get("usd_spent"))
        credits = credits if credits is not None else _number(usage.get("credits_used"))
    return AssistReply(
        body=body,
        inference_id=headers.get("x-inference-id") or None,
        usd_spent=usd,
        credits_used=int(credits) if credits is not None else None,
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _data_uri_bytes(uri: str, max_bytes: int) -> bytes:
    head, _, data = uri.partition(",")
    if ";base64" not in head:
        raise ResponseFormatError("The AI/ML API sent a file the studio could not read.")
    if len(data) * 3 // 4 > max_bytes:
        raise ResponseFormatError("The file the AI/ML API sent is larger than the studio takes.")
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        raise ResponseFormatError("The AI/ML API sent a file the studio could not read.") from None
