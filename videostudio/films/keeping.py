"""The finished film: its shots, narration and music assembled into one MP4, kept in the media storage and added to
History as an item of its own that lists its parts (like joined clips: ``library/chain.record_joined``).

Pure module (no Streamlit). The assembling itself is ``videostudio/films/assembly.py``'s, reached as an ``Assembler``.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from pathlib import Path

from videostudio.films.plan import FilmPlan
from videostudio.films.sounds import Assembler, SoundError
from videostudio.history.record import Job, JobKind, JobStatus, utcnow
from videostudio.history.store import JobStore
from videostudio.library.chain import FILM_MODEL_ID, STUDIO_BACKEND
from videostudio.library.videos import VideoFileError, store_video, video_key
from videostudio.storage.base import MediaStorage, StorageError
from videostudio.storage.names import media_file

log = logging.getLogger(__name__)

NOT_KEPT = "The film could not be kept. Check that the disk has room, then press Make the film again."
PART_GONE = "A part of the film is no longer kept by the studio. Press Make the film to make it again."


def shot_titles(plan: FilmPlan) -> list[str]:
    """How the film's item names its shots: "Shot 1: a lighthouse at dawn"."""
    return [f"Shot {s.number}: {s.shot.label}" for s in plan.shots]


def assemble_and_keep(
    store: JobStore, storage: MediaStorage, plan: FilmPlan, assemble: Assembler, *, owner: str | None
) -> Job:
    """Assemble every shot of ``plan`` (all made) with its narration and the music, keep the film and its poster, and
    add it to the history as ``owner``'s. Raises ``SoundError`` in words when it can't."""
    shots: list[tuple[Path, Path | None]] = []
    for shot in plan.shots:
        job = shot.video.job
        video = media_file(storage, job.local_path) if job is not None and job.has_local_video else None
        narration = None
        if shot.narration is not None:
            narration = _kept(storage, shot.narration.record.media_key if shot.narration.record else None)
        if video is None:
            raise SoundError(PART_GONE)
        shots.append((video, narration))
    music = _kept(storage, plan.music.record.media_key if plan.music and plan.music.record else None)
    if plan.music is not None and music is None:
        raise SoundError(PART_GONE)
    film = plan.film
    job_id = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(prefix="video-studio-film-") as scratch:
        out = Path(scratch) / video_key(job_id)
        level = film.music.level if film.music is not None else 0.0
        assembled = assemble(shots, out, music=music, music_level=level)
        try:
            key, poster = store_video(storage, job_id, assembled.path)
        except (VideoFileError, OSError, StorageError) as exc:
            log.exception("the film %s could not be kept", job_id)
            raise SoundError(NOT_KEPT) from exc
        size = assembled.path.stat().st_size
    now = utcnow()
    item = Job(
        id=job_id,
        model_id=FILM_MODEL_ID,
        backend=STUDIO_BACKEND,
        kind=JobKind.JOINED.value,
        status=JobStatus.COMPLETED.value,
        prompt=f"Film: {film.title}",
        params=film_params(plan, assembled.method),
        local_path=key,
        video_bytes=size,
        video_seconds=assembled.seconds,
        poster_path=poster,
        created_at=now,
        updated_at=now,
        finished_at=now,
        owner=owner,
    )
    return store.add(item)


def film_params(plan: FilmPlan, how: str) -> dict[str, object]:
    """The film's settings as History lists them (``library/chain.joined_settings``): its shots in order, the words
    of each narration, the music, and how it was assembled."""
    film = plan.film
    narrated = [
        f"Shot {s.number}: “{s.shot.narration.text.strip()}” ({s.shot.narration.voice})"
        for s in plan.shots
        if s.narration is not None and s.shot.narration is not None
    ]
    music = None
    if film.music is not None and plan.music is not None:
        music = f"“{film.music.prompt.strip()}”, {film.music.seconds:g} s, at {round(film.music.level * 100)}%"
    return {
        "clips": [s.video.job.id for s in plan.shots if s.video.job is not None],  # for the studio; the rest: words
        "film": film.id,
        "film_title": film.title,
        "joined_from": shot_titles(plan),
        "narration": narrated,
        "music": music,
        "how": how,
    }


def _kept(storage: MediaStorage, key: str | None) -> Path | None:
    return media_file(storage, key) if key else None
