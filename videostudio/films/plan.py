"""What a film needs (re)made: each part's fingerprint, and where each part stands.

Pure module (no Streamlit, no I/O). A part is made once per fingerprint of what it is made from:
- a shot: its model, prompt, settings (uploads by their content), start, the start picture's content, and, for a shot
  that starts from the previous shot's last frame, the job that made that previous shot (a previous shot made again
  gives another last frame, so this one is made again too);
- a narration: its text, voice and speech model;
- the music: its words, length and model (its level only changes the mix);
- the film: every shot's and narration's fingerprint in order, the music's and its level.

A changed shot has a fingerprint no part was made for, so it is made again, and only it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from videostudio.films.film import Film, MusicBed, Narration, Shot, StartKind
from videostudio.films.store import FILM_PART, MUSIC_PART, Part, PartKey, narration_part, shot_part
from videostudio.history.record import Job, JobStatus

GONE = "Its video was deleted from History: it is made again on the next press of Make the film."


class Stage(StrEnum):
    """Where a part stands, in the order a part goes through them."""

    WAITS = "waits"  # starts from the previous shot's last frame, which does not exist yet
    TO_MAKE = "to make"  # nothing made for these settings yet
    MAKING = "making"  # sent, or being made
    MADE = "made"
    FAILED = "failed"  # made again on the next press of Make the film

    @property
    def needs_press(self) -> bool:
        """Made only when Make the film is pressed (again)."""
        return self in (Stage.WAITS, Stage.TO_MAKE, Stage.FAILED)


def _digest(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _uploads_content(uploads: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {path: info.get("sha256") for path, info in uploads.items()}


def shot_fingerprint(shot: Shot, previous_job_id: str | None = None) -> str | None:
    """The fingerprint of what ``shot`` is made from; None for a shot that starts from the previous shot's last frame
    while that shot has no job yet (it can't be known, nor sent, before)."""
    if shot.start == StartKind.PREVIOUS and previous_job_id is None:
        return None
    return _digest(
        {
            "model": shot.model_id,
            "prompt": shot.prompt,
            "settings": shot.settings,
            "uploads": _uploads_content(shot.uploads),
            "start": shot.start.value,
            "picture": shot.picture.sha256 if shot.start == StartKind.PICTURE and shot.picture else None,
            "after": previous_job_id if shot.start == StartKind.PREVIOUS else None,
        }
    )


def narration_fingerprint(narration: Narration) -> str:
    return _digest({"text": narration.text, "voice": narration.voice, "model": narration.model_id})


def music_fingerprint(music: MusicBed) -> str:
    return _digest({"prompt": music.prompt, "seconds": round(float(music.seconds), 3), "model": music.model_id})


@dataclass(frozen=True)
class PartPlan:
    """One part of a film and where it stands."""

    part: str
    fingerprint: str | None  # None: not known yet (a shot waiting for the previous one's job)
    stage: Stage
    record: Part | None = None
    job: Job | None = None  # a shot's video job

    @property
    def error(self) -> str | None:
        if self.record is not None and self.record.error:
            return self.record.error
        return self.job.error if self.job is not None and self.stage == Stage.FAILED else None


@dataclass(frozen=True)
class ShotPlan:
    shot: Shot
    number: int  # 1 first
    video: PartPlan
    narration: PartPlan | None


@dataclass(frozen=True)
class FilmPlan:
    """Where every part of a film stands, and the fingerprint of the film they make (None until every shot has a
    job: the fingerprints of shots that start from a previous shot's last frame are not known before)."""

    film: Film
    shots: tuple[ShotPlan, ...]
    music: PartPlan | None
    assembled: PartPlan | None

    def parts(self) -> list[PartPlan]:
        found = [p for s in self.shots for p in (s.video, s.narration) if p is not None]
        return found + [p for p in (self.music, self.assembled) if p is not None]

    @property
    def sounds_and_shots(self) -> list[PartPlan]:
        return [p for p in self.parts() if p.part != FILM_PART]

    @property
    def everything_made(self) -> bool:
        return all(p.stage == Stage.MADE for p in self.sounds_and_shots)

    @property
    def film_made(self) -> bool:
        return self.assembled is not None and self.assembled.stage == Stage.MADE

    @property
    def nothing_to_press(self) -> bool:
        """Make the film would send nothing: every part is made or being made, and the film too (or on its way)."""
        return not any(p.stage.needs_press for p in self.parts())


def part_plan(part: str, fingerprint: str | None, records: Mapping[PartKey, Part], job: Job | None = None) -> PartPlan:
    """Where one part stands from its record (and, for a shot, its job)."""
    if fingerprint is None:
        return PartPlan(part, None, Stage.WAITS)
    record = records.get((part, fingerprint))
    if record is None:
        return PartPlan(part, fingerprint, Stage.TO_MAKE)
    if record.job_id and job is None:
        return PartPlan(part, fingerprint, Stage.FAILED, replace(record, error=GONE))
    if job is not None:
        if job.status == JobStatus.COMPLETED and job.has_local_video:
            return PartPlan(part, fingerprint, Stage.MADE, record, job)
        stage = Stage.FAILED if job.status == JobStatus.FAILED else Stage.MAKING
        return PartPlan(part, fingerprint, stage, record, job)
    if record.failed:
        return PartPlan(part, fingerprint, Stage.FAILED, record)
    return PartPlan(part, fingerprint, Stage.MADE if record.done else Stage.MAKING, record)


def plan_film(film: Film, records: Mapping[PartKey, Part], jobs: Mapping[str, Job]) -> FilmPlan:
    """Where every part of ``film`` stands, from its parts' records and the jobs they name (by id)."""
    shots: list[ShotPlan] = []
    previous_job: str | None = None
    for number, shot in enumerate(film.shots, 1):
        fingerprint = shot_fingerprint(shot, previous_job)
        part = shot_part(shot.id)
        record = records.get((part, fingerprint)) if fingerprint else None
        job = jobs.get(record.job_id) if record is not None and record.job_id else None
        video = part_plan(part, fingerprint, records, job)
        if video.stage == Stage.TO_MAKE and shot.start == StartKind.PREVIOUS and shots[-1].video.stage != Stage.MADE:
            video = PartPlan(part, fingerprint, Stage.WAITS)  # its previous shot's last frame is not there yet
        narration = None
        if shot.narration is not None and shot.narration.text.strip():
            narration = part_plan(narration_part(shot.id), narration_fingerprint(shot.narration), records)
        shots.append(ShotPlan(shot, number, video, narration))
        previous_job = record.job_id if record is not None else None
    music = None
    if film.music is not None and film.music.prompt.strip():
        music = part_plan(MUSIC_PART, music_fingerprint(film.music), records)
    whole = film_fingerprint(film, shots, music)
    assembled = None
    if whole is not None:
        record = records.get((FILM_PART, whole))
        assembled = part_plan(FILM_PART, whole, records, jobs.get(record.job_id) if record and record.job_id else None)
    return FilmPlan(film, tuple(shots), music, assembled)


def film_fingerprint(film: Film, shots: list[ShotPlan], music: PartPlan | None) -> str | None:
    """The fingerprint of the assembled film: its parts' in order, the music's and its level."""
    if not shots or any(s.video.fingerprint is None for s in shots):
        return None
    return _digest(
        {
            "shots": [[s.video.fingerprint, s.narration.fingerprint if s.narration else None] for s in shots],
            "music": music.fingerprint if music else None,
            "level": round(film.music.level, 3) if film.music and music else None,
        }
    )


# What a press of Make the film confirms: each part by what it is made from, a shot that starts from the previous
# shot's last frame without that previous job (not known when the press is made; settled as the shots are sent).
_PENDING = "pending"


def confirmed_name(part: PartPlan, shot: Shot | None = None) -> str:
    """How a press names a part it priced: the part and what it is made from."""
    if shot is not None:
        return f"{part.part}|{shot_fingerprint(shot, _PENDING)}"
    return f"{part.part}|{part.fingerprint}"


def to_press(plan: FilmPlan) -> list[tuple[PartPlan, Shot | None]]:
    """The parts a press of Make the film would make (with their shot, for a shot or a narration): those not made
    yet, those that failed, and the shots waiting for the previous one."""
    found: list[tuple[PartPlan, Shot | None]] = []
    for shot in plan.shots:
        if shot.video.stage.needs_press:
            found.append((shot.video, shot.shot))
        if shot.narration is not None and shot.narration.stage.needs_press:
            found.append((shot.narration, None))
    if plan.music is not None and plan.music.stage.needs_press:
        found.append((plan.music, None))
    return found


def confirmation(plan: FilmPlan) -> set[str]:
    """The names of every part a press now would make: what ``Making.confirmed`` holds once it is pressed."""
    return {confirmed_name(part, shot) for part, shot in to_press(plan)}


def is_confirmed(part: PartPlan, confirmed: frozenset[str], shot: Shot | None = None) -> bool:
    return confirmed_name(part, shot) in confirmed
