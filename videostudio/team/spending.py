"""What each person has spent, and the press that records its jobs only if it fits their limits.

A job counts for what it cost: finished, its actual cost as the API reported it (a failed job costs nothing; a
finished one the API reported no cost for counts its estimate); still running or waiting, the estimate the studio
showed before the press (``jobs.estimate_usd``), or its actual cost once known when that is higher. Each backend is
counted apart, like History's Spending: the offline demo's simulated dollars never eat into a real limit, and a
team trying the studio on the demo sees its limits work. A helper call (speech, prompt help, music, a picture:
``helper_calls.py``) counts too: at its cost once settled, at its estimate until then.

``record_press`` checks and records in one write transaction that is serialised per person: on PostgreSQL a
transaction-scoped advisory lock named after the person, on SQLite the database's write lock (the store begins
every write with ``BEGIN IMMEDIATE``), so what it reads can't change before its jobs are in. Two presses from two
tabs can't both pass a limit that only one fits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from videostudio.history.queries import reported_usd
from videostudio.history.record import (
    ACTIVE_STATUSES,
    Job,
    JobKind,
    JobStatus,
    as_utc,
    from_row,
    helper_calls_table,
    jobs_table,
    utcnow,
)
from videostudio.history.store import JobStore
from videostudio.team.limits import PressCost, Spent, has_limit, refusal
from videostudio.team.people import Person

# An actual cost is "over the estimate" past this (prices are given to the hundredth of a cent).
OVER_ESTIMATE_SLACK_USD = 0.00005
# Jobs over their estimate listed at a time (the Team page): the newest.
OVER_ESTIMATE_LIMIT = 100
# Kinds of history rows a backend ran (joined clips were made on this computer: no cost, not a job sent).
_SENT_KINDS = [kind.value for kind in JobKind if kind.was_sent]


@dataclass(frozen=True)
class PersonSpending:
    """One person's spending on some backends: today, this month (UTC) and in total."""

    owner: str | None  # their email; None: jobs of the studio before sign-in was configured
    today: float
    month: float
    total: float
    jobs: int  # jobs that count (failed ones left out); helper calls count in the dollars, not here


def period_starts(now: datetime) -> tuple[datetime, datetime]:
    """The start of ``now``'s UTC day and of its UTC month."""
    now = as_utc(now)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day.replace(day=1)


def counted_usd() -> ColumnElement[float]:
    """What one job counts for, in dollars (see the module's docstring)."""
    c = jobs_table.c
    actual = reported_usd()
    known, estimate = sa.func.coalesce(actual, 0.0), sa.func.coalesce(c.estimate_usd, 0.0)
    return sa.case(
        (c.status == JobStatus.FAILED.value, 0.0),
        (c.status.in_(ACTIVE_STATUSES), sa.case((known > estimate, known), else_=estimate)),
        else_=sa.func.coalesce(actual, c.estimate_usd, 0.0),
    )


def _whose(owner_column: ColumnElement[str | None], owner: str | None) -> ColumnElement[bool]:
    return owner_column.is_(None) if owner is None else owner_column == owner


def _sum(amount: ColumnElement[float]) -> ColumnElement[float]:
    """The sum of ``amount`` over the rows read (0.0 over none)."""
    return sa.func.coalesce(sa.func.sum(amount), 0.0)


def _sum_since(
    amount: ColumnElement[float], created_at: ColumnElement[datetime], since: datetime
) -> ColumnElement[float]:
    """The sum of ``amount`` over the rows created at ``since`` or later (0.0 over none)."""
    return _sum(sa.case((created_at >= since, amount), else_=0.0))


def spent_in(conn: Connection, owner: str | None, backend: str, now: datetime) -> Spent:
    """What ``owner``'s jobs on ``backend`` count for today and this month, read on ``conn`` (in its transaction)."""
    c = jobs_table.c
    day, month = period_starts(now)
    counted = counted_usd()
    query = sa.select(_sum_since(counted, c.created_at, day), _sum(counted)).where(
        _whose(c.owner, owner), c.backend == backend, c.created_at >= month
    )
    today, this_month = conn.execute(query).one()
    h = helper_calls_table.c
    helper = helper_usd()
    helpers = sa.select(_sum_since(helper, h.created_at, day), _sum(helper)).where(
        _whose(h.owner, owner), h.backend == backend, h.created_at >= month
    )
    helper_today, helper_month = conn.execute(helpers).one()
    return Spent(today=float(today) + float(helper_today), month=float(this_month) + float(helper_month))


