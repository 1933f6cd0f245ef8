"""The offline backend's helper endpoints: speech, chat, music and pictures, in the API's shapes.

Each endpoint is one ``AssistRoute`` in ``routes.ASSIST_ROUTES``, keyed by method and path. A route reads the
request's payload and answers with an ``AssistAnswer``; the backend (``OfflineBackend.assist``) does what every
route shares, as the video submit does: the key check, the usage-log row (with the request's
``X-Client-Request-Id``) written before any answer leaves, the cost headers, and the faults ``submit-error``,
``drop-answer`` and ``delay-answer``. Media a route makes is written with ``AssistCall.keep`` and served, signed
and expiring, at ``/files/<key>.<ext>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from videostudio.offline.faults import FaultConfig
from videostudio.offline.vendor import RequestError

__all__ = ["MEDIA_TYPES", "AssistAnswer", "AssistCall", "AssistRoute", "RequestError"]

# The endings a made file may have, and the type it is served with.
MEDIA_TYPES: dict[str, str] = {
    "mp4": "video/mp4",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "png": "image/png",
    "jpg": "image/jpeg",
}


@dataclass(frozen=True)
class AssistCall:
    """One request to a helper endpoint, as a route sees it."""

    payload: Mapping[str, Any]  # the JSON body (a POST) or the query's first values (a GET)
    faults: FaultConfig
    files_dir: Path  # where made files go (served at /files/<name>)
    state_dir: Path  # the backend's folder, for a route that keeps state (music's generations)
    keep: Callable[[bytes, str], str] = field(repr=False)  # (data, ending) -> a signed link to the kept file
    speed: float = 1.0  # the backend's time scale (music takes a while, × speed)
    # (file key, ending) -> a fresh signed link to a file a route wrote under files_dir itself: music links its
    # generation's file again at each poll, so the link outlives a restart on another port
    link: Callable[[str, str], str] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AssistAnswer:
    """What a route answers: the JSON body, what it cost, and for the usage logs the model and inference id."""

    body: Mapping[str, Any]
    model: str
    inference_id: str
    credits: int = 0  # $1 = 2,000,000 credits
    billed: bool = True  # False for a read (a music poll): no log row


AssistRoute = Callable[[AssistCall], AssistAnswer]
