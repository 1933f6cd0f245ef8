"""Boards and their takes, kept in the history's database (revision 0009), and each take's star and rating.

A board is a titled selection of takes in an order of its own, with a note per take; a take sits on a board once,
on as many boards as wanted. Takes deleted from the history drop off every board (items are read joined to the
jobs that still exist).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from videostudio.history.record import Job, as_utc, board_items_table, boards_table, from_row, jobs_table, utcnow
from videostudio.history.store import JobStore

TITLE_CHARS = 120
NOTE_CHARS = 1000
RATINGS = (1, 2, 3, 4, 5)


class BoardError(ValueError):
    """A board change that can't be made, in words for the person who asked."""


@dataclass(frozen=True)
class Board:
    """One row of the boards table."""

    id: str
    title: str
    owner: str | None
    created_at: datetime
    updated_at: datetime
    share_token: str
    shared: bool = False


@dataclass(frozen=True)
class BoardItem:
    """A take on a board: the job, its place (0 first) and the note written for it."""

    job: Job
    position: int
    note: str = ""


def checked_title(title: str) -> str:
    cleaned = " ".join((title or "").split())
    if not cleaned:
        raise BoardError("Give the board a title, such as “Client pitch, 12 Dec”.")
    if len(cleaned) > TITLE_CHARS:
        raise BoardError(f"A board's title can be at most {TITLE_CHARS} characters.")
    return cleaned


def checked_rating(rating: int | None) -> int | None:
    if rating is not None and rating not in RATINGS:
        raise BoardError("A rating is 1 to 5 stars.")
    return rating


