"""Films kept in the history's database (revision 0011), and what was made for each of their parts.

A film is one row, its body JSON (``Film.body``); it is saved as the person edits. ``film_parts`` remembers what was
made for a part (a shot's video job, a narration, the music, the assembled film) by the fingerprint of what it was
made from (``videostudio/films/plan.py``). A part's row is written *before* anything is sent (``claim``): the primary
key (film, part, fingerprint) lets one claim win, so a page and the follower (or two replicas) advancing the same film
never send a part twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from videostudio.films.film import Film, FilmError, checked_title
from videostudio.history.record import Job, as_utc, film_parts_table, films_table, utcnow
from videostudio.history.sql import json_object, json_text
from videostudio.history.store import JobStore
from videostudio.team.people import Person


class PartStatus:
    """Where a part is: claimed and on its way, waiting for its maker, made, or failed (its error in words)."""

    SENDING = "sending"
    WAITING = "waiting"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Part:
    """What was made (or is being made) for one part of a film, from the settings of one fingerprint."""

    film_id: str
    part: str  # "shot:<id>", "narration:<id>", "music" or "film"
    fingerprint: str
    status: str
    job_id: str | None = None
    generation_id: str | None = None
    client_request_id: str | None = None
    media_key: str | None = None
    seconds: float | None = None
    usd: float | None = None
    error: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.status == PartStatus.DONE

    @property
    def failed(self) -> bool:
        return self.status == PartStatus.FAILED


@dataclass(frozen=True)
class Making:
    """A film being made: since when Make the film was pressed, the backend its shots go to, and what it may make."""

    since: datetime
    backend: str
    confirmed: frozenset[str] = frozenset()  # the parts that press priced and confirmed (plan.confirmation)


PartKey = tuple[str, str]  # (part, fingerprint)


def shot_part(shot_id: str) -> str:
    return f"shot:{shot_id}"


def narration_part(shot_id: str) -> str:
    return f"narration:{shot_id}"


# Why a part was not recorded: another process (the follower, another tab) claimed it first, and is making it.
ALREADY_CLAIMED = "already claimed"
MUSIC_PART = "music"
FILM_PART = "film"


class FilmStore:
    """Reads and writes films and their parts, through the history's store."""

    def __init__(self, store: JobStore) -> None:
        self.store = store

    # --- Films --------------------------------------------------------------------------------------------------------

    def create(self, title: str, owner: str | None) -> Film:
        film = Film(owner=owner, title=checked_title(title))
        now = utcnow()
        row = {"id": film.id, "owner": owner, "title": film.title, "body": json_text(film.body()), "shared": False}
        self.store.write(lambda conn: conn.execute(films_table.insert().values(**row, created_at=now, updated_at=now)))
        return film

    def add(self, film: Film) -> Film:
        """Keep a whole film as a new row (an imported one)."""
        now = utcnow()
        row = {"id": film.id, "owner": film.owner, "title": checked_title(film.title), "body": json_text(film.body())}
        statement = films_table.insert().values(**row, shared=film.shared, created_at=now, updated_at=now)
        self.store.write(lambda conn: conn.execute(statement))
        return film

    def save(self, film: Film) -> Film:
        """Keep ``film``'s title, shots and music as they are now (saved as you go); a deleted film stays deleted."""
        values = {"title": checked_title(film.title), "body": json_text(film.body()), "updated_at": utcnow()}
        statement = films_table.update().where(films_table.c.id == film.id).values(**values)
        changed = self.store.write(lambda conn: conn.execute(statement).rowcount)
        if not changed:
            raise FilmError("This film was deleted meanwhile, so it could not be saved.")
        return film

    def get(self, film_id: str) -> Film | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(films_table.select().where(films_table.c.id == film_id)).mappings().first()
        return _film(row) if row is not None else None

    def films(self, person: Person) -> list[Film]:
        """The films ``person`` may open (``team/access.can_view``: their own, the shared ones, or all), last changed
        first."""
        c = films_table.c
        query = films_table.select().order_by(c.updated_at.desc(), c.id)
        if not person.sheet.sees_everyones_work:
            mine = c.owner == person.owner if person.owner else sa.false()
            query = query.where(sa.or_(mine, c.shared.is_(True)))
        with self.store.engine.connect() as conn:
            return [_film(row) for row in conn.execute(query).mappings()]

    def set_shared(self, film_id: str, shared: bool) -> None:
        statement = films_table.update().where(films_table.c.id == film_id).values(shared=bool(shared))
        self.store.write(lambda conn: conn.execute(statement))

    def delete(self, film_id: str) -> None:
        """The film and its parts' records (the jobs it made stay in History, as the film made from them does)."""

        def work(conn: Connection) -> None:
            conn.execute(film_parts_table.delete().where(film_parts_table.c.film_id == film_id))
            conn.execute(films_table.delete().where(films_table.c.id == film_id))

        self.store.write(work)

    # --- Making -------------------------------------------------------------------------------------------------------

    def start_making(self, film_id: str, backend: str, confirmed: Iterable[str]) -> None:
        """Make the film was pressed: make the ``confirmed`` parts (``plan.confirmation``) on ``backend``."""
        values = {
            "making_since": utcnow(),
            "making_backend": backend,
            "making_parts": json_text(sorted(set(confirmed))),
        }
        statement = films_table.update().where(films_table.c.id == film_id).values(**values)
        self.store.write(lambda conn: conn.execute(statement))

    def stop_making(self, film_id: str) -> None:
        statement = films_table.update().where(films_table.c.id == film_id).values(making_since=None, making_parts=None)
        self.store.write(lambda conn: conn.execute(statement))

    def making(self, film_id: str) -> Making | None:
        c = films_table.c
        query = sa.select(c.making_since, c.making_backend, c.making_parts).where(c.id == film_id)
        with self.store.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row[0] is None:
            return None
        confirmed = json.loads(row[2] or "[]")
        return Making(as_utc(row[0]), str(row[1] or ""), frozenset(str(c) for c in confirmed))

    def being_made(self) -> list[str]:
        """The ids of the films being made, oldest press first: what the follower advances."""
        c = films_table.c
        query = sa.select(c.id).where(c.making_since.is_not(None)).order_by(c.making_since)
        with self.store.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    # --- Parts --------------------------------------------------------------------------------------------------------

    def parts(self, film_id: str) -> dict[PartKey, Part]:
        query = film_parts_table.select().where(film_parts_table.c.film_id == film_id)
        with self.store.engine.connect() as conn:
            return {(p.part, p.fingerprint): p for p in (_part(row) for row in conn.execute(query).mappings())}

    def part(self, film_id: str, part: str, fingerprint: str) -> Part | None:
        return self.parts(film_id).get((part, fingerprint))

    def claim(self, film_id: str, part: str, fingerprint: str, **fields: Any) -> bool:
        """Write the part's row before it is made; False when another claim for the same settings came first."""
        return self.claim_many(film_id, [(part, fingerprint, fields)])

    def claim_many(self, film_id: str, claims: Iterable[tuple[str, str, dict[str, Any]]]) -> bool:
        """Claim several parts in one transaction: all of them, or (one is already claimed) none."""
        rows = _claim_rows(film_id, claims)
        if not rows:
            return True
        try:
            self.store.write(lambda conn: conn.execute(film_parts_table.insert(), rows))
        except sa.exc.IntegrityError:
            return False
        return True

    def record_shots(
        self,
        film_id: str,
        jobs: Sequence[Job],
        claims: Iterable[tuple[str, str, dict[str, Any]]],
        refuse: Callable[[Connection], str | None],
    ) -> str | None:
        """Record the shots' jobs and claim their parts in one transaction, unless ``refuse`` (a spending limit, run
        first in it) gives a reason; ``ALREADY_CLAIMED`` when another process claimed one of them first. Either way,
        nothing is recorded then."""
        rows = _claim_rows(film_id, claims)

        def refuse_or_claim(conn: Connection) -> str | None:
            reason = refuse(conn)
            if reason is None and rows:
                conn.execute(film_parts_table.insert(), rows)
            return reason

        try:
            return self.store.add_unless(jobs, refuse_or_claim)
        except sa.exc.IntegrityError:
            return ALREADY_CLAIMED

    def update_part(self, film_id: str, part: str, fingerprint: str, **changes: Any) -> None:
        c = film_parts_table.c
        statement = (
            film_parts_table.update()
            .where(c.film_id == film_id, c.part == part, c.fingerprint == fingerprint)
            .values(**changes, updated_at=utcnow())
        )
        self.store.write(lambda conn: conn.execute(statement))

    def forget_part(self, film_id: str, part: str, fingerprint: str) -> None:
        """Drop a part's record (a failed part pressed again; a claim given back): it is not made for now."""
        c = film_parts_table.c
        statement = film_parts_table.delete().where(c.film_id == film_id, c.part == part, c.fingerprint == fingerprint)
        self.store.write(lambda conn: conn.execute(statement))

    def film_of_job(self, job_id: str) -> tuple[str, str] | None:
        """(film id, part) of the film part a job made, if it made one."""
        c = film_parts_table.c
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(c.film_id, c.part).where(c.job_id == job_id)).first()
        return (str(row[0]), str(row[1])) if row is not None else None


def _film(row: Any) -> Film:
    body = json_object(row["body"])
    return Film.from_dict({**body, "id": row["id"], "owner": row["owner"], "shared": bool(row["shared"])})


def _part(row: Any) -> Part:
    values = {name: row[name] for name in Part.__dataclass_fields__}
    for name in ("created_at", "updated_at"):
        if values[name] is not None:
            values[name] = as_utc(values[name])
    return Part(**values)


def _claim_rows(film_id: str, claims: Iterable[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rows that claim parts: each written as being sent, with the claim's own fields."""
    now = utcnow()
    return [
        {"film_id": film_id, "part": part, "fingerprint": fingerprint, "status": PartStatus.SENDING}
        | fields
        | {"created_at": now, "updated_at": now}
        for part, fingerprint, fields in claims
    ]
