"""Job pickers (Compare's, Join clips'): each job's label says which take it is, and no two read alike.

Streamlit keeps a multiselect's choice as the labels it shows, so two jobs that read alike were one choice:
picking a take of a batch took its twins away, and Compare's address came back naming one job three times.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.jobs.job_words import SHORT_ID_CHARS, created_text, pick_labels
from tests.conftest import Studio
from tests.test_chain_app import finished_clip, join_in_history
from tests.test_compare import compare, finished, player
from tests.test_history_page import add_job, history, store
from videostudio.history.store import Job, JobKind, utcnow

PROMPT = "A red kite over the dunes"


def batch(
    make: Callable[..., Job], count: int, *, seeds: bool = True, at: datetime | None = None, batch_id: str = "b1"
) -> list[Job]:
    """``count`` takes of one press: one model, one prompt, sent within the same second, seeds 42, 43, …"""
    sent = at or utcnow().replace(second=5, microsecond=0)
    jobs = []
    for number in range(count):
        params: dict[str, Any] = {"prompt": PROMPT} | ({"seed": 42 + number} if seeds else {})
        jobs.append(make(number, params=params, batch_id=batch_id, created=sent + timedelta(milliseconds=number)))
    return jobs


def plain_jobs(count: int, **kw: Any) -> list[Job]:
    return batch(lambda number, **fields: add_job(PROMPT, **fields), count, **kw)


# --- the label ------------------------------------------------------------------------------------------------------


def test_each_take_of_a_batch_reads_as_its_place_and_seed(studio: Studio) -> None:
    takes = plain_jobs(3)
    labels = pick_labels(takes)
    assert len(set(labels.values())) == 3
    when = created_text(takes[0].created_at)
    for number, take in enumerate(takes):
        label = labels[take.id]
        assert f"{number + 1} of 3 · seed {42 + number}" in label, label
        assert label.startswith("MiniMax video-01 · A red kite over the dunes") and label.endswith(when), label
        assert take.id[:SHORT_ID_CHARS] not in label  # told apart by place and seed: no id needed


def test_a_batch_without_seeds_is_told_apart_by_place(studio: Studio) -> None:
    takes = plain_jobs(2, seeds=False)
    labels = pick_labels(takes)
    assert [labels[t.id].count(" of 2") for t in takes] == [1, 1] and len(set(labels.values())) == 2
    assert "seed" not in "".join(labels.values())


def test_two_jobs_alike_to_the_minute_get_a_short_id_and_the_others_none(studio: Studio) -> None:
    minute = utcnow().replace(second=0, microsecond=0)
    twins = [add_job(PROMPT, created=minute + timedelta(seconds=s)) for s in (10, 40)]
    other = add_job("A blue kite at dusk", created=minute)
    labels = pick_labels([*twins, other])
    assert len(set(labels.values())) == 3
    for twin in twins:
        assert labels[twin.id].endswith(f" · {twin.id[:SHORT_ID_CHARS]}"), labels[twin.id]
    assert other.id[:SHORT_ID_CHARS] not in labels[other.id]


def test_ids_that_start_alike_are_told_apart_by_the_whole_id(studio: Studio) -> None:
    minute = utcnow().replace(second=0, microsecond=0)
    twins = [add_job(PROMPT, id=f"{'ab' * 6}{n}", created=minute) for n in (1, 2)]
    labels = pick_labels(twins)
    assert len(set(labels.values())) == 2
    assert all(labels[t.id].endswith(t.id) for t in twins), labels


def test_two_batches_of_one_minute_are_told_apart(studio: Studio) -> None:
    sent = utcnow().replace(second=5, microsecond=0)
    first = plain_jobs(2, at=sent, batch_id="b1")
    second = plain_jobs(2, at=sent + timedelta(seconds=1), batch_id="b2")
    labels = pick_labels([*first, *second])
    assert len(set(labels.values())) == 4


# --- Compare's picker -----------------------------------------------------------------------------------------------


def compare_takes(tmp_path: Path, count: int) -> list[Job]:
    """``count`` finished takes of one batch, their videos kept on this computer."""

    def take(number: int, *, created: datetime, **fields: Any) -> Job:
        # The clip file is named by the prompt: each take gets its own, then the batch's one prompt back.
        job = finished(f"take {number}", tmp_path, minutes_ago=0, **fields)
        return store().update(job.id, prompt=PROMPT, created_at=created, updated_at=created)

    return batch(take, count)


@pytest.mark.apptest
def test_a_link_to_a_batch_keeps_its_address_and_its_videos_run_after_run(studio: Studio, tmp_path: Path) -> None:
    takes = compare_takes(tmp_path, 3)
    address = ",".join(t.id for t in takes)
    at = compare(jobs=address)
    for _ in range(3):  # any later run (a click elsewhere, a poll) read the picker back as one job three times
        at.run()
        assert not at.exception
        assert at.query_params["jobs"] == address
        assert at.multiselect(key="compare_pick").value == [t.id for t in takes]
        data = player(at)
        assert data is not None and len(data["tiles"]) == 3
        assert [c.value for c in at.code] == [f"/compare?jobs={address}"]


@pytest.mark.apptest
def test_two_takes_of_one_batch_can_be_picked_together(studio: Studio, tmp_path: Path) -> None:
    takes = compare_takes(tmp_path, 3)
    at = compare()
    picker = at.multiselect(key="compare_pick")
    assert len(set(picker.options)) == 3  # the labels, as the person reads them
    assert any("2 of 3 · seed 43" in label for label in picker.options), picker.options
    picker.set_value([takes[0].id, takes[1].id]).run()
    assert at.query_params["jobs"] == f"{takes[0].id},{takes[1].id}"
    assert at.multiselect(key="compare_pick").value == [takes[0].id, takes[1].id]
    data = player(at)
    assert data is not None and len(data["tiles"]) == 2


# --- Join clips' picker ---------------------------------------------------------------------------------------------


@pytest.mark.apptest
def test_two_takes_of_one_batch_can_be_joined(studio: Studio) -> None:
    def take(number: int, *, created: datetime, **fields: Any) -> Job:
        # As for Compare: each take its own clip file, then the batch's one prompt and time.
        job = finished_clip(studio, f"take {number}", **fields)
        return store().update(job.id, prompt=PROMPT, created_at=created, updated_at=created)

    takes = batch(take, 2)
    at: AppTest = join_in_history(history(), takes)
    assert not at.exception
    # By kind, not by place: the takes are dated to second 5 of this minute, which may still lie ahead.
    [joined] = [job for job in store().list() if job.kind == JobKind.JOINED]
    assert joined.params["clips"] == [takes[0].id, takes[1].id]
