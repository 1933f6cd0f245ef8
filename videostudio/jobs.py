"""Jobs: submitting a generation, following it to the end, and the one polling policy.

The store is written before anything can be lost: a job row exists before the submit is sent,
gets its generation id the moment the submit answers, and every poll's outcome is recorded.
A submit is never repeated: the API charges per submit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from videostudio.catalogue import Model
from videostudio.errors import (
    APIConnectionError,
    AuthenticationError,
    InsufficientCreditsError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    StudioError,
)
from videostudio.generation import Generation, Status
from videostudio.media import decode_data_uri, is_data_uri, thumbnail_data_uri
from videostudio.payload import map_leaves
from videostudio.store import SUBMITTING, Job, JobStore, utcnow

log = logging.getLogger(__name__)

# A job still "submitting" this long after it was created was cut off mid-submit (a crash or a restart).
SUBMIT_GRACE = timedelta(minutes=2)

INTERRUPTED_SUBMIT = (
    "The studio stopped while sending this job, so it is not known whether the provider started it. "
    "Check your AI/ML API dashboard before generating again, so you are not charged twice."
)


# The provider's own words say what went wrong; this says what to do next. The API does not charge
# for failed generations (fact sheet, billing), which is worth saying to someone about to retry.
GENERATION_FAILED_HINT = (
    "Check the image, audio and settings, then press Generate again; failed generations are not charged. "
    "If it keeps failing, contact AI/ML API support at help@aimlapi.com."
)


class Client(Protocol):
    """What jobs need of an API client (``videostudio.client.VideoClient``)."""

    def submit(self, payload: dict[str, Any], *, legacy_endpoint: str | None = None) -> Generation: ...

    def poll(self, generation_id: str, *, legacy_endpoint: str | None = None) -> Generation: ...


@dataclass(frozen=True)
class PollPolicy:
    """How often to ask about a running job, and when to stop expecting it soon."""

    interval: float = 10.0  # seconds between polls while all is well
    deadline: float = 20 * 60  # past this, a job is "still running at the provider, check later"
    overdue_interval: float = 60.0  # overdue jobs are still followed, only less often
    max_backoff: float = 120.0

    def next_delay(self, job: Job, *, failures: int = 0, retry_after: float | None = None) -> float:
        """Seconds until the next poll of ``job``, after ``failures`` failed polls in a row."""
        if failures:
            backoff = min(self.max_backoff, self.interval * 2 ** (failures - 1))
            return max(backoff, retry_after or 0.0)
        return self.overdue_interval if self.is_overdue(job) else self.interval

    def is_overdue(self, job: Job, now: datetime | None = None) -> bool:
        if not job.is_active:
            return False
        return ((now or utcnow()) - job.created_at).total_seconds() > self.deadline


@dataclass(frozen=True)
class Submission:
    """What the history keeps of a request: its parameters without blobs, and what the blobs were."""

    params: dict[str, Any]
    media: dict[str, dict[str, Any]]
    thumbnail: str | None
    prompt: str

    @classmethod
    def of(cls, payload: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Submission:
        """Strip base64 data URIs out of ``payload``; ``names`` gives upload file names by field path."""
        media: dict[str, dict[str, Any]] = {}
        thumbnail: list[str] = []

        def strip(path: str, value: Any) -> Any:
            if isinstance(value, str) and is_data_uri(value):
                mime, data = decode_data_uri(value)
                info = {"mime": mime, "bytes": len(data), "sha256": _sha256(data)}
                if names and path in names:
                    info["name"] = names[path]
                media[path] = info
                if mime.startswith("image/") and not thumbnail:
                    small = thumbnail_data_uri(data)
                    if small:
                        thumbnail.append(small)
                return f"(uploaded {mime.split('/')[0]}, sha256 {info['sha256'][:12]}…)"
            return value

        params = map_leaves({k: v for k, v in payload.items() if k != "model"}, strip)
        prompt = str(payload.get("prompt") or payload.get("lip_sync_tts_content") or "")
        return cls(params=params, media=media, thumbnail=thumbnail[0] if thumbnail else None, prompt=prompt)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class JobService:
    """Submits jobs and moves them forward; shared by every session of one server process."""

    def __init__(
        self,
        store: JobStore,
        *,
        on_complete: Callable[[Job], Job] | None = None,
        on_submit: Callable[[Job, Mapping[str, Any], Mapping[str, str] | None], Job] | None = None,
    ) -> None:
        self.store = store
        # Called with each job that has just completed (the media library downloads its video).
        self.on_complete = on_complete
        # Called with each job the API accepted, its payload and upload names (the library keeps the uploads).
        # After the submit, never before: the request is not held up, and a refused one leaves no files behind.
        self.on_submit = on_submit

    def submit(
        self,
        client: Client,
        model: Model,
        payload: dict[str, Any],
        *,
        backend: str,
        legacy: bool = False,
        upload_names: Mapping[str, str] | None = None,
    ) -> Job:
        """Send one generation request, once. Raises ``StudioError`` with the job recorded as failed."""
        submission = Submission.of(payload, upload_names)
        endpoint = model.legacy_endpoint if legacy else None
        job = self.store.add(
            Job(
                model_id=model.id,
                backend=backend,
                endpoint=endpoint,
                prompt=submission.prompt,
                params=submission.params,
                media=submission.media,
                thumbnail=submission.thumbnail,
            )
        )
        try:
            generation = client.submit(payload, legacy_endpoint=endpoint)
        except StudioError as exc:
            self.store.update(job.id, status=Status.FAILED.value, error=str(exc), finished_at=utcnow())
            raise
        job = self._record(job, generation, first=True)
        return self.on_submit(job, payload, upload_names) if self.on_submit else job

    def poll_due(self, clients: Mapping[str, Client], policies: Mapping[str, PollPolicy]) -> list[Job]:
        """Poll every active job whose time has come; returns the jobs that changed."""
        changed = []
        for job in self.store.active():
            now = utcnow()
            if job.status == SUBMITTING:
                if now - job.created_at > SUBMIT_GRACE:
                    changed.append(self._fail(job, INTERRUPTED_SUBMIT))
                continue
            client = clients.get(job.backend)
            if client is None or (job.next_poll_at and job.next_poll_at > now):
                continue
            updated = self.poll_one(client, job, policies.get(job.backend, PollPolicy()))
            if updated.status != job.status or updated.raw_status != job.raw_status:
                changed.append(updated)
        return changed

    def poll_one(self, client: Client, job: Job, policy: PollPolicy) -> Job:
        """Ask once about ``job`` and record the answer. A passing failure only delays the next poll."""
        assert job.generation_id, "only submitted jobs are polled"
        try:
            generation = client.poll(job.generation_id, legacy_endpoint=job.endpoint)
        except (RateLimitError, ServerError, APIConnectionError, ResponseFormatError) as exc:
            # Passing trouble: the job is still running at the provider, so only the next poll moves.
            return self._back_off(job, policy, exc.message, retry_after=getattr(exc, "retry_after", None))
        except (AuthenticationError, InsufficientCreditsError) as exc:
            # The key was refused, but the paid generation runs on: wait, at the slowest pace, for a good key.
            return self._back_off(job, policy, str(exc), retry_after=policy.max_backoff)
        except StudioError as exc:
            # The API says the job cannot be followed (not found, refused): nothing will change that by itself.
            return self._fail(job, str(exc))
        updated = self._record(job, generation)
        if updated.is_active:
            updated = self.store.update(
                job.id, next_poll_at=utcnow() + timedelta(seconds=policy.next_delay(updated)), poll_failures=0
            )
        return updated

    def _back_off(self, job: Job, policy: PollPolicy, reason: str, *, retry_after: float | None) -> Job:
        failures = job.poll_failures + 1
        delay = policy.next_delay(job, failures=failures, retry_after=retry_after)
        log.info("poll of job %s failed; next try in %.0f s", job.id, delay)
        return self.store.update(
            job.id, poll_failures=failures, next_poll_at=utcnow() + timedelta(seconds=delay), error=reason
        )

    def _record(self, job: Job, generation: Generation, *, first: bool = False) -> Job:
        changes: dict[str, Any] = {
            "status": generation.status.value,
            "raw_status": generation.raw_status,
            "error": generation.error,
        }
        if first:
            changes["generation_id"] = generation.id
        if generation.usage:
            if generation.usage.credits is not None:
                changes["credits"] = generation.usage.credits
            if generation.usage.usd is not None:
                changes["usd"] = generation.usage.usd
        if generation.video_url:
            changes["video_url"] = generation.video_url
        if generation.status.is_terminal:
            changes["finished_at"] = utcnow()
            if generation.status is Status.FAILED:
                reason = generation.error or "The provider reported that this generation failed, without saying why."
                changes["error"] = f"{reason} {GENERATION_FAILED_HINT}"
        updated = self.store.update(job.id, **changes)
        if updated.status == Status.COMPLETED.value and self.on_complete:
            updated = self.on_complete(updated)
        return updated

    def _fail(self, job: Job, message: str) -> Job:
        return self.store.update(job.id, status=Status.FAILED.value, error=message, finished_at=utcnow())
