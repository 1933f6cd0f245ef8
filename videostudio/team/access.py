"""Who may see and change which job: one place, asked by every page, link and media URL.

A studio without sign-in has one person (``LOCAL_PERSON``, an admin): every job is theirs to see and change.
"""

from __future__ import annotations

from videostudio.history.record import Job
from videostudio.team.people import Person


def can_view(person: Person, job: Job) -> bool:
    """Their own work, what was shared with the team, or everything for a role that sees everyone's work."""
    if person.sheet.sees_everyones_work:
        return True
    return (job.owner is not None and job.owner == person.owner) or job.shared


def can_change(person: Person, job: Job) -> bool:
    """Delete, share, rename, run again from: their own work only (admins: anyone's). Sharing grants viewing only."""
    if person.sheet.sees_everyones_work and person.sheet.may_delete_own:
        return True
    return person.sheet.may_delete_own and job.owner is not None and job.owner == person.owner
