"""Batches: one press of Generate that sends several jobs ("How many", or several start images).

Planning is pure: from the form's payload, a count (1 to ``MAX_COUNT``) and optionally several images for the
model's start image, the list of requests to send, in order (each image × the count). Where the model has a
seed field, every job of a batch gets its own seed within the schema's bounds: the typed seed for the first
and the next ones after it, or distinct random ones. A model without a seed field gets the same request N
times, and the plan says so (the results may be alike). A plan of one job is the form's payload untouched.

Sending a plan is ``send_batch`` (videostudio/jobs/batch_send.py): every job is recorded before the first
request leaves, then each is sent once, in order; a failure stops nothing else.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from videostudio.api.errors import StudioError
from videostudio.catalogue import Model
from videostudio.form.fields import Widget, field_spec
from videostudio.history.store import Job, JobStatus

MAX_COUNT = 8
SEED_FIELD = "seed"
# A seed field without bounds in its schema: the range every provider accepts (a signed 32-bit integer).
UNBOUNDED_SEEDS = (0, 2**31 - 1)
# Marks the batch part of what a press would send, for the double-click guard (videostudio/jobs/intent.py).
INTENT_KEY = "__batch__"


@dataclass(frozen=True)
class PlannedJob:
    """One request of a batch: what to send, its uploads' file names by payload path, and its seed if set."""

    payload: dict[str, Any]
    upload_names: dict[str, str] = field(default_factory=dict)
    seed: int | None = None


@dataclass(frozen=True)
class BatchPlan:
    """The requests one press sends, in order."""

    jobs: tuple[PlannedJob, ...]
    seeded: bool  # the model has a seed field, so each job of a batch got its own

    @property
    def count(self) -> int:
        return len(self.jobs)

    @property
    def may_be_alike(self) -> bool:
        """Several jobs of a model without a seed: the provider may give near-identical results."""
        return self.count > 1 and not self.seeded


@dataclass(frozen=True)
class BatchFailure:
    """A job of a batch whose submit failed (it was not started), or whose answer was lost."""

    number: int  # 1-based position in the batch
    total: int
    job: Job
    error: StudioError

    @property
    def lost(self) -> bool:
        """The answer was lost: the job may have started, and the studio is looking it up."""
        return self.job.status == "submitting"


@dataclass(frozen=True)
class BatchResult:
    """Every job of a batch as it stands after the sends, and the ones that failed."""

    batch_id: str | None
    jobs: tuple[Job, ...]
    failures: tuple[BatchFailure, ...] = ()

    @property
    def started(self) -> list[Job]:
        failed = {f.job.id for f in self.failures}
        return [job for job in self.jobs if job.id not in failed]


def seed_bounds(model: Model) -> tuple[int, int] | None:
    """The lowest and highest seed ``model`` takes, from its schema; None when it has no seed field."""
    schema = model.properties.get(SEED_FIELD)
    if not isinstance(schema, Mapping):
        return None
    spec = field_spec(model, SEED_FIELD, dict(schema), path=SEED_FIELD, required=False)
    if spec.widget is not Widget.SEED:
        return None
    low = int(spec.low) if spec.low is not None else UNBOUNDED_SEEDS[0]
    high = int(spec.high) if spec.high is not None else UNBOUNDED_SEEDS[1]
    return (low, high) if low <= high else None


def batch_image_field(model: Model) -> str | None:
    """The field several images can be given for, one job each: the model's first single image (its start image)."""
    images = {path for path, kind in model.inputs().items() if kind == "image" and "." not in path}
    for name in model.field_names():  # in the form's order; only the image fields' specs are worked out
        if name in images:
            spec = field_spec(model, name, dict(model.properties[name]), path=name, required=name in model.required)
            if spec.widget is Widget.MEDIA and spec.media_kind == "image":
                return name
    return None


def distinct_seeds(bounds: tuple[int, int], count: int, typed: int | None, rng: random.Random) -> list[int]:
    """``count`` seeds within ``bounds`` (inclusive), distinct while the range allows it.

    A typed seed comes first, followed by the ones after it (wrapping round to the lowest), so the batch can
    be repeated seed by seed; without one, random seeds.
    """
    low, high = bounds
    size = high - low + 1
    if typed is not None and low <= typed <= high:
        return [low + (typed - low + k) % size for k in range(count)]
    if count <= size:
        return rng.sample(range(low, high + 1), count)
    return [low + k % size for k in range(count)]


