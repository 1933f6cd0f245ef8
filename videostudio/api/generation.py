"""The typed result of submitting or polling a video generation.

The API's answers vary by model and by age of the endpoint (see the API fact sheet): the id may be ``id`` or
``generation_id``, the status may be a word outside the documented enum, ``video`` may be an object, a list of
objects or a list of URL strings, and usage keys changed names. This module turns all of them into one shape.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from videostudio.api.error_text import describe_error, header_value
from videostudio.api.errors import ResponseFormatError

__all__ = ["Generation", "Status", "Usage", "classify_status", "error_text"]

# Generation errors are shown in full in the job card, so they may be longer than quoted HTTP error details.
MAX_ERROR_CHARS = 500


class Status(StrEnum):
    """Where a generation job stands, as the studio understands it."""

    QUEUED = "queued"
    GENERATING = "generating"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        """True once the job will not change any more (completed or failed)."""
        return self in (Status.COMPLETED, Status.FAILED)


# Status words seen in specs, examples, official polling loops and upstream webhook payloads (fact sheet §1b).
_SUCCESS_WORDS = frozenset({"completed", "complete", "succeeded", "success"})
_FAILURE_WORDS = frozenset({"error", "failed", "failure", "cancelled", "canceled", "expired", "rejected"})
# Not started yet. "text" is the placeholder in the legacy MiniMax submit example; an empty status means the
# submit answer carried none (legacy MiniMax returns only a generation_id).
_QUEUED_WORDS = frozenset({"queued", "waiting", "queueing", "preparing", "pending", "text", ""})


def classify_status(raw: str | None, *, has_video: bool, has_error: bool) -> Status:
    """Map whatever status word the API sent (plus whether a video or an error came with it) to a Status.

    A video URL always means success, because some models report success under words outside the enum.
    An error object without a video means failure even if the word says otherwise. Unknown words mean the
    job is still running: polling on is safe, while a false "failed" would throw away a paid generation.
    """
    word = "" if raw is None else str(raw).strip().lower()
    if has_video:
        return Status.COMPLETED
    if word in _FAILURE_WORDS or has_error:
        return Status.FAILED
    if word in _SUCCESS_WORDS:
        return Status.COMPLETED
    if word in _QUEUED_WORDS:
        return Status.QUEUED
    return Status.GENERATING


def error_text(error: Any) -> str | None:
    """Plain text for a generation's ``error`` field, whatever its shape; None when there is no error."""
    return describe_error(error, limit=MAX_ERROR_CHARS)


def _has_error(error: Any) -> bool:
    # ``"error": null`` and empty objects are what running jobs carry; only real content means a failure.
    if error is None or isinstance(error, bool):
        return bool(error)
    if isinstance(error, str | Mapping | list | tuple):
        return bool(error_text(error))
    return True


def _video_urls(video: Any) -> tuple[str, ...]:
    items = video if isinstance(video, list | tuple) else [video]
    urls: list[str] = []
    for item in items:
        url = item.get("url") if isinstance(item, Mapping) else item
        if isinstance(url, str) and url.strip() and url.strip() not in urls:
            urls.append(url.strip())
    return tuple(urls)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Usage:
    """What a generation cost: credits (``credits_used`` or the older ``tokens_used``) and US dollars."""

    credits: float | None = None
    usd: float | None = None
    # True when read from the cost headers: a poll's own headers may say 0 while the job cost more.
    by_header: bool = False

    @classmethod
    def from_mapping(cls, usage: Any) -> Usage | None:
        """Read a ``usage`` object; None when it holds no known figure."""
        if not isinstance(usage, Mapping):
            return None
        credits = _number(usage.get("credits_used"))
        if credits is None:
            credits = _number(usage.get("tokens_used"))
        usd = _number(usage.get("usd_spent"))
        if credits is None and usd is None:
            return None
        return cls(credits=credits, usd=usd)

    @classmethod
    def from_headers(cls, headers: Mapping[str, str] | None) -> Usage | None:
        """Read the cost headers ``x-aimlapi-credits-used`` / ``x-aimlapi-usd-spent``; None without either."""
        if not headers:
            return None
        credits = _number(header_value(headers, "x-aimlapi-credits-used"))
        usd = _number(header_value(headers, "x-aimlapi-usd-spent"))
        if credits is None and usd is None:
            return None
        return cls(credits=credits, usd=usd, by_header=True)


@dataclass(frozen=True)
class Generation:
    """One video generation job as last reported by the API."""

    id: str
    status: Status
    raw_status: str | None
    video_urls: tuple[str, ...] = ()
    error: str | None = None
    usage: Usage | None = None

    @property
    def video_url(self) -> str | None:
        """The first video's URL, or None while there is none."""
        return self.video_urls[0] if self.video_urls else None

    @classmethod
    def from_response(
        cls, body: Mapping[str, Any], *, fallback_id: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Generation:
        """Read a submit or poll answer. ``fallback_id`` (the id that was polled) is used when the answer has none.

        ``headers`` are the answer's: ``x-inference-id`` is the generation id when the body has none, and the
        cost headers give the usage when the body carries none.

        Raises ResponseFormatError when the answer is not an object or carries no id and there is no fallback.
        """
        if not isinstance(body, Mapping):
            raise ResponseFormatError(
                "The AI/ML API sent an answer the studio could not read (expected a JSON object).",
            )
        gen_id = _id_text(body.get("id")) or _id_text(body.get("generation_id")) or _id_text(fallback_id)
        gen_id = gen_id or _id_text(header_value(headers, "x-inference-id"))
        if gen_id is None:
            raise ResponseFormatError(
                "The AI/ML API accepted the request but did not say which job it started (no generation id).",
                "Check your generation history on aimlapi.com before trying again, so you are not charged twice.",
            )

        raw = body.get("status")
        raw_status = None if raw is None else str(raw)
        video = body.get("video")
        if video is None:
            video = body.get("videos")
        video_urls = _video_urls(video)
        error = body.get("error")

        meta = body.get("meta")
        usage = Usage.from_mapping(meta.get("usage")) if isinstance(meta, Mapping) else None
        if usage is None:
            usage = Usage.from_mapping(body.get("usage"))
        if usage is None:
            usage = Usage.from_headers(headers)

        return cls(
            id=gen_id,
            status=classify_status(raw_status, has_video=bool(video_urls), has_error=_has_error(error)),
            raw_status=raw_status,
            video_urls=video_urls,
            error=error_text(error),
            usage=usage,
        )


def _id_text(value: Any) -> str | None:
    # MiniMax ids are numeric strings and could arrive as JSON numbers; ids are opaque, so keep them as text.
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None
