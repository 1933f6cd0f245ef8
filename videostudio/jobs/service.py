"""Jobs: submitting a generation, following it to the end, and the one polling policy.

The store is written before anything can be lost: a job row exists, with the request id its submit
carries, before the submit is sent; it gets its generation id the moment the submit answers, and every
poll's outcome is recorded. A submit is never repeated: the API charges per submit. One whose answer was
lost is found again in the usage logs (videostudio/jobs/recovery.py).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from videostudio.api.errors import (
    APIConnectionError,
    AuthenticationError,
    InsufficientCreditsError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    StudioError,
    SubmitAnswerLost,
)
from videostudio.api.generation import Generation, Status
from videostudio.catalogue import Model
from videostudio.history.store import LEASE_SECONDS, SUBMIT_GRACE, SUBMITTING, Job, JobStatus, JobStore, utcnow
from videostudio.jobs.outcomes import (
    GENERATION_FAILED_HINT,
    UNSET,
    KeepOutcome,
    PollChanges,
    answer_changes,
    write_kept,
)
from videostudio.jobs.recovery import (
    ANSWER_LOST,
    INTERRUPTED_SUBMIT,
    NOT_ACCEPTED,
    REFUSED,
    LogsClient,
    find_logged,
    given_up,
    next_lookup,
)
from videostudio.jobs.schedule import PollPolicy, RunTime
from videostudio.jobs.submission import Submission, new_job, submit_endpoint

__all__ = [
    "GENERATION_FAILED_HINT",
    "INTERRUPTED_SUBMIT",
    "NOT_ACCEPTED",
    "SUBMIT_GRACE",
    "Client",
    "JobService",
    "PollPolicy",
    "Submission",
    "submit_endpoint",
]

log = logging.getLogger(__name__)

# A job of a batch that waited so long for its turn that a follower took it over: it is never sent.
NOT_SENT_TAKEN_OVER = (
    "Not sent: the studio was held up for so long before sending this job of the batch that it gave up on it. "
    "Nothing was charged for it."
)

# Jobs claimed at a time: polled one after another, they must all be asked within the lease.
CLAIM_BATCH = 10
# While a finished video is downloaded the job keeps its lease, so no other studio fetches it too.
DOWNLOAD_LEASE_SECONDS = 15 * 60.0


class Client(LogsClient, Protocol):
    """What jobs need of an API client (``videostudio.api.client.VideoClient``)."""

    def submit(
        self, payload: dict[str, Any], *, legacy_endpoint: str | None = None, client_request_id: str | None = None
    ) -> Generation: ...

    def poll(self, generation_id: str, *, legacy_endpoint: str | None = None) -> Generation: ...


class JobService:
    """Submits jobs and moves them forward; one per server process, shared by its sessions and its follower.

    Polls go through leases in the store (``JobStore.claim_due``): whoever calls ``poll_due``, in this
    process or another sharing the history, each job is asked about by one of them at a time.
    """

    def __init__(
        self,
        store: JobStore,
        *,
        on_complete: Callable[[Job], KeepOutcome] | None = None,
        on_submit: Callable[[Job, Mapping[str, Any], Mapping[str, str] | None], Job] | None = None,
        policies: Mapping[str, PollPolicy] | None = None,
        run_time: Callable[[Job], RunTime | None] | None = None,
        owner: str | None = None,
    ) -> None:
        self.store = store
        # Called with each job that has just completed: the media library copies its video, and hands back what
        # became of it for this service to record (``record_kept``).
        self.on_complete = on_complete
        # Called with each job the API accepted, its payload and upload names (the library keeps the uploads).
        # After the submit, never before: the request is not held up, and a refused one leaves no files behind.
        self.on_submit = on_submit
        # Each backend's schedule, by backend name; a backend without one is polled every PollPolicy().interval.
        self.policies = dict(policies or {})
        # A job's expected run time (schedule.RunTimes.expected); None polls at the policy's plain interval.
        self.run_time = run_time or (lambda job: None)
        # This process's name on the leases it takes.
        self.owner = owner or f"studio-{uuid.uuid4().hex[:12]}"
        # A 429 from a backend holds back every poll to it, not only the poll of that one job.
        self._paused_until: dict[str, datetime] = {}
        self._rate_limits: dict[str, int] = {}
        self._lock = threading.Lock()

    def submit(
        self,
        client: Client,
        model: Model,
        payload: dict[str, Any],
        *,
        backend: str,
        legacy: bool = False,
        upload_names: Mapping[str, str] | None = None,
        parent_id: str | None = None,
        press_key: str | None = None,
    ) -> Job:
        """Send one generation request, once. Raises ``StudioError`` with the job recorded as failed.

        ``parent_id``: the job whose last frame this one starts from ("Continue from here"). ``press_key``: the
        press of Generate that sends it (videostudio/jobs/intent.py), in the history before the request leaves.
        """
        job = self.record(
            model,
            payload,
            backend=backend,
            legacy=legacy,
            upload_names=upload_names,
            parent_id=parent_id,
            press_key=press_key,
        )
        return self.send_recorded(client, job, payload, upload_names)

    def record(
        self,
        model: Model,
        payload: dict[str, Any],
        *,
        backend: str,
        legacy: bool = False,
        upload_names: Mapping[str, str] | None = None,
        parent_id: str | None = None,
        press_key: str | None = None,
    ) -> Job:
        """Put a job in the history as "submitting", before its request is sent (``send_recorded``)."""
        recorded = new_job(
            model,
            payload,
            backend=backend,
            legacy=legacy,
            upload_names=upload_names,
            parent_id=parent_id,
            press_key=press_key,
        )
        return self.store.add(recorded)

    def send_recorded(
        self, client: Client, job: Job, payload: dict[str, Any], upload_names: Mapping[str, str] | None = None
    ) -> Job:
        """Send the request of ``job`` (already in the history), once. Raises ``StudioError``, the job recorded.

        A job this service leased while it waited in a batch starts its submit now: its ``created_at`` becomes
        this moment, so the follower's grace (SUBMIT_GRACE) and the usage logs' lookup count from the send.
        """
        if job.lease_owner == self.owner:
            held = self.store.update_leased(job.id, self.owner, created_at=utcnow(), lease_owner=None, lease_until=None)
            if held is None:
                # Another follower took it over (this process stalled past the lease): it is theirs now.
                raise StudioError(NOT_SENT_TAKEN_OVER, "")
            job = held
        sent_at = utcnow()
        try:
            generation = client.submit(payload, legacy_endpoint=job.endpoint, client_request_id=job.client_request_id)
        except SubmitAnswerLost as exc:
            # It may have started: the job stays "submitting", and the follower looks for it in the logs now.
            self.store.update(job.id, error=ANSWER_LOST, next_poll_at=utcnow())
            raise SubmitAnswerLost(ANSWER_LOST, "", client_request_id=job.client_request_id) from exc
        except StudioError as exc:
            self.store.update(job.id, status=JobStatus.FAILED, error=str(exc), finished_at=utcnow())
            raise
        job = self._record(job, generation, self.policy(job.backend), first=True, polled_at=sent_at)
        return self.on_submit(job, payload, upload_names) if self.on_submit else job

    def policy(self, backend: str) -> PollPolicy:
        return self.policies.get(backend) or PollPolicy()

    def paused_until(self, backend: str) -> datetime | None:
        """Until when polls to ``backend`` wait after it answered 429 (None: they do not)."""
        with self._lock:
            return self._paused_until.get(backend)

    def ready_backends(self, names: Iterable[str], now: datetime | None = None) -> list[str]:
        """Those of ``names`` that may be polled now (not held back by a 429)."""
        now = now or utcnow()
        with self._lock:
            return [name for name in names if self._paused_until.get(name, now) <= now]

    def poll_due(
        self,
        clients: Mapping[str, Client],
        policies: Mapping[str, PollPolicy] | None = None,
        *,
        now: datetime | None = None,
    ) -> list[Job]:
        """Claim and poll every active job whose time has come; returns the jobs that changed.

        Only jobs of backends in ``clients`` that are not held back by a 429 are claimed; the others
        stay as they are, for a follower that can ask about them.
        """
        chosen = {**self.policies, **(policies or {})}
        now = now or utcnow()
        ready = self.ready_backends(clients, now)
        if not ready:
            return []
        changed = []
        claimed = self.store.claim_due(
            self.owner, backends=ready, lease_seconds=LEASE_SECONDS, limit=CLAIM_BATCH, now=now
        )
        for job in claimed:
            paused = self.paused_until(job.backend)
            if paused is not None and paused > now:
                self._release(job)  # a poll earlier in this round met a 429
                continue
            policy = chosen.get(job.backend) or PollPolicy()
            if job.status == SUBMITTING:
                # Its answer was lost, or its submit was cut off (claim_due takes no younger one).
                updated = self.recover(clients[job.backend], job, policy, now=now)
                if updated.status != job.status or updated.generation_id != job.generation_id:
                    changed.append(updated)
                continue
            updated = self.poll_one(clients[job.backend], job, policy)
            if updated.status != job.status or updated.raw_status != job.raw_status:
                changed.append(updated)
        return changed

    def poll_one(self, client: Client, job: Job, policy: PollPolicy) -> Job:
        """Ask once about ``job`` (leased by this service) and record the answer.

        A passing failure only delays the next poll; the lease is given back either way.
        """
        assert job.generation_id, "only submitted jobs are polled"
        # The next poll is counted from when this one was sent, not from when it answered, so a slow answer
        # does not push every later poll back (the drift of fixed ticks over "10 s after the last poll").
        sent_at = utcnow()
        try:
            generation = client.poll(job.generation_id, legacy_endpoint=job.endpoint)
        except RateLimitError as exc:
            self._pause(job.backend, policy, exc.retry_after)
            return self._back_off(job, policy, exc.message, retry_after=exc.retry_after, sent_at=sent_at)
        except (ServerError, APIConnectionError, ResponseFormatError) as exc:
            # Passing trouble: the job is still running at the provider, so only the next poll moves.
            retry_after = getattr(exc, "retry_after", None)
            return self._back_off(job, policy, exc.message, retry_after=retry_after, sent_at=sent_at)
        except (AuthenticationError, InsufficientCreditsError) as exc:
            # The key was refused, but the paid generation runs on: wait, at the slowest pace, for a good key.
            return self._back_off(job, policy, str(exc), retry_after=policy.max_backoff, sent_at=sent_at)
        except StudioError as exc:
            # The API says the job cannot be followed (not found, refused): nothing will change that by itself.
            return self._fail(job, str(exc))
        with self._lock:
            self._rate_limits.pop(job.backend, None)
        return self._record(job, generation, policy, polled_at=sent_at)

    def recover(self, client: Client, job: Job, policy: PollPolicy, *, now: datetime | None = None) -> Job:
        """Find a "submitting" job (leased by this service) whose answer was lost, in the usage logs.

        Found: the job is followed from its generation id (polled at once). Not found after the grace: it
        says the provider never received it. Never sent again.
        """
        now = now or utcnow()
        if not job.client_request_id:
            return self._fail(job, INTERRUPTED_SUBMIT)  # submitted by a studio that sent no request ids
        try:
            found = find_logged(client, job, now)
        except RateLimitError as exc:
            self._pause(job.backend, policy, exc.retry_after)  # the logs allow 200 requests a minute
            return self._write(job, PollChanges(next_poll_at=self.paused_until(job.backend)), release=True)
        except StudioError as exc:
            # The logs could not be read now (no key, a network hiccup): look again later, never guess.
            log.info("job %s: the usage logs could not be read: %s", job.id, exc)
            delay = policy.next_delay(job, failures=job.poll_failures + 1)
            changes = PollChanges(poll_failures=job.poll_failures + 1, next_poll_at=now + timedelta(seconds=delay))
            return self._write(job, changes, release=True)
        if found is None:
            if given_up(job, now):
                return self._fail(job, NOT_ACCEPTED)
            return self._write(job, PollChanges(next_poll_at=next_lookup(job, now)), release=True)
        if found.refused:
            return self._fail(job, REFUSED)
        log.info("job %s: its lost submit was found in the usage logs", job.id)
        changes = PollChanges(
            generation_id=found.inference_id,
            status=JobStatus.QUEUED,
            error=None,
            poll_failures=0,
            credits=found.credits or UNSET,
            usd=found.usd or UNSET,
        )
        held = self.store.update_leased(job.id, self.owner, **changes.fields())
        if held is None:  # the lease ran out meanwhile: the follower that took over does the rest
            return self.store.get(job.id) or job
        return self.poll_one(client, held, policy)

    def _pause(self, backend: str, policy: PollPolicy, retry_after: float | None) -> None:
        with self._lock:
            strikes = self._rate_limits.get(backend, 0) + 1
            self._rate_limits[backend] = strikes
            delay = policy.next_delay(Job(model_id="", backend=backend), failures=strikes, retry_after=retry_after)
            self._paused_until[backend] = utcnow() + timedelta(seconds=delay)
        log.info("%s answered 429: every poll to it waits %.0f s", backend, delay)

    def _back_off(
        self, job: Job, policy: PollPolicy, reason: str, *, retry_after: float | None, sent_at: datetime
    ) -> Job:
        failures = job.poll_failures + 1
        delay = policy.next_delay(job, failures=failures, retry_after=retry_after)
        log.info("poll of job %s failed; next try in %.0f s", job.id, delay)
        changes = PollChanges(poll_failures=failures, next_poll_at=sent_at + timedelta(seconds=delay), error=reason)
        return self._write(job, changes, release=True)

    def _record(
        self, job: Job, generation: Generation, policy: PollPolicy, *, polled_at: datetime, first: bool = False
    ) -> Job:
        changes = answer_changes(job, generation, first=first, polled_at=polled_at)
        if not generation.status.is_terminal:
            seen = replace(job, status=generation.status.value)
            delay = policy.next_delay(seen, expected=self.run_time(seen), now=polled_at)
            changes = replace(changes, next_poll_at=polled_at + timedelta(seconds=delay))
        if generation.status is Status.COMPLETED and self.on_complete:
            return self._complete(job, changes, leased=not first)
        return self._write(job, changes, release=not first)

    def _complete(self, job: Job, changes: PollChanges, *, leased: bool) -> Job:
        """Keep the video of a job that just completed, then record it as completed, with the video kept.

        The video is fetched before the status changes, so every page sees the job finish with its local
        copy in place; the lease is held meanwhile, and a follower that lost it leaves the job to the one
        that took over: the video is downloaded once.
        """
        assert self.on_complete is not None
        if leased:
            held = self.store.update_leased(
                job.id,
                self.owner,
                video_url=None if changes.video_url is UNSET else changes.video_url,
                lease_until=utcnow() + timedelta(seconds=DOWNLOAD_LEASE_SECONDS),
            )
            if held is None:
                return self.store.get(job.id) or job
        else:
            held = self.store.update(job.id, **changes.fields())  # the submit's own answer: no follower has it yet
        try:
            # The hook sees the job as it is about to be recorded: completed, with its video's address.
            about_to_be = replace(held, **PollChanges(status=changes.status, finished_at=changes.finished_at).fields())
            kept = self.record_kept(held, self.on_complete(about_to_be))
        except Exception:
            log.exception("job %s: keeping the video failed", job.id)
            kept = held
        if not leased:
            return kept
        return self._write(kept, changes, release=True)

    def record_kept(self, job: Job, outcome: KeepOutcome) -> Job:
        """Record what the library did with ``job``'s finished video: its local copy, or one more failed attempt
        (``library.videos.retry_missing`` gives up after a few). A copy whose job was deleted meanwhile is removed.
        """
        return write_kept(self.store, job, outcome)

    def _write(self, job: Job, changes: PollChanges, *, release: bool) -> Job:
        """Record ``changes``; as the lease holder (and giving the lease back) when ``release``."""
        if not release:
            return self.store.update(job.id, **changes.fields())
        updated = self.store.update_leased(job.id, self.owner, lease_owner=None, lease_until=None, **changes.fields())
        return updated if updated is not None else (self.store.get(job.id) or job)

    def _release(self, job: Job) -> Job:
        released = self.store.update_leased(job.id, self.owner, lease_owner=None, lease_until=None)
        return released if released is not None else job

    def _fail(self, job: Job, message: str) -> Job:
        changes = PollChanges(status=JobStatus.FAILED, error=message, finished_at=utcnow())
        return self._write(job, changes, release=job.lease_owner == self.owner)
