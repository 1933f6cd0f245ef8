"""Sending a film's shots: the ones ready now, as one batch, through the same path as a press of Generate.

Pure module (no Streamlit). Every job is in the history, with its owner and its price, and every shot's part claimed,
in one transaction that also checks the person's spending limits (``team/spending.press_refusal``), before any request
leaves; then each is sent once, in order (``jobs/batch_send.send_recorded_batch``): a lost answer is looked up in the
usage logs by the follower, a refused one is recorded as failed, and nothing is sent again by itself.

A shot that starts from the previous shot's last frame is ready once that shot has its video: the frame is taken
from the kept video (``library/chain.job_last_frame``, as Continue from here does) and the job records the previous
shot's job as its parent.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from videostudio.films.film import Film, StartKind
from videostudio.films.plan import FilmPlan, ShotPlan, Stage, is_confirmed
from videostudio.films.shots import FindModel, ShotError, shot_price, shot_request
from videostudio.films.store import ALREADY_CLAIMED, FilmStore, PartStatus
from videostudio.history.record import LEASE_SECONDS, Job, utcnow
from videostudio.jobs.batch_send import send_recorded_batch
from videostudio.jobs.batches import PlannedJob
from videostudio.jobs.service import Client, JobService
from videostudio.jobs.submission import new_job
from videostudio.library.chain import ChainError, job_last_frame
from videostudio.storage.base import MediaStorage
from videostudio.team.limits import PressCost
from videostudio.team.people import Person
from videostudio.team.spending import press_refusal

log = logging.getLogger(__name__)

__all__ = ["SentShots", "ready_shots", "send_shots"]


@dataclass(frozen=True)
class SentShots:
    """What one send did: the jobs sent (failed ones included), and why nothing was sent, if it wasn't."""

    jobs: tuple[Job, ...] = ()
    refused: str | None = None


def ready_shots(plan: FilmPlan, confirmed: frozenset[str]) -> list[ShotPlan]:
    """The shots that may be sent now: not made for their settings yet, and confirmed by the press."""
    return [s for s in plan.shots if s.video.stage == Stage.TO_MAKE and is_confirmed(s.video, confirmed, s.shot)]


def send_shots(
    *,
    films: FilmStore,
    service: JobService,
    client: Client,
    storage: MediaStorage,
    find_model: FindModel,
    film: Film,
    plan: FilmPlan,
    shots: Sequence[ShotPlan],
    backend: str,
    person: Person,
) -> SentShots:
    """Record and send ``shots`` of ``film`` as one batch; a shot that can't be sent is recorded as failed, in words."""
    jobs: list[Job] = []
    planned: list[PlannedJob] = []
    claims: list[tuple[str, str, dict[str, object]]] = []
    total: float | None = 0.0
    for shot in shots:
        assert shot.video.fingerprint is not None  # a ready shot's fingerprint is known
        model = find_model(shot.shot.model_id)
        parent = _previous_job(plan, shot)
        try:
            if model is None:
                raise ShotError(f"The model {shot.shot.model_id} is not in the catalogue. Choose another model.")
            request = shot_request(shot.shot, model, storage, frame=_frame(parent, storage, shot))
        except ShotError as exc:
            # Recorded as failed, for these settings: it is asked again on the next press, after a change.
            films.claim(film.id, shot.video.part, shot.video.fingerprint, status=PartStatus.FAILED, error=str(exc))
            continue
        price = shot_price(shot.shot, model, storage, past_usd=service.store.recent_costs(model.id, backend=backend))
        total = None if total is None or price.usd is None else total + price.usd
        job = new_job(
            model,
            request.payload,
            backend=backend,
            upload_names=request.upload_names,
            parent_id=parent.id if parent is not None else None,
            owner=person.owner,
            estimate_usd=price.usd,
        )
        jobs.append(job)
        planned.append(PlannedJob(request.payload, dict(request.upload_names)))
        claims.append((shot.video.part, shot.video.fingerprint, {"job_id": job.id, "status": PartStatus.WAITING}))
    if not jobs:
        return SentShots()
    jobs = _as_batch(jobs, service.owner)
    cost = PressCost(total, 1)

    refused = films.record_shots(film.id, jobs, claims, lambda conn: press_refusal(conn, person, cost, backend=backend))
    if refused == ALREADY_CLAIMED:
        return SentShots()  # another process is sending them
    if refused is not None:
        return SentShots(refused=refused)
    sent = send_recorded_batch(service, client, jobs, planned)
    return SentShots(jobs=sent.jobs)


def _as_batch(jobs: list[Job], lease_owner: str) -> list[Job]:
    """One batch (``batch_id``) when several go, each leased by the sender until its turn (``batch_send``)."""
    batch_id = uuid.uuid4().hex if len(jobs) > 1 else None
    now = utcnow()
    lease = now + timedelta(seconds=LEASE_SECONDS)
    return [
        replace(
            job,
            batch_id=batch_id,
            created_at=now + timedelta(microseconds=n),
            lease_owner=lease_owner,
            lease_until=lease,
        )
        for n, job in enumerate(jobs)
    ]


def _previous_job(plan: FilmPlan, shot: ShotPlan) -> Job | None:
    if shot.shot.start != StartKind.PREVIOUS or shot.number < 2:
        return None
    return plan.shots[shot.number - 2].video.job


def _frame(parent: Job | None, storage: MediaStorage, shot: ShotPlan) -> bytes | None:
    if shot.shot.start != StartKind.PREVIOUS:
        return None
    if parent is None or not parent.has_local_video:
        raise ShotError("The previous shot has no video yet, so it has no last frame.")
    try:
        return job_last_frame(parent, storage)
    except ChainError as exc:
        raise ShotError(f"The previous shot's last frame could not be taken: {exc}") from exc