def helper_usd() -> ColumnElement[float]:
    """What one helper call counts for, in dollars: its cost once known, else its estimate."""
    h = helper_calls_table.c
    return sa.func.coalesce(h.cost_usd, h.estimate_usd, 0.0)


def spent(store: JobStore, person: Person, backend: str, now: datetime | None = None) -> Spent:
    with store.engine.connect() as conn:
        return spent_in(conn, person.owner, backend, now or utcnow())


def _lock_key(owner: str | None) -> int:
    # A signed 64-bit number named after the person: PostgreSQL's advisory locks are keyed by one.
    digest = hashlib.sha256(f"videostudio spending {owner or ''}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def hold_person(conn: Connection, owner: str | None) -> None:
    """Serialise this transaction with every other of the same person's presses, until it ends.

    SQLite needs nothing more: a write transaction there holds the database's write lock from its first statement.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(owner))))


def record_press(
    store: JobStore,
    person: Person,
    jobs: Sequence[Job],
    cost: PressCost,
    *,
    backend: str,
    now: datetime | None = None,
) -> str | None:
    """Record the jobs of one press, unless it may not be sent: then nothing is recorded and the reason is returned.

    The check reads the person's spending inside the transaction that inserts the jobs (``JobStore.add_unless``).
    """

    return store.add_unless(jobs, lambda conn: press_refusal(conn, person, cost, backend=backend, now=now))


def press_refusal(
    conn: Connection, person: Person, cost: PressCost, *, backend: str, now: datetime | None = None
) -> str | None:
    """Inside the transaction that records a press's jobs: why it may not be sent (None: it may). Holds the person's
    lock until that transaction ends, so what it read can't change before the jobs are in."""
    if not has_limit(person):
        return refusal(person, cost, Spent())  # only a role that may not generate is refused
    hold_person(conn, person.owner)
    return refusal(person, cost, spent_in(conn, person.owner, backend, now or utcnow()))


def spending_per_person(
    store: JobStore, backends: Collection[str], now: datetime | None = None
) -> list[PersonSpending]:
    """Each person's spending on ``backends``, the most spent this month first."""
    c = jobs_table.c
    day, month = period_starts(now or utcnow())
    counted = counted_usd()
    query = (
        sa.select(
            c.owner,
            _sum_since(counted, c.created_at, day),
            _sum_since(counted, c.created_at, month),
            _sum(counted),
            sa.func.count(),
        )
        .where(c.backend.in_(list(backends)), c.status != JobStatus.FAILED.value, c.kind.in_(_SENT_KINDS))
        .group_by(c.owner)
    )
    h = helper_calls_table.c
    helper = helper_usd()
    helpers = (
        sa.select(
            h.owner,
            _sum_since(helper, h.created_at, day),
            _sum_since(helper, h.created_at, month),
            _sum(helper),
            sa.literal(0),
        )
        .where(h.backend.in_(list(backends)))
        .group_by(h.owner)
    )
    people: dict[str | None, PersonSpending] = {}
    with store.engine.connect() as conn:
        for owner, today, this_month, total, count in [*conn.execute(query), *conn.execute(helpers)]:
            was = people.get(owner, PersonSpending(owner, 0.0, 0.0, 0.0, 0))
            people[owner] = PersonSpending(
                owner,
                was.today + float(today),
                was.month + float(this_month),
                was.total + float(total),
                was.jobs + int(count),
            )
    rows = list(people.values())
    return sorted(rows, key=lambda row: (-row.month, -row.total, row.owner or ""))


def over_estimate(
    store: JobStore, backends: Collection[str], *, owner: str | None = None, limit: int = OVER_ESTIMATE_LIMIT
) -> list[Job]:
    """Finished jobs whose actual cost went over the estimate shown before the press, newest first.

    ``owner``: one person's only (None: everyone's).
    """
    c = jobs_table.c
    actual = reported_usd()
    query = jobs_table.select().where(
        c.backend.in_(list(backends)),
        c.status == JobStatus.COMPLETED.value,
        c.estimate_usd.is_not(None),
        actual > c.estimate_usd + OVER_ESTIMATE_SLACK_USD,
    )
    if owner is not None:
        query = query.where(c.owner == owner)
    query = query.order_by(c.created_at.desc(), c.id.desc()).limit(limit)
    with store.engine.connect() as conn:
        return [from_row(row) for row in conn.execute(query).mappings()]
