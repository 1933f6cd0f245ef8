"""Every status and kind of a job is one typed value with one look and one set of words, in one table each."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.history.filters import STATUS_CHOICES
from components.jobs.job_words import STATUS_LOOK
from videostudio.history.record import from_row, to_row
from videostudio.history.store import Job, JobKind, JobStatus


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
    from videostudio.catalogue import load_catalogue
    from videostudio.config import Settings
    from videostudio.jobs.backends import studio_backends

    settings = Settings.from_env({"VIDEO_STUDIO_HOME": str(tmp_path)})
    registry = studio_backends(settings, load_catalogue(), lambda: "http://127.0.0.1:9")
    backends = list(registry)
    assert len({b.label for b in backends}) == len({b.name for b in backends}) == len(backends)
    assert all(b.label and b.badge and b.icon.startswith(":material/") for b in backends)
    assert registry.labels() == {b.name: b.label for b in backends}
    # Exactly the backends that bill need the person's key; the one the studio serves itself needs none.
    assert [b.name for b in backends if b.needs_key] == [b.name for b in backends if b.bills]
    assert all(not b.needs_key for b in backends if b.served_by_the_studio)


def test_each_backend_names_its_answers_without_starting_one(tmp_path: Path) -> None:
    from videostudio.catalogue import load_catalogue
    from videostudio.config import Settings
    from videostudio.jobs.backends import AIMLAPI, OFFLINE, studio_backends

    def started_here() -> str:
        raise AssertionError("the offline backend was started just to name its answers")

    home = {"VIDEO_STUDIO_HOME": str(tmp_path), "AIMLAPI_BASE_URL": "http://api.test"}
    registry = studio_backends(Settings.from_env(home), load_catalogue(), started_here)
    in_process = registry.get(OFFLINE)
    assert in_process and in_process.source_name() == registry.get(OFFLINE).source_name() != "http://api.test"
    assert registry.get(AIMLAPI) and registry.get(AIMLAPI).source_name() == "http://api.test"
    # An offline backend at a configured address is named by it, like the API.
    configured = Settings.from_env({**home, "VIDEO_STUDIO_OFFLINE_URL": "http://127.0.0.1:8765"})
    elsewhere = studio_backends(configured, load_catalogue(), lambda: configured.offline_url).get(OFFLINE)
    assert elsewhere and elsewhere.source_name() == "http://127.0.0.1:8765"


def test_every_kind_says_whether_it_was_sent_to_a_backend() -> None:
    # A kind the table forgets fails here, not in a page that asks it.
    assert {kind: kind.was_sent for kind in JobKind} == {JobKind.GENERATION: True, JobKind.JOINED: False}