class BoardStore:
    """Reads and writes boards, their takes and the takes' marks, through the history's store."""

    def __init__(self, store: JobStore) -> None:
        self.store = store

    # --- Marks on a take ----------------------------------------------------------------------------------------------

    def set_favourite(self, job_id: str, favourite: bool) -> Job:
        return self.store.update(job_id, favourite=bool(favourite))

    def set_rating(self, job_id: str, rating: int | None) -> Job:
        return self.store.update(job_id, rating=checked_rating(rating))

    # --- Boards -------------------------------------------------------------------------------------------------------

    def create(self, title: str, owner: str | None) -> Board:
        now = utcnow()
        board = Board(uuid.uuid4().hex, checked_title(title), owner, now, now, secrets.token_urlsafe(12))
        row = {**board.__dict__}
        self.store.write(lambda conn: conn.execute(boards_table.insert().values(**row)))
        return board

    def get(self, board_id: str) -> Board | None:
        return self._board(boards_table.c.id == board_id)

    def find(self, reference: str) -> tuple[Board | None, bool]:
        """The board a showcase link names, by its id or its share token; and whether it was named by the token."""
        board = self.get(reference)
        if board is not None:
            return board, False
        board = self._board(boards_table.c.share_token == reference)
        return board, board is not None

    def boards(self, owner: str | None = None, *, everyone: bool = False) -> list[Board]:
        """``owner``'s boards (or every board, for someone who sees everyone's work), last changed first."""
        c = boards_table.c
        query = boards_table.select().order_by(c.updated_at.desc(), c.id)
        if not everyone:
            query = query.where(c.owner.is_(None) if owner is None else c.owner == owner)
        with self.store.engine.connect() as conn:
            return [_board(row) for row in conn.execute(query).mappings()]

    def rename(self, board_id: str, title: str) -> None:
        self._touch(board_id, title=checked_title(title))

    def set_shared(self, board_id: str, shared: bool) -> None:
        self._touch(board_id, shared=bool(shared))

    def delete(self, board_id: str) -> None:
        def work(conn: Connection) -> None:
            conn.execute(board_items_table.delete().where(board_items_table.c.board_id == board_id))
            conn.execute(boards_table.delete().where(boards_table.c.id == board_id))

        self.store.write(work)

    # --- The takes on a board -------------------------------------------------------------------------------------

    def items(self, board_id: str) -> list[BoardItem]:
        """The board's takes in order (first first), each with its note; deleted takes are gone from it."""
        i = board_items_table.c
        query = (
            sa.select(jobs_table, i.position.label("board_position"), i.note.label("board_note"))
            .join(board_items_table, i.job_id == jobs_table.c.id)
            .where(i.board_id == board_id)
            .order_by(i.position, i.added_at)
        )
        with self.store.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [BoardItem(from_row(row), place, row["board_note"] or "") for place, row in enumerate(rows)]

    def boards_holding(self, job_id: str) -> set[str]:
        """The ids of the boards ``job_id`` is on."""
        query = sa.select(board_items_table.c.board_id).where(board_items_table.c.job_id == job_id)
        with self.store.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def add(self, board_id: str, job_id: str, note: str = "") -> bool:
        """Put a take last on the board; False when it already is on it (it keeps its place)."""
        i = board_items_table.c

        def work(conn: Connection) -> bool:
            if conn.execute(sa.select(i.job_id).where(i.board_id == board_id, i.job_id == job_id)).first():
                return False
            last = conn.execute(sa.select(sa.func.max(i.position)).where(i.board_id == board_id)).scalar()
            row = {"board_id": board_id, "job_id": job_id, "note": _checked_note(note), "added_at": utcnow()}
            conn.execute(board_items_table.insert().values(**row, position=0 if last is None else last + 1))
            _touched(conn, board_id)
            return True

        return self.store.write(work)

    def remove(self, board_id: str, job_id: str) -> None:
        i = board_items_table.c

        def work(conn: Connection) -> None:
            conn.execute(board_items_table.delete().where(i.board_id == board_id, i.job_id == job_id))
            _renumber(conn, board_id, _ordered_ids(conn, board_id))

        self.store.write(work)

    def move(self, board_id: str, job_id: str, places: int) -> None:
        """Move a take ``places`` later on the board (negative: earlier); it stops at either end."""

        def work(conn: Connection) -> None:
            ids = _ordered_ids(conn, board_id)
            if job_id not in ids:
                raise BoardError("That take is no longer on this board.")
            at = max(0, min(len(ids) - 1, ids.index(job_id) + places))
            ids.remove(job_id)
            ids.insert(at, job_id)
            _renumber(conn, board_id, ids)

        self.store.write(work)

    def reorder(self, board_id: str, job_ids: list[str]) -> None:
        """Put the board's takes in this order; takes not named keep their order, after the named ones."""

        def work(conn: Connection) -> None:
            current = _ordered_ids(conn, board_id)
            named = [job_id for job_id in dict.fromkeys(job_ids) if job_id in current]
            _renumber(conn, board_id, named + [job_id for job_id in current if job_id not in named])

        self.store.write(work)

    def set_note(self, board_id: str, job_id: str, note: str) -> None:
        i = board_items_table.c

        def work(conn: Connection) -> None:
            statement = board_items_table.update().where(i.board_id == board_id, i.job_id == job_id)
            conn.execute(statement.values(note=_checked_note(note)))
            _touched(conn, board_id)

        self.store.write(work)

    # --- Plumbing -----------------------------------------------------------------------------------------------------

    def _board(self, condition: sa.ColumnElement[bool]) -> Board | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(boards_table.select().where(condition)).mappings().first()
        return _board(row) if row is not None else None

    def _touch(self, board_id: str, **changes: Any) -> None:
        statement = boards_table.update().where(boards_table.c.id == board_id).values(**changes, updated_at=utcnow())
        self.store.write(lambda conn: conn.execute(statement))


def _board(row: Any) -> Board:
    return Board(
        id=row["id"],
        title=row["title"],
        owner=row["owner"],
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
        share_token=row["share_token"],
        shared=bool(row["shared"]),
    )


def _checked_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_CHARS:
        raise BoardError(f"A note can be at most {NOTE_CHARS:,} characters.")
    return note


def _ordered_ids(conn: Connection, board_id: str) -> list[str]:
    i = board_items_table.c
    query = sa.select(i.job_id).where(i.board_id == board_id).order_by(i.position, i.added_at)
    return list(conn.execute(query).scalars())


def _renumber(conn: Connection, board_id: str, job_ids: list[str]) -> None:
    i = board_items_table.c
    for position, job_id in enumerate(job_ids):
        conn.execute(
            board_items_table.update().where(i.board_id == board_id, i.job_id == job_id).values(position=position)
        )
    _touched(conn, board_id)


def _touched(conn: Connection, board_id: str) -> None:
    conn.execute(boards_table.update().where(boards_table.c.id == board_id).values(updated_at=utcnow()))
