"""A card's time says how long a job ran, and for a video the studio made itself how long the video is."""

from __future__ import annotations

from datetime import timedelta

from components.jobs.job_words import timing_text
from videostudio.history.record import Job, JobKind, JobStatus, utcnow
from videostudio.library.chain import FILM_MODEL_ID


def _job(**values: object) -> Job:
    now = utcnow()
    base: dict[str, object] = {
        "id": "j1",
        "model_id": "google/veo-3.1-t2v",
        "backend": "offline",
        "status": JobStatus.COMPLETED.value,
        "created_at": now - timedelta(seconds=65),
        "updated_at": now,
        "finished_at": now,
    }
    return Job(**{**base, **values})  # type: ignore[arg-type]


def test_a_generation_reads_as_the_time_it_ran() -> None:
    assert timing_text(_job(video_seconds=8.0)) == "1 min 05 s"


def test_a_film_reads_as_its_length_not_the_instant_it_took_to_assemble() -> None:
    film = _job(model_id=FILM_MODEL_ID, kind=JobKind.JOINED.value, video_seconds=30.0, created_at=utcnow())
    assert timing_text(film) == "30 s long"
