"""A film's sounds: each shot's narration and the music bed, made, followed and kept, once per fingerprint.

Pure module (no Streamlit). The speech, music and assembly themselves are the other parts of issue 18
(``videostudio/voices``, ``videostudio/music``, ``videostudio/films/assembly.py``), reached through one object,
``Sounds`` (``videostudio/films/seams.py`` wires them), so the making of a film is written and followed here the same
way whoever makes the sound. Every sound is claimed in the store before its request leaves, so it is sent once: a
narration whose answer was lost is reported, never sent again by itself (a press of Make the film asks again).
Each sound's call is also checked against the owner's spending limits and recorded as a helper call just before it
leaves (``videostudio/team/helper_calls.py``), so the film's sounds count in later totals: a refused one fails, in
the limit's words, and is not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from videostudio.api.client import new_client_request_id
from videostudio.films.film import Film, MusicBed, Narration
from videostudio.films.plan import FilmPlan, Stage, is_confirmed
from videostudio.films.store import MUSIC_PART, FilmStore, PartStatus
from videostudio.team.helper_calls import HelperSpending

log = logging.getLogger(__name__)


class SoundError(Exception):
    """A sound that could not be made; the message is for the person (the library's own words are logged)."""


@dataclass(frozen=True)
class KeptSound:
    """A sound kept in the media storage: its key, its length, and what it cost (None: not known)."""

    key: str
    seconds: float | None
    usd: float | None = None


@dataclass(frozen=True)
class MusicAnswer:
    status: Literal["waiting", "done", "failed"]
    url: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class SoundPrice:
    seconds: float | None  # how long it will last (a narration: from its text)
    usd: float | None  # None: not known before it is made


@dataclass(frozen=True)
class Assembled:
    path: Path
    seconds: float
    size: tuple[int, int]
    method: str


class Sounds(Protocol):
    """What making a film needs of speech, music and assembly, on one backend."""

    def narration_price(self, narration: Narration) -> SoundPrice: ...

    def music_price(self, music: MusicBed) -> SoundPrice: ...

    def speak(self, narration: Narration, client_request_id: str) -> KeptSound: ...

    def start_music(self, music: MusicBed, client_request_id: str) -> str: ...

    def music_answer(self, generation_id: str) -> MusicAnswer: ...

    def keep_music(self, url: str) -> KeptSound: ...


class Assembler(Protocol):
    def __call__(
        self, shots: Sequence[tuple[Path, Path | None]], out: Path, *, music: Path | None, music_level: float
    ) -> Assembled: ...


def make_narrations(
    films: FilmStore,
    film: Film,
    plan: FilmPlan,
    confirmed: frozenset[str],
    sounds: Sounds,
    spending: HelperSpending,
) -> int:
    """Make each confirmed narration not made yet, once; returns how many were made (or failed) here."""
    done = 0
    for shot in plan.shots:
        part = shot.narration
        if part is None or part.stage != Stage.TO_MAKE or not is_confirmed(part, confirmed):
            continue
        assert part.fingerprint is not None and shot.shot.narration is not None
        crid = new_client_request_id()
        if not films.claim(film.id, part.part, part.fingerprint, client_request_id=crid):
            continue  # another process is making it
        narration = shot.shot.narration
        started = spending.record("speech", narration.model_id, crid, sounds.narration_price(narration).usd)
        try:
            if started.refused is not None:
                raise SoundError(started.refused)  # over the owner's limit: not sent
            kept = sounds.speak(narration, crid)
        except SoundError as exc:
            films.update_part(film.id, part.part, part.fingerprint, status=PartStatus.FAILED, error=str(exc))
        else:
            assert started.call_id is not None
            spending.settle(started.call_id, kept.usd)
            films.update_part(
                film.id,
                part.part,
                part.fingerprint,
                status=PartStatus.DONE,
                media_key=kept.key,
                seconds=kept.seconds,
                usd=kept.usd,
            )
        done += 1
    return done


def follow_music(
    films: FilmStore,
    film: Film,
    plan: FilmPlan,
    confirmed: frozenset[str],
    sounds: Sounds,
    spending: HelperSpending,
) -> None:
    """Start the confirmed music bed once, or ask after the one started, and keep it when it is done."""
    part = plan.music
    if part is None or film.music is None or part.fingerprint is None:
        return
    if part.stage == Stage.TO_MAKE and is_confirmed(part, confirmed):
        crid = new_client_request_id()
        if not films.claim(film.id, MUSIC_PART, part.fingerprint, client_request_id=crid):
            return
        started = spending.record("music", film.music.model_id, crid, sounds.music_price(film.music).usd)
        try:
            if started.refused is not None:
                raise SoundError(started.refused)  # over the owner's limit: not sent
            generation = sounds.start_music(film.music, crid)
        except SoundError as exc:
            films.update_part(film.id, MUSIC_PART, part.fingerprint, status=PartStatus.FAILED, error=str(exc))
            return
        assert started.call_id is not None
        spending.settle(started.call_id, None)  # the music's answer reports no cost: it counts at its estimate
        films.update_part(film.id, MUSIC_PART, part.fingerprint, status=PartStatus.WAITING, generation_id=generation)
        return
    record = part.record
    if part.stage != Stage.MAKING or record is None or not record.generation_id:
        return
    try:
        answer = sounds.music_answer(record.generation_id)
        if answer.status == "waiting":
            return
        if answer.status == "failed" or not answer.url:
            raise SoundError(answer.error or "The music could not be made. Press Make the film to try again.")
        kept = sounds.keep_music(answer.url)
    except SoundError as exc:
        films.update_part(film.id, MUSIC_PART, part.fingerprint, status=PartStatus.FAILED, error=str(exc))
        return
    films.update_part(
        film.id, MUSIC_PART, part.fingerprint, status=PartStatus.DONE, media_key=kept.key, seconds=kept.seconds
    )
