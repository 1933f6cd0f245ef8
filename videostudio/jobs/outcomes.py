"""What the job service records: the changes one poll makes to a job, and what became of its finished video.

Both are typed so that what moves between the service's steps (``_record``, ``_complete``, ``_write``) and
between the library and the service names its fields. The library copies a video and hands back a
``KeptVideo`` or a ``KeepFailed``; only the service writes them to the store (``JobService.record_kept``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

from videostudio.api.generation import Generation, Status
from videostudio.history.store import Job, JobStore, utcnow
from videostudio.jobs.schedule import finish_estimate
from videostudio.storage.base import MediaStorage
from videostudio.storage.names import delete_media

# The provider's own words say what went wrong; this says what to do next. The API does not charge
# for failed generations (fact sheet, billing), which is worth saying to someone about to retry.
GENERATION_FAILED_HINT = (
    "Check the image, audio and settings, then press Generate again; failed generations are not charged. "
    "If it keeps failing, contact AI/ML API support at help@aimlapi.com."
)


class _Unset(Enum):
    UNSET = "unset"


# A field a poll leaves as it is (None is a value: ``error=None`` clears an error).
UNSET: Final = _Unset.UNSET
Unset: TypeAlias = Literal[_Unset.UNSET]


@dataclass(frozen=True)
class PollChanges:
    """The fields of a job one poll, lookup or failure changes; those left ``UNSET`` stay as stored."""

    status: str | Unset = UNSET
    raw_status: str | None | Unset = UNSET
    error: str | None | Unset = UNSET
    poll_failures: int | Unset = UNSET
    generation_id: str | Unset = UNSET
    credits: float | Unset = UNSET
    usd: float | Unset = UNSET
    video_url: str | Unset = UNSET
    finished_at: datetime | Unset = UNSET
    next_poll_at: datetime | None | Unset = UNSET

    def fields(self) -> dict[str, Any]:
        """The changed fields, by name, as ``JobStore.update`` takes them."""
        changed = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        return {name: value for name, value in changed.items() if value is not UNSET}


def answer_changes(job: Job, generation: Generation, *, first: bool, polled_at: datetime) -> PollChanges:
    """What an answer of the API (the submit's, ``first``, or a poll's sent at ``polled_at``) changes on ``job``.

    The next poll's time is the service's to add (it depends on the schedule); everything else is here.
    """
    changes = PollChanges(
        status=generation.status.value,
        raw_status=generation.raw_status,
        error=generation.error,
        poll_failures=0,
        generation_id=generation.id if first else UNSET,
        video_url=generation.video_url or UNSET,
        **_costs(job, generation),
    )
    if not generation.status.is_terminal:
        return changes
    # When the provider finished, as near as the polls tell: the run time the schedule learns from. The last
    # write to a running job is its last poll's answer (or a later write, which only errs late).
    finished_at = utcnow() if first else finish_estimate(job.updated_at, polled_at)
    if generation.status is not Status.FAILED:
        return dataclasses.replace(changes, finished_at=finished_at)
    reason = generation.error or "The provider reported that this generation failed, without saying why."
    return dataclasses.replace(changes, finished_at=finished_at, error=f"{reason} {GENERATION_FAILED_HINT}")


def _costs(job: Job, generation: Generation) -> dict[str, float]:
    """The cost an answer tells, as ``PollChanges`` fields (none when it tells none)."""
    usage = generation.usage
    costs: dict[str, float] = {}
    if usage:
        # A cost header of 0 on a poll is that poll's price, not the job's: it never erases a recorded cost.
        if usage.credits is not None and not (usage.by_header and usage.credits == 0 and job.credits):
            costs["credits"] = usage.credits
        if usage.usd is not None and not (usage.by_header and usage.usd == 0 and job.usd):
            costs["usd"] = usage.usd
    return costs


@dataclass(frozen=True)
class KeptVideo:
    """A finished video kept in the studio's media storage: its key, its size and length, and its poster's key.

    ``storage`` is where they were put, so a copy no job points at can be removed again (``discard``).
    """

    local_path: str | Path  # the video's storage key (videostudio/storage/names.py)
    video_bytes: int
    video_seconds: float
    poster_path: str | Path  # the poster's storage key
    storage: MediaStorage | None = field(default=None, compare=False, repr=False)

    def fields(self) -> dict[str, Any]:
        return {
            "local_path": str(self.local_path),
            "video_bytes": self.video_bytes,
            "video_seconds": self.video_seconds,
            "poster_path": str(self.poster_path),
        }

    def discard(self) -> None:
        """Remove the media of a copy no job points at (its job was deleted while the video downloaded)."""
        if self.storage is not None:
            delete_media(self.storage, str(self.local_path))
            delete_media(self.storage, str(self.poster_path))


@dataclass(frozen=True)
class KeepFailed:
    """An attempt at copying a finished video that failed: the job keeps its link, and the attempt is counted."""

    reason: str


# What the library did with a finished job's video; None: nothing was tried (no link, or a copy already under way).
KeepOutcome: TypeAlias = KeptVideo | KeepFailed | None


def write_kept(store: JobStore, job: Job, outcome: KeepOutcome) -> Job:
    """``JobService.record_kept``: ``outcome`` written to ``job``, which is returned as stored."""
    try:
        if isinstance(outcome, KeptVideo):
            return store.update(job.id, **outcome.fields())
        current = store.get(job.id) if isinstance(outcome, KeepFailed) else None
        if current is not None:
            return store.update(job.id, download_attempts=(current.download_attempts or 0) + 1)
    except KeyError:  # the job was deleted while its video downloaded
        if isinstance(outcome, KeptVideo):
            outcome.discard()  # nothing should point at these files
    return job
