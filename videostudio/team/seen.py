"""The history as one person sees it: every read the pages make, filtered by the database with ``access``'s rules.

Pages, the sidebar, Compare and the notifications read jobs through ``SeenJobs`` instead of the store, so no list,
count, sum or link ever holds a job its person may not view. The condition is ``access.visible_where`` (SQL
``owner = :me OR shared``; none for a role that sees everyone's work): a History of 10,000 jobs stays one indexed
query, never everything loaded and filtered here. Writes (delete, share) go to the store, after ``can_change``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from videostudio.history.queries import PRESSED_LIMIT
from videostudio.history.store import Job, JobStore
from videostudio.team.access import can_change, can_view, owned_where, visible_where
from videostudio.team.people import Person


class SeenJobs:
    """The reads of ``JobStore`` that pages use, limited to the jobs ``person`` may view (None: a browser that is
    not signed in, or not a member: no job at all)."""

    def __init__(self, store: JobStore, person: Person | None) -> None:
        self.store = store
        self.person = person
        self._visible = visible_where(person)
        self._owned = owned_where(person)

    @property
    def everyones(self) -> bool:
        """True when nothing is filtered out (an admin, the one person of a studio without sign-in)."""
        return self._visible is None

    def may_view(self, job: Job) -> bool:
        return self.person is not None and can_view(self.person, job)

    def may_change(self, job: Job) -> bool:
        return self.person is not None and can_change(self.person, job)

    def get(self, job_id: str) -> Job | None:
        """The job, or None when there is none or it isn't this person's to view: the two look the same, so a
        link never confirms that an id exists."""
        job = self.store.get(job_id) if job_id else None
        return job if job is not None and self.may_view(job) else None

    def count(self) -> int:
        return self.store.count(visible=self._visible)

    def search(self, **filters: Any) -> list[Job]:
        """``JobStore.search`` (its filters, order and page), among the jobs this person may view."""
        return self.store.search(**filters, visible=self._visible)

    def count_matching(self, **filters: Any) -> int:
        """``JobStore.count_matching`` among the jobs this person may view."""
        return self.store.count_matching(**filters, visible=self._visible)

    def cost_by_day(
        self, since: datetime | None = None, *, backends: Collection[str] | None = None
    ) -> list[tuple[date, float, float]]:
        """What this person spent per day: their own jobs (everyone's for an admin), never a job only shared."""
        return self.store.cost_by_day(since, backends=backends, visible=self._owned)

    def cost_by_model(self, *, backends: Collection[str] | None = None) -> list[tuple[str, float, float, int]]:
        """What this person spent per model, their own jobs only (everyone's for an admin)."""
        return self.store.cost_by_model(backends=backends, visible=self._owned)

    def list(self, *, limit: int | None = None, model_id: str | None = None) -> list[Job]:
        return self.store.list(limit=limit, model_id=model_id, visible=self._visible)

    def active(self) -> list[Job]:
        return self.store.active(visible=self._visible)

    def active_stamp(self) -> frozenset[tuple[str, str, datetime]]:
        """``JobStore.active_stamp`` of the running jobs this person sees: equal stamps, equal ``active()``."""
        return self.store.active_stamp(visible=self._visible)

    def batch_members(self, batch_ids: Collection[str]) -> dict[str, list[Job]]:
        return self.store.batch_members(batch_ids, visible=self._visible)

    def children_of(self, job_id: str) -> list[Job]:
        return self.store.children_of(job_id, visible=self._visible)

    def pressed(self, press_key: str, limit: int = PRESSED_LIMIT) -> list[Job]:
        return self.store.pressed(press_key, limit, visible=self._visible)

    def median_seconds(self, model_id: str, *, backend: str | None = None) -> float | None:
        # A run-time estimate from the model's runs, anyone's: a duration, not a person's work.
        return self.store.median_seconds(model_id, backend=backend)

    def share(self, job: Job, shared: bool) -> Job | None:
        """Share the job with the team (viewing only), or stop; None when this person may not change it."""
        if not self.may_change(job):
            return None
        return self.store.update(job.id, shared=shared)
