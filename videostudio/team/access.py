"""Who may see and change which job, preset or board: one place, asked by every page, link and media URL.

A studio without sign-in has one person (``LOCAL_PERSON``, an admin): everything is theirs to see and change.
"""

from __future__ import annotations

from typing import Protocol

import sqlalchemy as sa

from videostudio.history.record import Job, jobs_table
from videostudio.team.people import Person


class Owned(Protocol):
    """Anything a person makes and may share with the team: a job, a preset, a board."""

    @property
    def owner(self) -> str | None: ...

    @property
    def shared(self) -> bool: ...


def can_view(person: Person, item: Owned) -> bool:
    """Their own work, what was shared with the team, or everything for a role that sees everyone's work."""
    if person.sheet.sees_everyones_work:
        return True
    return (item.owner is not None and item.owner == person.owner) or item.shared


def can_change(person: Person, item: Owned) -> bool:
    """Delete, share, rename, run again from: their own work only (admins: anyone's). Sharing grants viewing only."""
    if person.sheet.sees_everyones_work and person.sheet.may_delete_own:
        return True
    return person.sheet.may_delete_own and item.owner is not None and item.owner == person.owner


def visible_where(person: Person | None) -> sa.ColumnElement[bool] | None:
    """``can_view`` as a condition on the jobs table, so a list is filtered by the database, not in Python.

    None: no condition (a role that sees everyone's work, and the one person of a studio without sign-in).
    Nobody (a browser not signed in, or not a member) sees no job.
    """
    if person is None:
        return sa.false()
    if person.sheet.sees_everyones_work:
        return None
    c = jobs_table.c
    shared = c.shared.is_(True)
    return sa.or_(c.owner == person.owner, shared) if person.owner else shared


def owned_where(person: Person | None) -> sa.ColumnElement[bool] | None:
    """The jobs whose costs are this person's spending: their own (everyone's for a role that sees everyone's work).
    A job shared with them is theirs to watch, not money they spent."""
    if person is None:
        return sa.false()
    if person.sheet.sees_everyones_work:
        return None
    return jobs_table.c.owner == person.owner if person.owner else sa.false()


def may_run_again(person: Person, job: Job) -> bool:
    """Run again, Use these settings, Try again: a role that generates, on a job it may change."""
    return person.sheet.may_generate and can_change(person, job)
