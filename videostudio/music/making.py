"""Making music: start a generation, follow it, and keep the piece it made.

``POST /v2/generate/audio`` (``start_music``) is billed, so it is never sent twice: a request whose answer was lost
(``SubmitAnswerLost``) is looked up in the usage logs by its ``X-Client-Request-Id``, as a video submit is
(``jobs.recovery.find_request``), and the row's ``inference_id`` is the generation id. ``music_state`` polls
``GET /v2/generate/audio?generation_id=`` (retried like a video poll); ``keep_music`` downloads the piece, checks
that it decodes, and keeps it in the media storage under ``music/<sha256>.<ext>``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import ResponseFormatError, StudioError, SubmitAnswerLost
from videostudio.api.generation import Status, classify_status, error_text
from videostudio.catalogue.assist import ASSIST_KINDS
from videostudio.jobs.recovery import find_request
from videostudio.media import MediaError, file_extension, prepare_audio
from videostudio.music.models import MusicModel, music_model
from videostudio.storage import MediaStorage
from videostudio.storage.names import media_file

log = logging.getLogger(__name__)

MUSIC_PATH = ASSIST_KINDS["music"].path
KEPT_MUSIC = "music"  # the storage folder of kept pieces
MAX_MUSIC_BYTES = 64 * 1024 * 1024  # five minutes of WAV fit
# A lost answer's row is looked for this many times, this far apart (a row may appear a moment late).
LOST_LOOKS = 3
LOST_LOOK_SECONDS = 2.0

MusicStatus = Literal["waiting", "done", "failed"]


class MusicError(StudioError):
    """Music could not be started, made or kept; the message says why in plain words, the hint what to do."""

    default_message = "The music could not be made."
    default_hint = "Try again in a minute."


@dataclass(frozen=True)
class MusicState:
    """Where a generation stands: ``waiting`` (queued or generating), ``done`` (``url`` is the piece) or ``failed``."""

    status: MusicStatus
    url: str | None = None
    error: str | None = None  # plain words, when failed
    usd: float | None = None  # what it cost, when the API said


def music_payload(model: MusicModel, *, prompt: str, seconds: float, lyrics: str | None = None) -> dict[str, Any]:
    """The request body for ``model``: the length in its own field and unit (none for a model without one)."""
    payload: dict[str, Any] = {"model": model.id, "prompt": prompt}
    length = model.length_value(seconds)
    if model.length_field is not None and length is not None:
        payload[model.length_field] = length
    if lyrics and lyrics.strip():
        payload["lyrics"] = lyrics
    elif model.has_field("is_instrumental"):
        payload["is_instrumental"] = True  # a bed under a film has no singer unless lyrics are given
    return payload


def start_music(
    client: AssistClient,
    *,
    model_id: str,
    prompt: str,
    seconds: float,
    client_request_id: str,
    lyrics: str | None = None,
    wait: Callable[[float], None] = time.sleep,
) -> str:
    """Ask for ``seconds`` of music described by ``prompt``; the generation id. Never sent twice.

    A lost answer is looked for in the usage logs by ``client_request_id``; still not found, the
    ``SubmitAnswerLost`` is raised (its words say not to send again before checking the usage).
    """
    model = music_model(model_id)
    if model is None:
        raise MusicError(f"The studio does not know the music model {model_id}.", "Pick another music model.")
    if model.needs_lyrics and not (lyrics or "").strip():
        raise MusicError(f"{model.title} sings: it needs lyrics, so nothing was sent.", "Write the lyrics first.")
    payload = music_payload(model, prompt=prompt, seconds=seconds, lyrics=lyrics)
    sent_at = datetime.now(UTC)
    try:
        reply = client.post(MUSIC_PATH, payload, client_request_id=client_request_id)
    except SubmitAnswerLost as lost:
        return _found_again(client, model.id, client_request_id, sent_at, lost, wait)
    generation_id = reply.body.get("id") or reply.body.get("generation_id") or reply.inference_id
    if not generation_id:
        raise ResponseFormatError(
            "The AI/ML API accepted the music request but did not say which generation it started.",
            "Check your usage on aimlapi.com before asking again, so you are not charged twice.",
        )
    return str(generation_id)


def _found_again(
    client: AssistClient,
    model_id: str,
    client_request_id: str,
    sent_at: datetime,
    lost: SubmitAnswerLost,
    wait: Callable[[float], None],
) -> str:
    for look in range(LOST_LOOKS):
        if look:
            wait(LOST_LOOK_SECONDS)
        try:
            found = find_request(
                client,
                model_id=model_id,
                client_request_id=client_request_id,
                sent_at=sent_at,
                now=datetime.now(UTC),
            )
        except StudioError as exc:
            log.info("music request %s: the usage logs could not be read: %s", client_request_id, exc)
            break
        if found is not None and found.refused:
            raise MusicError(
                "The AI/ML API received the music request but refused it, so nothing was charged.",
                "Check the description and the length, and try again.",
            )
        if found is not None:
            log.info("music request %s: its lost answer was found in the usage logs", client_request_id)
            return found.inference_id
    raise lost


def music_state(client: AssistClient, generation_id: str) -> MusicState:
    """The generation's state now (one poll, retried like a video poll on 429, 5xx and network failures)."""
    reply = client.get(MUSIC_PATH, {"generation_id": generation_id})
    body = reply.body
    audio = body.get("audio_file")
    url = audio.get("url") if isinstance(audio, Mapping) else None
    url = url if isinstance(url, str) and url else None
    said = error_text(body.get("error"))
    status = classify_status(_text(body.get("status")), has_video=url is not None, has_error=bool(said))
    if status is Status.COMPLETED and url is not None:
        return MusicState("done", url=url, usd=reply.usd_spent)
    if status is Status.COMPLETED or status is Status.FAILED:
        reason = said or "the AI/ML API finished without sending the music"
        return MusicState("failed", error=f"The music could not be made: {reason}.".replace("..", "."))
    return MusicState("waiting")


def keep_music(client: AssistClient, storage: MediaStorage, url: str) -> Path:
    """Download the piece at ``url``, check that it decodes, keep it (once per content); a file on this machine."""
    data = client.download(url, max_bytes=MAX_MUSIC_BYTES)
    try:
        prepared = prepare_audio(data)
    except MediaError:
        raise MusicError(
            "The music the AI/ML API sent could not be read as sound.", "Make it again, or pick another music model."
        ) from None
    key = f"{KEPT_MUSIC}/{hashlib.sha256(data).hexdigest()}{file_extension(prepared.mime)}"
    storage.put_bytes(key, data)
    path = media_file(storage, key)
    if path is None:
        raise MusicError("The music was made but could not be kept.", "Check the media storage and try again.")
    return path


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
