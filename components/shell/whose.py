"""Whose work this session sees and what it may do with it: the history as its person sees it, and their role's
answers (prices, generating, changing a job). Every page asks here; the rules are ``videostudio/team/access.py``.

A studio without sign-in has one person, an admin: everything shows and every action is offered, as before teams.
"""

from __future__ import annotations

import time

import streamlit as st

from components.shell import identity, services
from videostudio.history.store import Job
from videostudio.team import access
from videostudio.team.people import Person
from videostudio.team.seen import SeenJobs

# What a job link, a Compare link or "Continue from here" says of a job this person may not view, or of one that
# does not exist: the same words, so a link never confirms that an id is in the studio.
NOT_SHARED = "This job isn't shared with you. Ask the person who sent the link to share it with the team."


# A page asks who its person is a dozen times per run (each card, each action row); each answer is a members-table
# read. The answer is kept this long per session, for the same signed-in email: a role changed on the Team page
# applies within a second, and a sign-out or another email at once.
PERSON_FRESH_SECONDS = 1.0
_PERSON_MEMO = "_whose_person"


# What a press or a helper call says to a signed-in person who is not a member: nothing is sent for them.
NOT_A_MEMBER = "You are not signed in as a member of this team, so nothing was sent. Sign in, or ask your admin."


def current_person() -> Person | None:
    """``identity.current_person()``, read at most once a second per session and signed-in email."""
    email = str(st.user.get("email") or "") if identity.sign_in_configured() and st.user.is_logged_in else None
    now = time.monotonic()
    memo = st.session_state.get(_PERSON_MEMO)
    if memo is not None and memo[0] == email and now - memo[1] < PERSON_FRESH_SECONDS:
        return memo[2]
    person = identity.current_person()
    st.session_state[_PERSON_MEMO] = (email, now, person)
    return person


def seen_jobs() -> SeenJobs:
    """The history as this session's person sees it (every read filtered by the database)."""
    return SeenJobs(services.job_service().store, current_person())


def sees_prices() -> bool:
    """Prices, costs and spending: shown only to a role that sees them (never to a viewer)."""
    person = current_person()
    return person is not None and person.sheet.sees_prices


def may_generate() -> bool:
    """Generate, Run again, Try again, Join clips, saving presets: a role that generates."""
    person = current_person()
    return person is not None and person.sheet.may_generate


def may_change(job: Job) -> bool:
    """Delete, share: this person's own job (an admin's: anyone's)."""
    person = current_person()
    return person is not None and access.can_change(person, job)


def may_run_again(job: Job) -> bool:
    """Run again, Use these settings, Try again: a role that generates, on a job it may change."""
    person = current_person()
    return person is not None and access.may_run_again(person, job)