def plan_batch(
    model: Model,
    payload: Mapping[str, Any],
    count: int = 1,
    *,
    images: Sequence[tuple[str, str | None]] = (),
    upload_names: Mapping[str, str] | None = None,
    rng: random.Random | None = None,
) -> BatchPlan:
    """The requests to send for ``payload`` × ``count``, once per image of ``images`` when given.

    ``images`` are (value to send, upload name or None) for the model's start image (``batch_image_field``).
    """
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"a batch has 1 to {MAX_COUNT} jobs per image, not {count}")
    names = dict(upload_names or {})
    image_field = batch_image_field(model) if images else None
    if images and image_field is None:
        raise ValueError(f"{model.id} has no single image field to give several images for")
    variants: list[tuple[dict[str, Any], dict[str, str]]] = []
    for value, name in images or [(None, None)]:
        request, request_names = dict(payload), dict(names)
        if image_field is not None:
            request[image_field] = value
            request_names.pop(image_field, None)
            if name:
                request_names[image_field] = name
        variants += [(request, request_names)] * count
    bounds = seed_bounds(model)
    if len(variants) == 1 or bounds is None:
        # One job is the form as it is; a model without seeds gets the same request each time.
        jobs = tuple(PlannedJob(dict(request), dict(request_names)) for request, request_names in variants)
        return BatchPlan(jobs=jobs, seeded=bounds is not None)
    typed = payload.get(SEED_FIELD)
    typed = typed if isinstance(typed, int) and not isinstance(typed, bool) else None
    seeds = distinct_seeds(bounds, len(variants), typed, rng or random.Random())
    jobs = tuple(
        PlannedJob({**request, SEED_FIELD: seed}, dict(request_names), seed)
        for (request, request_names), seed in zip(variants, seeds, strict=True)
    )
    return BatchPlan(jobs=jobs, seeded=True)


def intent_payload(payload: Mapping[str, Any], count: int, images: Sequence[tuple[str, str | None]] = ()) -> dict:
    """What identifies a press for the double-click guard: the payload, plus the count and images of a batch.

    A single job is identified by its payload alone, exactly as before batches existed; the seeds a batch
    draws are left out (they are new on every plan), the typed seed is in the payload.
    """
    if count == 1 and not images:
        return dict(payload)
    return {**payload, INTENT_KEY: {"count": count, "images": [value for value, _name in images]}}


def group_jobs(jobs: Iterable[Job]) -> list[list[Job]]:
    """``jobs`` in their order, with each batch's jobs gathered where its first one appears."""
    groups: list[list[Job]] = []
    by_batch: dict[str, list[Job]] = {}
    for job in jobs:
        if job.batch_id is None:
            groups.append([job])
        elif job.batch_id in by_batch:
            by_batch[job.batch_id].append(job)
        else:
            by_batch[job.batch_id] = [job]
            groups.append(by_batch[job.batch_id])
    return groups


def in_send_order(jobs: Iterable[Job]) -> list[Job]:
    """A batch's jobs in the order they were sent (each job's submit time, ``created_at``)."""
    return sorted(jobs, key=lambda job: (job.created_at, job.id))


def position_text(job: Job, members: Sequence[Job]) -> str | None:
    """``2 of 3``: where ``job`` stands in its batch (``members``, in send order); None outside a batch."""
    ids = [member.id for member in members]
    if job.batch_id is None or job.id not in ids or len(ids) < 2:
        return None
    return f"{ids.index(job.id) + 1} of {len(ids)}"


def press_state(job: Job, members: Sequence[Job]) -> Job:
    """The job whose state the Generate button shows for a press of ``job``'s batch (``members``): one still
    running if any is, else one that failed if any did, else ``job`` (the batch's first). It keeps ``job``'s
    ``created_at``: "started 14:03" is when the press sent the batch."""
    running = [m for m in members if m.is_active]
    failed = [m for m in members if m.status == JobStatus.FAILED]
    return replace((running or failed or [job])[0], created_at=job.created_at)


def failure_text(failure: BatchFailure, reason: str) -> str:
    """What the person reads about one job of a batch that did not start, ``reason`` in plain words."""
    if failure.lost:
        return f"Job {failure.number} of {failure.total}: {reason}"
    return f"Job {failure.number} of {failure.total} was not sent: {reason}"


def running_text(result: BatchResult) -> str:
    """What became of the rest of a batch in which some jobs failed: "The other 2 are running."."""
    started = len(result.started)
    if started == 0:
        return "None of the batch was started."
    return "The other one is running." if started == 1 else f"The other {started} are running."
