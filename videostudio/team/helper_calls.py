"""Helper calls and spending limits: a billed call of a helper model (speech, prompt help, music, a picture) is
checked against the person's limits and recorded before it is sent, and settled at its cost after its answer.

The rules and words are a press's (``limits.refusal``): the call's estimate counts, with what the person's jobs and
other helper calls count for today and this month (``spending.spent_in``). The check and the row are one write
transaction under the same per-person lock as a press (``spending.hold_person``), so two tabs can't both pass a limit
only one fits. A call whose cost is not known yet (no answer, a lost one, a failure after the request left) counts at
its estimate, like a running job: the studio never counts less than may have been billed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from videostudio.catalogue.assist import ASSIST_KINDS
from videostudio.history.record import helper_calls_table, utcnow
from videostudio.history.store import JobStore
from videostudio.team.limits import PressCost
from videostudio.team.people import Person
from videostudio.team.spending import press_refusal


@dataclass(frozen=True)
class HelperCallStart:
    """A helper call checked before it is sent: recorded (its row's id), or refused (why, in words; nothing sent)."""

    call_id: str | None = None
    refused: str | None = None


def record_helper_call(
    store: JobStore,
    person: Person,
    *,
    kind: str,
    model: str,
    client_request_id: str,
    estimate_usd: float | None,
    backend: str,
    now: datetime | None = None,
) -> HelperCallStart:
    """Record one helper call of ``person`` on ``backend``, unless it may not be sent: then nothing is recorded and
    the refusal says why. ``estimate_usd``: the price shown before the call (None: not known, refused under a limit)."""
    if kind not in ASSIST_KINDS:
        raise ValueError(f"unknown helper kind: {kind}")
    call_id = uuid.uuid4().hex
    row = {
        "id": call_id,
        "owner": person.owner,
        "backend": backend,
        "kind": kind,
        "model": model,
        "client_request_id": client_request_id,
        "estimate_usd": estimate_usd,
        "cost_usd": None,
        "created_at": now or utcnow(),
    }

    def work(conn: Connection) -> str | None:
        reason = press_refusal(conn, person, PressCost(estimate_usd), backend=backend, now=now)
        if reason is None:
            conn.execute(helper_calls_table.insert().values(**row))
        return reason

    refused = store.write(work)
    return HelperCallStart(refused=refused) if refused is not None else HelperCallStart(call_id=call_id)


def settle_helper_call(store: JobStore, call_id: str, cost_usd: float | None) -> None:
    """After the answer: the call counts for ``cost_usd`` (the reply's usd_spent), or for its estimate when the reply
    reported none."""
    c = helper_calls_table.c
    value = cost_usd if cost_usd is not None else c.estimate_usd
    store.write(lambda conn: conn.execute(helper_calls_table.update().where(c.id == call_id).values(cost_usd=value)))


@dataclass(frozen=True)
class HelperSpending:
    """The helper calls of one person on one backend (a film's narration and music, made after its press)."""

    store: JobStore
    person: Person
    backend: str

    def record(self, kind: str, model: str, client_request_id: str, estimate_usd: float | None) -> HelperCallStart:
        return record_helper_call(
            self.store,
            self.person,
            kind=kind,
            model=model,
            client_request_id=client_request_id,
            estimate_usd=estimate_usd,
            backend=self.backend,
        )

    def settle(self, call_id: str, cost_usd: float | None) -> None:
        settle_helper_call(self.store, call_id, cost_usd)
