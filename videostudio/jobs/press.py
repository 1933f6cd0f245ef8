"""One press of Generate, sent: a single job or a batch, decided here and not in the page.

The page gathers what was pressed (a ``Press``) and calls ``send_press`` once. One press of several jobs (a "How
many" above 1, or several start images) is a batch (``videostudio.jobs.batch_send``); one of a single job is sent
as a single submit. Either way every job is in the history, with the press key, before its request leaves, and
nothing is sent again: a job whose submit failed is reported, never resent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from videostudio.api.errors import StudioError
from videostudio.catalogue import Model
from videostudio.history.store import Job
from videostudio.jobs.batch_send import send_batch
from videostudio.jobs.batches import BatchFailure, BatchResult, plan_batch
from videostudio.jobs.service import Client, JobService

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

    @property
    def is_batch(self) -> bool:
        return self.count > 1 or bool(self.images)  # several start images are a batch, even of one each


@dataclass(frozen=True)
class PressResult:
    """What a press sent: its jobs in order (failed ones included), and the request each job carried."""

    sent: BatchResult
    payloads: tuple[dict[str, Any], ...]
    is_batch: bool

    @property
    def first(self) -> Job | None:
        return self.sent.jobs[0] if self.sent.jobs else None


def send_press(service: JobService, client: Client, press: Press, *, backend: str) -> PressResult:
    """Send ``press`` on ``backend``: one job, or its batch. Never raises ``StudioError``: a failed send is in
    ``sent.failures``, its job recorded as failed (or as "submitting", its answer lost, for the follower to look up).
    """
    if not press.is_batch:
        return PressResult(_send_one(service, client, press, backend=backend), (press.payload,), is_batch=False)
    plan = plan_batch(press.model, press.payload, press.count, images=press.images, upload_names=press.upload_names)
    result = send_batch(
        service,
        client,
        press.model,
        plan.jobs,
        backend=backend,
        legacy=press.legacy,
        parent_id=None if press.images else press.parent_id,  # one job per image sends those images, not the frame
        press_key=press.press_key,
    )
    return PressResult(result, tuple(planned.payload for planned in plan.jobs), is_batch=True)


def _send_one(service: JobService, client: Client, press: Press, *, backend: str) -> BatchResult:
    job = service.record(
        press.model,
        press.payload,
        backend=backend,
        legacy=press.legacy,
        upload_names=press.upload_names,
        parent_id=press.parent_id,
        press_key=press.press_key,
    )
    try:
        sent = service.send_recorded(client, job, press.payload, press.upload_names)
    except StudioError as exc:  # recorded by send_recorded: failed, or its answer lost and looked up
        failed = service.store.get(job.id) or job
        return BatchResult(batch_id=None, jobs=(failed,), failures=(BatchFailure(1, 1, failed, exc),))
    return BatchResult(batch_id=None, jobs=(sent,))
