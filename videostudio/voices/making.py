"""Making speech: what it will take and cost before it is sent, then one call, the audio kept and measured.

A speech is billed per character, so ``make_speech`` sends its request once and never again by itself, as a video
submit: a lost answer (the speech may have been made and billed) is said in plain words, and pressing again is the
person's choice. The audio the answer links to is downloaded, checked to be audio the studio can read
(``media.audio.prepare_audio``), kept in the media storage by its content (``speech/<sha256>.<ext>``) and measured.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import StudioError, SubmitAnswerLost
from videostudio.catalogue.pricing import quote_counts
from videostudio.media import MediaError, file_extension
from videostudio.media.audio import prepare_audio
from videostudio.storage import MediaStorage, StorageError
from videostudio.storage.names import media_file
from videostudio.voices.models import SpeechModel, speech_model

log = logging.getLogger(__name__)

WORDS_PER_MINUTE = 150.0  # an unhurried speaking pace; every speech model reads at about this
MIN_SECONDS = 1.0
MAX_SPEECH_BYTES = 50 * 1024 * 1024
SPEECH_FOLDER = "speech"


class SpeechError(StudioError):
    """A speech that could not be made, in plain words (``str()`` is the message and what to do next)."""

    default_message = "The speech could not be made."
    default_hint = "Try again in a minute."


LOST_MESSAGE = "The answer to Make the speech was lost, so it is not known whether the speech was made (and billed)."
LOST_HINT = "Nothing was sent again. Press Make the speech to make it anew; the lost one may be billed too."


@dataclass(frozen=True)
class SpeechEstimate:
    """What a speech will likely take and cost, before it is made."""

    seconds: float
    usd: float | None  # None: the price is not known (no catalogue price, or one not per character)


@dataclass(frozen=True)
class Speech:
    """A speech made and kept: an audio file on this machine the rest of the studio can send or mix."""

    path: Path
    seconds: float
    usd: float | None
    model_id: str
    voice: str
    text: str
    key: str = ""  # its media storage key (``speech/<sha256>.wav``)


def spoken_seconds(text: str) -> float:
    """About how long ``text`` takes to say at an unhurried pace (WORDS_PER_MINUTE)."""
    words = len(text.split())
    return max(MIN_SECONDS, words * 60.0 / WORDS_PER_MINUTE) if words else 0.0


def speech_estimate(model: SpeechModel, text: str, pricing: Mapping[str, Any] | None) -> SpeechEstimate:
    """The speech's likely length (from its words) and price (per character, by the model's live ``pricing``)."""
    quote = quote_counts(pricing, {"character": len(text)}) if text else None
    return SpeechEstimate(seconds=spoken_seconds(text), usd=quote.usd if quote else None)


def speech_problem(model: SpeechModel, voice: str, text: str) -> str | None:
    """Why this speech can't be asked for (plain words), or None: what the model's document would refuse."""
    if not text.strip():
        return "Type what they should say first."
    if model.text_limit is not None and len(text) > model.text_limit:
        return f"Too long for {model.title}: {len(text):,} characters, at most {model.text_limit:,}. Shorten it."
    if model.voices and voice not in model.voices:
        return f"{model.title} has no voice called {voice!r}. Pick one of its voices."
    return None


def make_speech(
    client: AssistClient,
    storage: MediaStorage,
    *,
    model_id: str,
    voice: str,
    text: str,
    client_request_id: str,
) -> Speech:
    """Make ``text`` into speech in ``voice`` with one call, keep it, and return it measured.

    Raises SpeechError (what the studio found), the client's StudioError (what the API said, in plain words) or
    StorageError (the media store). Nothing is ever sent twice.
    """
    model = speech_model(model_id)
    if model is None:
        raise SpeechError(f"The studio does not know the speech model {model_id!r}.", "Pick another speech model.")
    problem = speech_problem(model, voice, text)
    if problem:
        raise SpeechError(problem, "")
    try:
        reply = client.post(model.path, model.request(text, voice), client_request_id=client_request_id)
    except SubmitAnswerLost as exc:
        log.warning("speech %s: answer lost (%s)", client_request_id, type(exc).__name__)
        raise SpeechError(LOST_MESSAGE, LOST_HINT) from exc
    data = client.download(_audio_link(reply.body), max_bytes=MAX_SPEECH_BYTES)
    try:
        prepared = prepare_audio(data, "speech")
    except MediaError as exc:
        log.warning("speech %s: not readable audio: %s", client_request_id, exc)
        raise SpeechError(
            "The speech the AI/ML API sent could not be played.", "Press Make the speech again, or pick another voice."
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    key = f"{SPEECH_FOLDER}/{digest}{file_extension(prepared.mime)}"
    storage.put_bytes(key, data)
    path = media_file(storage, key)
    if path is None:
        raise StorageError("The speech was made but could not be kept. Check the studio's media storage.")
    return Speech(
        path=path,
        seconds=prepared.duration_seconds or spoken_seconds(text),
        usd=reply.usd_spent,
        model_id=model.id,
        voice=voice,
        text=text,
        key=key,
    )


def _audio_link(body: Mapping[str, Any]) -> str:
    """The answer's ``audio``: a link (the documents' ``format: uri``), or, where an answer nests it, its ``url``."""
    audio = body.get("audio")
    if isinstance(audio, Mapping):
        audio = audio.get("url")
    if not isinstance(audio, str) or not audio:
        raise SpeechError("The AI/ML API answered without the speech.", "Press Make the speech again in a minute.")
    return audio
