"""The film's sounds and assembly, through the seams of issue 18's other parts: speech (``videostudio/voices``), music
(``videostudio/music``) and the assembly (``videostudio/films/assembly.py``).

Pure module (no Streamlit). Each made sound is copied into the media storage by its content
(``films/sounds/<sha256>.<ext>``), so every process of the studio (a replica, the follower on its own) finds it by
the key the film's part records. The API's errors are told in their own plain words; anything else is logged and
told in words of the studio's.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import APIConnectionError, RateLimitError, ServerError, StudioError, SubmitAnswerLost
from videostudio.catalogue.assist import assist_pricing
from videostudio.films.assembly import FilmError as AssemblyError
from videostudio.films.assembly import FilmPart, assemble_film
from videostudio.films.film import UPLOADS_PREFIX, MusicBed, Narration
from videostudio.films.sounds import Assembled, Assembler, KeptSound, MusicAnswer, SoundError, SoundPrice, Sounds
from videostudio.music import (
    MusicModel,
    default_music_model,
    keep_music,
    music_estimate,
    music_model,
    music_models,
    music_state,
)
from videostudio.music import start_music as send_music
from videostudio.storage.base import MediaStorage, StorageError
from videostudio.voices import (
    SpeechModel,
    default_speech_model,
    make_speech,
    speech_estimate,
    speech_model,
    speech_models,
)

log = logging.getLogger(__name__)

SPEECH_LOST = (
    "The speech service's answer was lost on the way, so it is not known whether the narration was made (and billed). "
    "Nothing was sent again. Press Make the film to ask for it again."
)
NOT_KEPT = "The sound could not be kept. Check that the disk has room, then press Make the film again."


class SeamSounds:
    """``Sounds`` on one backend's client, kept in ``storage``."""

    def __init__(self, client: AssistClient, storage: MediaStorage) -> None:
        self.client = client
        self.storage = storage

    def narration_price(self, narration: Narration) -> SoundPrice:
        model = speech_model(narration.model_id)
        if model is None:
            return SoundPrice(None, None)
        pricing = assist_pricing(self.client.base_url, [model.id]).get(model.id)
        estimate = speech_estimate(model, narration.text, pricing)
        return SoundPrice(estimate.seconds, estimate.usd)

    def music_price(self, music: MusicBed) -> SoundPrice:
        model = music_model(music.model_id)
        if model is None:
            return SoundPrice(music.seconds, None)
        pricing = assist_pricing(self.client.base_url, [model.id]).get(model.id)
        return SoundPrice(music.seconds, music_estimate(model, music.seconds, pricing))

    def speak(self, narration: Narration, client_request_id: str) -> KeptSound:
        try:
            speech = make_speech(
                self.client,
                self.storage,
                model_id=narration.model_id,
                voice=narration.voice,
                text=narration.text,
                client_request_id=client_request_id,
            )
        except SubmitAnswerLost as exc:
            log.warning("a narration's answer was lost (%s): %s", client_request_id, exc)
            raise SoundError(SPEECH_LOST) from exc
        except StudioError as exc:
            raise SoundError(str(exc)) from exc
        except (OSError, StorageError) as exc:  # made (and billed), then not kept: said, never retried by itself
            log.exception("a narration (%s) could not be kept", client_request_id)
            raise SoundError(NOT_KEPT) from exc
        return KeptSound(self._keep(speech.path), speech.seconds, speech.usd)

    def start_music(self, music: MusicBed, client_request_id: str) -> str:
        try:
            return send_music(
                self.client,
                model_id=music.model_id,
                prompt=music.prompt,
                seconds=music.seconds,
                client_request_id=client_request_id,
            )
        except StudioError as exc:
            raise SoundError(str(exc)) from exc

    def music_answer(self, generation_id: str) -> MusicAnswer:
        try:
            state = music_state(self.client, generation_id)
        except (APIConnectionError, RateLimitError, ServerError) as exc:
            log.info("music %s not reached this time: %s", generation_id, exc)
            return MusicAnswer("waiting")  # asked again on the next step
        except StudioError as exc:
            raise SoundError(str(exc)) from exc
        return MusicAnswer(state.status, state.url, state.error)

    def keep_music(self, url: str) -> KeptSound:
        try:
            path = keep_music(self.client, self.storage, url)
        except StudioError as exc:
            raise SoundError(str(exc)) from exc
        except (OSError, StorageError) as exc:
            log.exception("a film's music could not be kept")
            raise SoundError(NOT_KEPT) from exc
        return KeptSound(self._keep(path), None)

    def _keep(self, path: Path) -> str:
        """Copy a made sound into the media storage by its content; its key."""
        try:
            data = Path(path).read_bytes()
            key = f"{UPLOADS_PREFIX}/sounds/{hashlib.sha256(data).hexdigest()}{Path(path).suffix.lower()}"
            self.storage.put_bytes(key, data)
        except (OSError, StorageError) as exc:
            log.exception("a film's sound could not be kept")
            raise SoundError(NOT_KEPT) from exc
        return key


def film_sounds(client: AssistClient, storage: MediaStorage) -> Sounds:
    return SeamSounds(client, storage)


def film_assembler() -> Assembler:
    """The assembly: narration over each shot, music under the whole film, sizes and frame rates evened out."""

    def assemble(
        shots: Sequence[tuple[Path, Path | None]], out: Path, *, music: Path | None, music_level: float
    ) -> Assembled:
        parts = [FilmPart(video=video, narration=narration) for video, narration in shots]
        try:
            made = assemble_film(parts, out, music=music, music_level=music_level)
        except AssemblyError as exc:  # in words for the person already
            raise SoundError(str(exc)) from exc
        return Assembled(made.path, made.seconds, made.size, made.method)

    return assemble


def speech_choices() -> tuple[SpeechModel, ...]:
    """The speech models a narration may use (``voices.SpeechModel``: id, title, voices, default voice), the
    default first."""
    first = default_speech_model()
    return (first, *(m for m in speech_models() if m.id != first.id))


def music_choices() -> tuple[MusicModel, ...]:
    """The music models a music bed may use (``music.MusicModel``: id, title, shortest and longest), the default
    first."""
    first = default_music_model()
    return (first, *(m for m in music_models() if m.id != first.id))
