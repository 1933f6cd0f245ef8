"""The history store's read-side queries: the History page's search, the Spending view's sums, and the
schedule's run-time estimates.

Kept apart from ``store.py`` (writes, leases, the follower's reads): ``JobStore`` inherits these, so callers
still ask the store. Each query reads through ``self.engine`` and never writes.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from videostudio.api.generation import Status
from videostudio.catalogue.pricing import CREDITS_PER_USD
from videostudio.history.record import Job, as_utc, from_row, jobs_table
from videostudio.history.sql import Elapsed, UtcDay, sum_or_zero

__all__ = ["ORDER_KEYS", "JobQueries", "reported_usd"]

# What ``search`` can sort by; "elapsed" is the run time, finished_at - created_at.
ORDER_KEYS = ("created_at", "model_id", "status", "credits", "elapsed", "rating")
# The jobs of one press key looked at to tell whether a press repeats one (videostudio/jobs/intent.py): a person's
# presses of "Generate another" on one form, batches included, stay well below this.
PRESSED_LIMIT = 64


class JobQueries:
    """The store's reads for History, Spending and the schedule; ``JobStore`` supplies the engine."""

    engine: Engine

    def count(self, *, visible: ColumnElement[bool] | None = None) -> int:
        return self.count_matching(visible=visible)

    def search(
        self,
        *,
        model_ids: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        text: str | None = None,
        favourites_only: bool = False,
        min_rating: int | None = None,
        order_by: str = "created_at",
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
        visible: ColumnElement[bool] | None = None,
    ) -> list[Job]:
        """One page of the jobs matching every given filter.

        ``model_ids``/``statuses``: None or empty means any. ``since`` is inclusive, ``until`` exclusive
        (naive datetimes are taken as UTC). ``text`` is a case-insensitive substring of the prompt.
        ``favourites_only`` keeps starred takes; ``min_rating`` those rated at least that (unrated ones never match).
        ``order_by`` is one of ``ORDER_KEYS``; jobs without a value for it (no credits, not finished) come
        last either way, and ties go newest first so pages never overlap. ``visible`` (from
        ``videostudio/team/access.visible_where``) keeps only the jobs one person may see: None is every job.
        """
        if order_by not in ORDER_KEYS:
            raise ValueError(f"order_by must be one of {', '.join(ORDER_KEYS)}, not {order_by!r}")
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError("limit and offset cannot be negative")
        c = jobs_table.c
        key: ColumnElement[Any] = Elapsed(c.finished_at, c.created_at) if order_by == "elapsed" else c[order_by]
        ordering: list[ColumnElement[Any]] = []
        if order_by in ("credits", "elapsed", "rating"):
            # Portable NULLS LAST: false sorts before true on every database.
            ordering.append(key.is_(None))
        ordering.append(key.desc() if descending else key.asc())
        newest_first = descending or order_by != "created_at"
        ordering += [c.created_at.desc(), c.id.desc()] if newest_first else [c.created_at.asc(), c.id.asc()]
        # Find the page's ids first, then read only those rows: sorting needs a few small columns (an
        # index holds them), not every matching job's thumbnail and JSON.
        page = (
            sa.select(c.id)
            .where(*_filters(model_ids, statuses, since, until, text), *_marks(favourites_only, min_rating))
            .where(*_seen(visible))
            .order_by(*ordering)
            .offset(offset or None)
        )
        if limit is not None:
            page = page.limit(limit)
        ids = page.subquery("page")
        return self._jobs(jobs_table.select().join(ids, ids.c.id == c.id).order_by(*ordering))

    def count_matching(
        self,
        *,
        model_ids: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        text: str | None = None,
        favourites_only: bool = False,
        min_rating: int | None = None,
        visible: ColumnElement[bool] | None = None,
    ) -> int:
        """How many jobs ``search`` would find with these filters and no limit."""
        where = [*_filters(model_ids, statuses, since, until, text), *_marks(favourites_only, min_rating)]
        where += _seen(visible)
        query = sa.select(sa.func.count()).select_from(jobs_table).where(*where)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def cost_by_day(
        self,
        since: datetime | None = None,
        *,
        backends: Collection[str] | None = None,
        visible: ColumnElement[bool] | None = None,
    ) -> list[tuple[date, float, float]]:
        """(UTC day, credits, usd) summed over the charged jobs created that day, oldest day first.

        Failed jobs are not charged and count as nothing. ``usd`` is the reported amount, else the credits at
        $1 = 2,000,000 credits. ``backends`` keeps real spending apart from the offline demo's simulated costs.
        """
        c = jobs_table.c
        day = UtcDay(c.created_at).label("day")
        query = sa.select(day, sum_or_zero(c.credits), sum_or_zero(reported_usd())).group_by(day).order_by(day)
        query = _charged(query, backends).where(*_seen(visible))
        if since is not None:
            query = query.where(c.created_at >= as_utc(since))
        with self.engine.connect() as conn:
            return [(_as_date(d), float(credits), float(usd)) for d, credits, usd in conn.execute(query)]

    def cost_by_model(
        self, *, backends: Collection[str] | None = None, visible: ColumnElement[bool] | None = None
    ) -> list[tuple[str, float, float, int]]:
        """(model_id, credits, usd, number of jobs) per model over the jobs that were not failed, the biggest first."""
        c = jobs_table.c
        credits = sum_or_zero(c.credits)
        query = (
            sa.select(c.model_id, credits, sum_or_zero(reported_usd()), sa.func.count())
            .where(*_seen(visible))
            .group_by(c.model_id)
            .order_by(credits.desc(), c.model_id)
        )
        with self.engine.connect() as conn:
            return [(m, float(cr), float(usd), int(n)) for m, cr, usd, n in conn.execute(_charged(query, backends))]

    def recent_costs(self, model_id: str, *, backend: str, limit: int = 20) -> list[float]:
        """What the model's latest ``limit`` completed jobs on ``backend`` cost, in US dollars, newest first."""
        c = jobs_table.c
        dollars = reported_usd()
        query = (
            sa.select(dollars)
            .where(c.model_id == model_id, c.backend == backend, c.status == Status.COMPLETED.value)
            .where(dollars.is_not(None))
            .order_by(c.created_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [float(usd) for (usd,) in conn.execute(query)]

    def last_end_seen(self, backend: str) -> datetime | None:
        """When the studio last recorded the end of a job on ``backend``: a cheap sign that the account's balance
        has changed. Not the latest ``finished_at``: that is when the provider finished, and a job seen ending
        later may have finished earlier."""
        c = jobs_table.c
        query = sa.select(sa.func.max(c.updated_at)).where(c.backend == backend, c.finished_at.is_not(None))
        with self.engine.connect() as conn:
            value = conn.execute(query).scalar()
        return as_utc(value) if value is not None else None

    def median_seconds(
        self,
        model_id: str,
        *,
        backend: str | None = None,
        limit: int = 50,
        params: Mapping[str, Any] | None = None,
        min_matching: int = 3,
    ) -> float | None:
        """Median run time of the model's latest ``limit`` completed jobs; None without any (no ETA then)."""
        runs = self.run_seconds(model_id, backend=backend, limit=limit, params=params, min_matching=min_matching)
        return statistics.median(runs) if runs else None

    def run_seconds(
        self,
        model_id: str,
        *,
        backend: str | None = None,
        limit: int = 50,
        params: Mapping[str, Any] | None = None,
        min_matching: int = 3,
    ) -> list[float]:
        """Run times (submit to finish at the provider) of the model's latest ``limit`` completed jobs, newest first.

        ``backend`` keeps offline demo runs (seconds) from predicting real API runs (minutes), and back.
        ``params`` (say duration and resolution) narrows it to the runs sent with the same values, when the
        history has at least ``min_matching`` of them; otherwise every run of the model counts.
        """
        c = jobs_table.c
        wanted = {k: v for k, v in (params or {}).items() if v is not None}
        columns = [c.created_at, c.finished_at] + ([c.params] if wanted else [])
        query = (
            sa.select(*columns)
            .where(c.model_id == model_id, c.status == Status.COMPLETED.value, c.finished_at.is_not(None))
            .order_by(c.created_at.desc())
            .limit(limit * 4 if wanted else limit)
        )
        if backend is not None:
            query = query.where(c.backend == backend)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        if wanted:
            same = [r for r in rows if _params_match(r[2], wanted)]
            rows = same if len(same) >= min_matching else rows
        # Computed here over at most ``limit`` rows: cheaper than any portable SQL for a median or a quantile.
        return [max(0.0, (as_utc(row[1]) - as_utc(row[0])).total_seconds()) for row in rows[:limit]]

    def batch_members(
        self, batch_ids: Collection[str], *, visible: ColumnElement[bool] | None = None
    ) -> dict[str, list[Job]]:
        """The jobs of each of ``batch_ids``, in the order they were sent (their submit times)."""
        if not batch_ids:
            return {}
        c = jobs_table.c
        members: dict[str, list[Job]] = {batch_id: [] for batch_id in batch_ids}
        query = jobs_table.select().where(c.batch_id.in_(list(batch_ids)), *_seen(visible))
        query = query.order_by(c.created_at, c.id)
        for job in self._jobs(query):
            members[job.batch_id or ""].append(job)
        return members

    def pressed(
        self, press_key: str, limit: int = PRESSED_LIMIT, *, visible: ColumnElement[bool] | None = None
    ) -> list[Job]:
        """The newest ``limit`` jobs sent with ``press_key`` (these settings, from one browser), newest first."""
        c = jobs_table.c
        query = jobs_table.select().where(c.press_key == press_key, *_seen(visible))
        return self._jobs(query.order_by(c.created_at.desc(), c.id.desc()).limit(limit))

    def children_of(self, job_id: str, *, visible: ColumnElement[bool] | None = None) -> list[Job]:
        """The jobs that continue ``job_id`` ("Continue from here" recorded it as their parent), oldest first."""
        c = jobs_table.c
        query = jobs_table.select().where(c.parent_id == job_id, *_seen(visible))
        return self._jobs(query.order_by(c.created_at.asc(), c.id.asc()))

    def _jobs(self, query: sa.Select[Any]) -> list[Job]:
        with self.engine.connect() as conn:
            return [from_row(r) for r in conn.execute(query).mappings()]


def _seen(visible: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    # One person's view of the history (videostudio/team/access.visible_where); None: every job.
    return [] if visible is None else [visible]


def reported_usd() -> ColumnElement[float]:
    """What a job cost in dollars as the API reported it (NULL: not reported)."""
    # The dollars the API reported, else the credits at the fixed rate (catalogue_and_billing.md §3).
    c = jobs_table.c
    return sa.func.coalesce(c.usd, c.credits / float(CREDITS_PER_USD))


def _charged(query: sa.Select[Any], backends: Collection[str] | None) -> sa.Select[Any]:
    """Only the jobs that may cost something: a failed generation is billed nothing."""
    c = jobs_table.c
    query = query.where(c.status != Status.FAILED.value)
    return query.where(c.backend.in_(list(backends))) if backends is not None else query


def _filters(
    model_ids: Sequence[str] | None,
    statuses: Sequence[str] | None,
    since: datetime | None,
    until: datetime | None,
    text: str | None,
) -> list[ColumnElement[bool]]:
    c = jobs_table.c
    where: list[ColumnElement[bool]] = []
    if model_ids:
        where.append(c.model_id.in_(_values(model_ids)))
    if statuses:
        where.append(c.status.in_(_values(statuses)))
    if since is not None:
        where.append(c.created_at >= as_utc(since))
    if until is not None:
        where.append(c.created_at < as_utc(until))
    if text and text.strip():
        # ilike is ILIKE on PostgreSQL and lower() LIKE lower() elsewhere; % and _ typed are literal.
        pattern = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(c.prompt.ilike(f"%{pattern}%", escape="\\"))
    return where


def _marks(favourites_only: bool, min_rating: int | None) -> list[ColumnElement[bool]]:
    # Kept apart from _filters: the take's star and rating (revision 0009), History's "favourites" and "rated" filters.
    c = jobs_table.c
    where: list[ColumnElement[bool]] = []
    if favourites_only:
        where.append(c.favourite.is_(True))
    if min_rating:
        where.append(c.rating >= int(min_rating))
    return where


def _values(values: Sequence[str]) -> list[str]:
    # A lone string is a sequence of characters; take it as the one value it was meant to be.
    return [values] if isinstance(values, str) else list(values)


def _params_match(params_json: str | None, wanted: Mapping[str, Any]) -> bool:
    try:
        params = json.loads(params_json or "{}")
    except ValueError:
        return False
    return isinstance(params, dict) and all(str(params.get(k)) == str(v) for k, v in wanted.items())


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
