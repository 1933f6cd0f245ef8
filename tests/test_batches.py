"""Batches: planning (seeds, images × count) and sending (all recorded first, each once, failures apart).

The store is a real JobStore on a temporary SQLite file; the client is a fake that records every submit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from tests.test_jobs import FakeClient, data_uri, png_bytes
from videostudio.api.errors import BadRequestError, StudioError, SubmitAnswerLost
from videostudio.api.generation import Generation, Status
from videostudio.catalogue import Catalogue
from videostudio.history.store import SUBMIT_GRACE, SUBMITTING, Job, JobStatus, JobStore, utcnow
from videostudio.jobs.batch_send import send_batch
from videostudio.jobs.batches import (
    MAX_COUNT,
    UNBOUNDED_SEEDS,
    BatchResult,
    batch_image_field,
    distinct_seeds,
    failure_text,
    group_jobs,
    intent_payload,
    plan_batch,
    position_text,
    press_state,
    running_text,
    seed_bounds,
)
from videostudio.jobs.intent import fingerprint
from videostudio.jobs.recovery import ANSWER_LOST
from videostudio.jobs.service import NOT_SENT_TAKEN_OVER, JobService

PIXVERSE = "pixverse/v5/image-to-video"  # a seed field without bounds, one start image
SWITCHX = "beeble/switchx-video-to-video"  # a seed field of 0 to 4294967295
VIDEO_01 = "video-01"  # no seed field


# --- Planning -------------------------------------------------------------------------------------------------------


def test_seeds_come_from_the_schema(catalogue: Catalogue) -> None:
    assert seed_bounds(catalogue.get(SWITCHX)) == (0, 4294967295)
    assert seed_bounds(catalogue.get(PIXVERSE)) == UNBOUNDED_SEEDS
    assert seed_bounds(catalogue.get(VIDEO_01)) is None


@pytest.mark.parametrize("model_id", [PIXVERSE, SWITCHX])
def test_every_job_of_a_batch_gets_its_own_random_seed_within_bounds(catalogue: Catalogue, model_id: str) -> None:
    model = catalogue.get(model_id)
    low, high = seed_bounds(model) or (0, 0)
    plan = plan_batch(model, {"model": model_id, "prompt": "a fox"}, MAX_COUNT, rng=random.Random(7))
    seeds = [job.payload["seed"] for job in plan.jobs]
    assert len(set(seeds)) == MAX_COUNT
    assert all(low <= seed <= high for seed in seeds)
    assert [job.seed for job in plan.jobs] == seeds
    assert all(job.payload["prompt"] == "a fox" for job in plan.jobs)
    assert plan.seeded and not plan.may_be_alike


def test_a_typed_seed_is_the_first_and_the_rest_follow_it(catalogue: Catalogue) -> None:
    plan = plan_batch(catalogue.get(PIXVERSE), {"prompt": "a fox", "seed": 42}, 3)
    assert [job.payload["seed"] for job in plan.jobs] == [42, 43, 44]


def test_seeds_after_a_typed_one_wrap_round_within_the_bounds() -> None:
    assert distinct_seeds((0, 10), 3, 9, random.Random(1)) == [9, 10, 0]
    drawn = distinct_seeds((5, 9), 5, None, random.Random(1))
    assert sorted(drawn) == [5, 6, 7, 8, 9]


def test_a_model_without_a_seed_gets_the_same_request_each_time_and_says_so(catalogue: Catalogue) -> None:
    payload = {"model": VIDEO_01, "prompt": "a fox"}
    plan = plan_batch(catalogue.get(VIDEO_01), payload, 3)
    assert [job.payload for job in plan.jobs] == [payload] * 3
    assert plan.may_be_alike and not plan.seeded


def test_one_job_is_the_form_as_it_is(catalogue: Catalogue) -> None:
    payload = {"model": PIXVERSE, "prompt": "a fox"}
    (job,) = plan_batch(catalogue.get(PIXVERSE), payload, 1, upload_names={"image_url": "a.png"}).jobs
    assert job.payload == payload  # no seed drawn: the API picks one, as before batches
    assert job.upload_names == {"image_url": "a.png"}
    assert not plan_batch(catalogue.get(VIDEO_01), payload, 1).may_be_alike


@pytest.mark.parametrize("count", [0, MAX_COUNT + 1])
def test_a_count_outside_1_to_8_is_refused(catalogue: Catalogue, count: int) -> None:
    with pytest.raises(ValueError):
        plan_batch(catalogue.get(PIXVERSE), {"prompt": "a fox"}, count)


def test_several_images_times_the_count_each_with_its_own_name_and_seed(catalogue: Catalogue) -> None:
    model = catalogue.get(PIXVERSE)
    assert batch_image_field(model) == "image_url"
    images = [("data:image/png;base64,AAAA", "cat.png"), ("https://example.com/dog.jpg", None)]
    plan = plan_batch(
        model, {"prompt": "run", "image_url": "first"}, 2, images=images, upload_names={"image_url": "old.png"}
    )
    assert [job.payload["image_url"] for job in plan.jobs] == [images[0][0]] * 2 + [images[1][0]] * 2
    assert [job.upload_names for job in plan.jobs] == [{"image_url": "cat.png"}] * 2 + [{}] * 2
    assert len({job.payload["seed"] for job in plan.jobs}) == 4


def test_the_start_image_is_the_first_single_image_field(catalogue: Catalogue) -> None:
    # Kling's end image and mask are images too; the start image comes first.
    assert batch_image_field(catalogue.get("kling-video/v1/standard/image-to-video")) == "image_url"
    assert batch_image_field(catalogue.get("pixverse/v5/text-to-video")) is None
    with pytest.raises(ValueError):
        plan_batch(catalogue.get("pixverse/v5/text-to-video"), {"prompt": "x"}, 1, images=[("a", None)])


def test_the_press_fingerprint_covers_count_and_images_and_leaves_one_job_as_it_was() -> None:
    payload = {"prompt": "a fox", "image_url": "data:image/png;base64,AAAA"}
    single = fingerprint("offline", PIXVERSE, intent_payload(payload, 1))
    assert single == fingerprint("offline", PIXVERSE, payload)
    three = fingerprint("offline", PIXVERSE, intent_payload(payload, 3))
    assert three != single
    assert three == fingerprint("offline", PIXVERSE, intent_payload(payload, 3))
    images = [("data:image/png;base64,AAAA", "a.png"), ("data:image/png;base64,BBBB", "b.png")]
    assert fingerprint("offline", PIXVERSE, intent_payload(payload, 3, images)) != three


def test_a_batch_is_gathered_where_its_first_job_appears() -> None:
    a1, a2 = Job("m", "offline", batch_id="a"), Job("m", "offline", batch_id="a")
    lone, b1 = Job("m", "offline"), Job("m", "offline", batch_id="b")
    assert group_jobs([a1, lone, a2, b1]) == [[a1, a2], [lone], [b1]]
    assert position_text(a2, [a1, a2]) == "2 of 2"
    assert position_text(lone, [lone]) is None


# --- Sending --------------------------------------------------------------------------------------------------------


class BatchClient(FakeClient):
    """Answers each submit with its own generation id; ``fail`` maps a submit number (1-based) to an error."""

    def __init__(
        self, *, fail: dict[int, StudioError] | None = None, before: Callable[[int], None] | None = None
    ) -> None:
        super().__init__()
        self.fail = fail or {}
        self.before = before

    def submit(
        self, payload: dict[str, Any], *, legacy_endpoint: str | None = None, client_request_id: str | None = None
    ) -> Generation:
        number = len(self.submits) + 1
        if self.before:
            self.before(number)
        super().submit(payload, legacy_endpoint=legacy_endpoint, client_request_id=client_request_id)
        if number in self.fail:
            raise self.fail[number]
        return Generation(id=f"gen-{number}", status=Status.QUEUED, raw_status="queued")


def send(catalogue: Catalogue, store: JobStore, client: BatchClient, count: int = 3) -> BatchResult:
    model = catalogue.get(PIXVERSE)
    payload = {"model": PIXVERSE, "prompt": "a fox", "image_url": data_uri(png_bytes(), "image/png")}
    plan = plan_batch(model, payload, count, upload_names={"image_url": "fox.png"})
    return send_batch(JobService(store), client, model, plan.jobs, backend="offline")


def test_every_job_is_recorded_before_the_first_submit_leaves(catalogue: Catalogue, store: JobStore) -> None:
    seen: dict[int, list[Job]] = {}
    client = BatchClient(before=lambda number: seen.setdefault(number, store.list()))

    result = send(catalogue, store, client)

    rows = seen[1]
    assert len(rows) == 3 and all(row.status == SUBMITTING for row in rows)
    assert len({row.batch_id for row in rows}) == 1 and rows[0].batch_id == result.batch_id is not None
    assert len({row.client_request_id for row in rows}) == 3
    assert [request_id for request_id in client.request_ids] == [job.client_request_id for job in result.jobs]
    assert len({payload["seed"] for payload, _ in client.submits}) == 3
    assert [job.generation_id for job in result.jobs] == ["gen-1", "gen-2", "gen-3"]
    assert all(job.status == JobStatus.QUEUED and job.lease_owner is None for job in result.jobs)
    assert all(job.media["image_url"]["name"] == "fox.png" for job in result.jobs)
    assert not result.failures


def test_a_failure_in_the_middle_stops_nothing_else_and_is_never_retried(catalogue: Catalogue, store: JobStore) -> None:
    client = BatchClient(fail={2: BadRequestError("The prompt was refused.", "")})

    result = send(catalogue, store, client)

    assert len(client.submits) == 3  # each sent once: the failed one is not sent again
    (failure,) = result.failures
    assert (failure.number, failure.total) == (2, 3)
    assert failure.job.status == JobStatus.FAILED and "The prompt was refused." in (failure.job.error or "")
    assert [job.status for job in result.jobs] == [JobStatus.QUEUED, JobStatus.FAILED, JobStatus.QUEUED]
    assert [job.id for job in result.started] == [result.jobs[0].id, result.jobs[2].id]
    assert failure_text(failure, "the prompt was refused.") == "Job 2 of 3 was not sent: the prompt was refused."
    assert running_text(result) == "The other 2 are running."


def test_a_lost_answer_in_the_middle_is_looked_up_and_the_rest_are_sent(catalogue: Catalogue, store: JobStore) -> None:
    client = BatchClient(fail={1: SubmitAnswerLost("cut", "")})

    result = send(catalogue, store, client)

    (failure,) = result.failures
    assert failure.lost and failure.number == 1
    lost = store.get(failure.job.id)
    assert lost is not None and lost.status == SUBMITTING and lost.error == ANSWER_LOST
    assert lost.next_poll_at is not None  # the follower looks it up in the usage logs now
    assert len(client.submits) == 3


def test_a_job_waiting_for_its_turn_is_not_taken_for_a_cut_off_submit(catalogue: Catalogue, store: JobStore) -> None:
    claimed: list[list[Job]] = []

    def slow_sends_before(number: int) -> None:
        if number == 2:
            # As if the sends so far had taken longer than the follower's grace: the third job, still waiting,
            # was recorded that long ago. A follower looking now must leave it alone.
            third = [job for job in store.list() if job.status == SUBMITTING and job.generation_id is None][-1]
            store.update(third.id, created_at=utcnow() - SUBMIT_GRACE - timedelta(minutes=1))
            claimed.append(store.claim_due("another-studio"))

    client = BatchClient(before=slow_sends_before)
    started = utcnow()
    result = send(catalogue, store, client)

    assert claimed == [[]]
    assert len(client.submits) == 3 and not result.failures
    # Its grace counts from its own submit: the follower would take it over only SUBMIT_GRACE after that.
    assert result.jobs[2].created_at >= started


def test_jobs_of_a_studio_that_died_mid_batch_are_followed_up_once_the_lease_runs_out(
    catalogue: Catalogue, store: JobStore
) -> None:
    class Died(Exception):
        pass

    def die(number: int) -> None:
        if number == 2:
            raise Died

    with pytest.raises(Died):
        send(catalogue, store, BatchClient(before=die))

    # The second was being sent (its own grace runs from then), the third still waited under the lease.
    waiting = [job for job in store.list() if job.status == SUBMITTING]
    assert len(waiting) == 2 and sum(job.lease_until is not None for job in waiting) == 1
    ids = {job.id for job in waiting}
    soon = store.claim_due("follower", now=utcnow() + SUBMIT_GRACE / 2)
    assert not ids & {job.id for job in soon}
    later = store.claim_due("follower", now=utcnow() + SUBMIT_GRACE + timedelta(minutes=1))
    assert ids <= {job.id for job in later}


def test_a_job_taken_over_while_waiting_is_never_sent(catalogue: Catalogue, store: JobStore) -> None:
    def take_over_the_second(number: int) -> None:
        if number == 1:
            second = min((job for job in store.list() if job.lease_owner), key=lambda job: job.created_at)
            store.update(second.id, lease_owner="another-studio")

    client = BatchClient(before=take_over_the_second)
    result = send(catalogue, store, client)

    assert len(client.submits) == 2
    (failure,) = result.failures
    assert failure.number == 2 and str(failure.error) == NOT_SENT_TAKEN_OVER


def test_the_price_of_a_batch_is_n_times_the_price_of_one() -> None:
    from videostudio.form.run_price import RunPrice, times

    one = RunPrice("quote", 0.1, "$0.10 · 200,000 credits", "$0.10 per video")
    three = times(one, 3)
    assert three.text == "3 × $0.10 = $0.30 · 600,000 credits"
    assert three.usd == pytest.approx(0.3) and three.detail == "each run: $0.10 per video"
    assert times(one, 1) is one
    assert times(RunPrice("estimate", 0.2, "about $0.20", "estimate"), 2).text.startswith("about 2 × $0.20 = $0.40")
    assert times(RunPrice("after", None, "Priced after the run", "no price"), 2).usd is None


def test_the_button_shows_a_running_job_of_the_batch_then_a_failed_one_then_the_first() -> None:
    pressed = utcnow() - timedelta(minutes=2)

    def member(status: str) -> Job:
        return Job(model_id=VIDEO_01, backend="offline", status=status, batch_id="b", created_at=utcnow())

    first, failed, running = replace(member("completed"), created_at=pressed), member("failed"), member("generating")
    shown = press_state(first, [first, failed, running])
    assert shown.id == running.id and shown.created_at == pressed  # "started" is when the press sent the batch
    assert press_state(first, [first, failed]).id == failed.id
    assert press_state(first, [first, member("completed")]).id == first.id
