"""Every status and kind of a job is one typed value with one look and one set of words, in one table each."""

from __future__ import annotations

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
