"""Whether a press repeats one: decided from the history (the jobs recorded with a press key), not a tab's memory.

The decision (``intent.sent_press``) is pure and tested on made-up jobs; the jobs a submit records carry the press
key before the request leaves, single or batch, on a real JobStore.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.test_batches import PIXVERSE, BatchClient
from tests.test_jobs import data_uri, png_bytes
from videostudio.batch_send import send_batch
from videostudio.batches import plan_batch
from videostudio.catalogue import Catalogue
from videostudio.errors import BadRequestError
from videostudio.intent import RECENT_END, fingerprint, press_id, press_key, sent_press
from videostudio.jobs import JobService
from videostudio.store import Job, JobStatus, JobStore, utcnow

NOW = utcnow()


def job(minutes_ago: float, status: str = JobStatus.GENERATING, *, ended_ago: float | None = None, **more) -> Job:
    """A job sent ``minutes_ago``; one that ended did so ``ended_ago`` minutes ago, having been accepted."""
    created = NOW - timedelta(minutes=minutes_ago)
    finished = NOW - timedelta(minutes=ended_ago) if ended_ago is not None else None
    more.setdefault("generation_id", "gen")
    return Job(model_id="video-01", backend="offline", status=status, created_at=created, finished_at=finished, **more)


# --- The key ---------------------------------------------------------------------------------------------------------


def test_a_press_key_is_these_settings_from_this_browser_and_holds_neither_in_clear() -> None:
    settings = fingerprint("offline", "video-01", {"prompt": "Fireworks"})
    key = press_key("browser-one-0123456789", settings)
    assert key == press_key("browser-one-0123456789", settings)  # a reload, a second tab, a restart
    assert key != press_key("browser-two-0123456789", settings)  # another browser's press is not this one's
    assert key != press_key("browser-one-0123456789", fingerprint("offline", "video-01", {"prompt": "Rain"}))
    assert len(key) == 64 and "browser-one" not in key and settings not in key


# --- The decision ----------------------------------------------------------------------------------------------------


def test_a_running_job_with_these_settings_is_repeated_however_long_it_runs() -> None:
    running = job(90)
    assert sent_press([running], now=NOW) == running
    assert sent_press([replace(running, status=JobStatus.SUBMITTING, generation_id=None)], now=NOW) is not None


def test_an_ended_job_is_repeated_for_a_few_minutes_then_no_longer() -> None:
    minutes = RECENT_END.total_seconds() / 60
    done = job(minutes + 5, JobStatus.COMPLETED, ended_ago=minutes - 1)
    failed = job(minutes + 5, JobStatus.FAILED, ended_ago=minutes - 1)
    assert sent_press([done], now=NOW) == done
    assert sent_press([failed], now=NOW) == failed
    assert sent_press([job(minutes + 5, JobStatus.COMPLETED, ended_ago=minutes + 1)], now=NOW) is None


def test_a_submit_the_api_refused_is_no_press_to_repeat() -> None:
    # Nothing ran, nothing was billed: after fixing the key or the credits, Generate sends.
    refused = job(1, JobStatus.FAILED, ended_ago=1, generation_id=None)
    assert sent_press([refused], now=NOW) is None
    assert sent_press([], now=NOW) is None


def test_the_newest_counted_press_is_the_one_shown() -> None:
    older, newer = job(8), job(2)
    assert sent_press([newer, older], now=NOW) == newer
    # An old press long ended does not hide a newer one still running, nor the other way round.
    stale = job(60, JobStatus.COMPLETED, ended_ago=50)
    assert sent_press([stale, older], now=NOW) == older


def test_a_batch_is_one_press_shown_by_its_first_job_while_any_of_it_runs() -> None:
    first = job(3, JobStatus.COMPLETED, ended_ago=RECENT_END.total_seconds() / 60 + 1, batch_id="b1", id="a")
    second = job(3 - 1e-6, batch_id="b1", id="b")  # still running
    assert sent_press([second, first], now=NOW) == first
    assert press_id(first) == press_id(second) == "b1"
    assert press_id(job(1, id="single")) == "single"


def test_a_fresh_start_leaves_out_the_presses_before_it() -> None:
    # "Use these settings" or a preset: the person chose to start anew, so Generate sends.
    before = job(5)
    assert sent_press([before], now=NOW, since=NOW - timedelta(minutes=1)) is None
    after = job(0.5)
    assert sent_press([after, before], now=NOW, since=NOW - timedelta(minutes=1)) == after


# --- The record ------------------------------------------------------------------------------------------------------


def test_a_single_submit_is_in_the_history_with_its_press_key_before_the_request_leaves(
    catalogue: Catalogue, store: JobStore
) -> None:
    seen: list[list[Job]] = []
    client = BatchClient(before=lambda _number: seen.append(store.pressed("k" * 64)))
    model = catalogue.get("video-01")
    sent = JobService(store).submit(
        client, model, {"model": "video-01", "prompt": "A"}, backend="offline", press_key="k" * 64
    )
    assert [[j.id for j in jobs] for jobs in seen] == [[sent.id]]
    assert store.pressed("k" * 64)[0].press_key == "k" * 64
    assert store.pressed("other") == []


def test_every_job_of_a_batch_carries_the_one_press_key(catalogue: Catalogue, store: JobStore) -> None:
    client = BatchClient(fail={2: BadRequestError("The prompt was refused.", "")})
    model = catalogue.get(PIXVERSE)
    payload = {"model": PIXVERSE, "prompt": "a fox", "image_url": data_uri(png_bytes(), "image/png")}
    plan = plan_batch(model, payload, 3)
    result = send_batch(JobService(store), client, model, plan.jobs, backend="offline", press_key="p" * 64)
    recorded = store.pressed("p" * 64)
    assert {j.id for j in recorded} == {j.id for j in result.jobs}
    shown = sent_press(recorded, now=utcnow())
    assert shown is not None and shown.id == result.jobs[0].id  # the batch's first, whatever failed in it
