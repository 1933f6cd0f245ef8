"""One press of Generate, sent: a single job or a batch, decided here and not in the page.

The page gathers what was pressed (a ``Press``) and calls ``send_press`` once. One press of several jobs (a "How
many" above 1, or several start images) is a batch (``videostudio.jobs.batch_send``); one of a single job is sent
as a single submit. Either way every job is in the history, with the press key, its owner and the price shown,
before its request leaves, and nothing is sent again: a job whose submit failed is reported, never resent.

The jobs are recorded only if the press fits the person's spending limits, checked in the same transaction
(``videostudio.team.spending.record_press``): a refused press sends nothing and records nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from videostudio.api.errors import StudioError
from videostudio.catalogue import Model
from videostudio.form.run_price import RunPrice
from videostudio.history.store import Job
from videostudio.jobs.batch_send import batch_jobs, send_recorded_batch
from videostudio.jobs.batches import BatchFailure, BatchResult, plan_batch
from videostudio.jobs.service import Client, JobService
from videostudio.jobs.submission import new_job
from videostudio.team.limits import PressCost
from videostudio.team.people import Person
from videostudio.team.spending import record_press

Images = Sequence[tuple[str, str | None]]  # several start images: (value to send, upload name or None)


def jobs_in_press(count: int, images: Images) -> int:
    """How many jobs one press sends: the count, once per start image when several are given."""
    return count * max(1, len(images))


@dataclass(frozen=True)
class Press:
    """What one press of Generate asks for."""

    model: Model
    payload: dict[str, Any]
    count: int = 1  # "How many": jobs per press (per start image, when several are given)
    images: Images = ()
    legacy: bool = False
    upload_names: Mapping[str, str] | None = None
    parent_id: str | None = None  # the job whose last frame the form sends ("Continue from here"), if it does
    press_key: str | None = None  # videostudio/jobs/intent.py; recorded with every job of the press
    price: RunPrice | None = None  # of one job, as shown next to Generate (None: not known before the run)

    @property
    def is_batch(self) -> bool:
        return self.count > 1 or bool(self.images)  # several start images are a batch, even of one each

    @property
    def jobs(self) -> int:
        return jobs_in_press(self.count, self.images)

    @property
    def cost(self) -> PressCost:
        """What the press will cost: the price shown, times its jobs (videostudio/team/limits.py)."""
        return PressCost.of(self.price, self.jobs)


@dataclass(frozen=True)
class PressResult:
    """What a press sent: its jobs in order (failed ones included), and the request each job carried."""

    sent: BatchResult
    payloads: tuple[dict[str, Any], ...]
    is_batch: bool
    refused: str | None = None  # why nothing was sent nor recorded (a spending limit, a role), in plain words

    @property
    def first(self) -> Job | None:
        return self.sent.jobs[0] if self.sent.jobs else None


def send_press(service: JobService, client: Client, press: Press, *, backend: str, person: Person) -> PressResult:
    """Send ``press`` on ``backend`` for ``person``: one job, or its batch. Never raises ``StudioError``: a failed send
    is in ``sent.failures``, its job recorded as failed (or as "submitting", its answer lost, for the follower to look
    up); a press over ``person``'s limits is ``refused``, with nothing sent or recorded.
    """
    cost = press.cost
    if not press.is_batch:
        job = new_job(
            press.model,
            press.payload,
            backend=backend,
            legacy=press.legacy,
            upload_names=press.upload_names,
            parent_id=press.parent_id,
            press_key=press.press_key,
            owner=person.owner,
            estimate_usd=cost.each_usd,
        )
        refused = record_press(service.store, person, [job], cost, backend=backend)
        if refused is not None:
            return PressResult(BatchResult(None, ()), (press.payload,), is_batch=False, refused=refused)
        return PressResult(_send_one(service, client, press, job), (press.payload,), is_batch=False)
    plan = plan_batch(press.model, press.payload, press.count, images=press.images, upload_names=press.upload_names)
    payloads = tuple(planned.payload for planned in plan.jobs)
    jobs = batch_jobs(
        service,
        press.model,
        plan.jobs,
        backend=backend,
        legacy=press.legacy,
        parent_id=None if press.images else press.parent_id,  # one job per image sends those images, not the frame
        press_key=press.press_key,
        owner=person.owner,
        estimate_usd=cost.each_usd,
    )
    refused = record_press(service.store, person, jobs, cost, backend=backend)
    if refused is not None:
        return PressResult(BatchResult(None, ()), payloads, is_batch=True, refused=refused)
    return PressResult(send_recorded_batch(service, client, jobs, plan.jobs), payloads, is_batch=True)


def _send_one(service: JobService, client: Client, press: Press, job: Job) -> BatchResult:
    try:
        sent = service.send_recorded(client, job, press.payload, press.upload_names)
    except StudioError as exc:  # recorded by send_recorded: failed, or its answer lost and looked up
        failed = service.store.get(job.id) or job
        return BatchResult(batch_id=None, jobs=(failed,), failures=(BatchFailure(1, 1, failed, exc),))
    return BatchResult(batch_id=None, jobs=(sent,))
