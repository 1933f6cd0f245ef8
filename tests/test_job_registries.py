"""Every status and kind of a job is one typed value with one look and one set of words, in one table each."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.history_filters import STATUS_CHOICES
from components.job_words import STATUS_LOOK
from videostudio.job_record import from_row, to_row
from videostudio.store import Job, JobKind, JobStatus


def test_every_status_has_one_look_with_words_a_colour_and_an_icon() -> None:
    assert set(STATUS_LOOK) == set(JobStatus)
    for words, colour, icon in STATUS_LOOK.values():
        assert words and colour and icon.startswith(":material/")
    assert len({look[0] for look in STATUS_LOOK.values()}) == len(JobStatus)  # no two read alike


def test_history_filters_cover_every_status_once() -> None:
    covered = [status for statuses in STATUS_CHOICES.values() for status in statuses]
    assert sorted(covered) == sorted(status.value for status in JobStatus)


def test_a_job_holds_typed_values_whatever_it_was_given() -> None:
    job = Job(model_id="video-01", backend="offline", status="completed", kind="joined")  # type: ignore[arg-type]
    assert job.status is JobStatus.COMPLETED and job.kind is JobKind.JOINED


def test_a_status_the_studio_does_not_know_is_refused_at_once() -> None:
    with pytest.raises(ValueError):
        Job(model_id="video-01", backend="offline", status="finished")  # type: ignore[arg-type]


def test_a_row_round_trip_gives_back_the_typed_values_and_stores_text() -> None:
    job = Job(model_id="video-01", backend="offline", status=JobStatus.GENERATING, kind=JobKind.JOINED)
    row = to_row(job)
    assert (type(row["status"]), type(row["kind"])) == (str, str)
    again = from_row(row)
    assert again.status is JobStatus.GENERATING and again.kind is JobKind.JOINED


def test_every_backend_says_who_it_is_in_its_own_words(tmp_path: Path) -> None:
    from videostudio.backends import studio_backends
    from videostudio.catalogue import load_catalogue
    from videostudio.config import Settings

    settings = Settings.from_env({"VIDEO_STUDIO_HOME": str(tmp_path)})
    registry = studio_backends(settings, load_catalogue(), lambda: "http://127.0.0.1:9")
    backends = list(registry)
    assert len({b.label for b in backends}) == len({b.name for b in backends}) == len(backends)
    assert all(b.label and b.badge and b.icon.startswith(":material/") for b in backends)
    assert registry.labels() == {b.name: b.label for b in backends}
    # Exactly the backends that bill need the person's key; the one the studio serves itself needs none.
    assert [b.name for b in backends if b.needs_key] == [b.name for b in backends if b.bills]
    assert all(not b.needs_key for b in backends if b.served_by_the_studio)
