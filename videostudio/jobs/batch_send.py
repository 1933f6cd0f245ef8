"""Sending a batch: every job recorded before any request leaves, then each sent once, in order.

A job waiting for its turn is leased by the sending service (``lease_owner``/``lease_until``), and the lease is
renewed before each send, so no follower mistakes it for a submit that was cut off (``JobStore.claim_due``
takes a "submitting" job only after ``SUBMIT_GRACE`` and only without a live lease). When its turn comes the
lease is given back and its ``created_at`` becomes the moment its own submit starts
(``JobService.send_recorded``): from there on it is followed, and if need be looked up in the usage logs,
exactly like a single submit. If the studio dies mid-batch, the leases run out and the follower finds the
unsent jobs in no log: "the provider never received this request; nothing was charged", which is true.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from videostudio.api.errors import StudioError
from videostudio.catalogue import Model
from videostudio.history.store import LEASE_SECONDS, Job, JobStore, utcnow
from videostudio.jobs.batches import BatchFailure, BatchResult, PlannedJob
from videostudio.jobs.submission import new_job

if TYPE_CHECKING:
    from videostudio.jobs.service import Client


class RecordedSender(Protocol):
    """What a batch needs of the job service (``videostudio.jobs.service.JobService``): its store, its lease name, and
    the one-time send of a job already in the history."""

    owner: str
    store: JobStore

    def send_recorded(
        self, client: Client, job: Job, payload: dict[str, Any], upload_names: Mapping[str, str] | None = None
    ) -> Job: ...


def send_batch(
    service: RecordedSender,
    client: Client,
    model: Model,
    planned: Sequence[PlannedJob],
    *,
    backend: str,
    legacy: bool = False,
    parent_id: str | None = None,
    press_key: str | None = None,
) -> BatchResult:
    """Record every job of ``planned`` (one ``batch_id``), then send each once, in order.

    ``parent_id``: the job whose last frame every job of the batch starts from, if they do. ``press_key``: the press of
    Generate that sent the batch (videostudio/jobs/intent.py), the same on every job of it.
    """
    jobs = batch_jobs(service, model, planned, backend=backend, legacy=legacy, parent_id=parent_id, press_key=press_key)
    service.store.add_many(jobs)
    return send_recorded_batch(service, client, jobs, planned)


def batch_jobs(
    service: RecordedSender,
    model: Model,
    planned: Sequence[PlannedJob],
    *,
    backend: str,
    legacy: bool = False,
    parent_id: str | None = None,
    press_key: str | None = None,
    owner: str | None = None,
    estimate_usd: float | None = None,
) -> list[Job]:
    """The records of a batch's jobs (one ``batch_id``, leased by ``service`` until their turn), not stored yet.

    ``owner`` and ``estimate_usd`` (the price of one job shown before the press): as ``submission.new_job``.
    """
    batch_id = uuid.uuid4().hex if len(planned) > 1 else None
    lease = timedelta(seconds=LEASE_SECONDS)
    now = utcnow()
    return [
        replace(
            new_job(
                model,
                plan.payload,
                backend=backend,
                legacy=legacy,
                upload_names=plan.upload_names,
                parent_id=parent_id,
                owner=owner,
                estimate_usd=estimate_usd,
            ),
            batch_id=batch_id,
            press_key=press_key,  # one press, whatever the count: every job of it is that press
            # In batch order, even before each gets its send time: a microsecond apart.
            created_at=now + timedelta(microseconds=number),
            lease_owner=service.owner,
            lease_until=now + lease,
        )
        for number, plan in enumerate(planned)
    ]


def send_recorded_batch(
    service: RecordedSender, client: Client, jobs: Sequence[Job], planned: Sequence[PlannedJob]
) -> BatchResult:
    """Send each job of a batch already in the history (``batch_jobs``), once, in order; a failure stops nothing."""
    lease = timedelta(seconds=LEASE_SECONDS)
    results: list[Job] = []
    failures: list[BatchFailure] = []
    for number, (job, plan) in enumerate(zip(jobs, planned, strict=True), start=1):
        # The ones still waiting keep their lease for as long as the sends before them take.
        for waiting in jobs[number:]:
            service.store.update_leased(waiting.id, service.owner, lease_until=utcnow() + lease)
        try:
            results.append(service.send_recorded(client, job, plan.payload, plan.upload_names))
        except StudioError as exc:  # recorded by send_recorded: failed, or its answer lost and looked up
            failed = service.store.get(job.id) or job
            results.append(failed)
            failures.append(BatchFailure(number, len(jobs), failed, exc))
    return BatchResult(batch_id=jobs[0].batch_id if jobs else None, jobs=tuple(results), failures=tuple(failures))
