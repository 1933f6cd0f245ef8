"""Who is using this session: the signed-in member, or the one person of a studio without sign-in.

Every page, link and media URL asks ``current_person()`` and the rules of ``videostudio/team/access.py``; nothing
else decides who sees what.
"""

from __future__ import annotations

import streamlit as st

from components.shell import services
from videostudio.team.members import MemberStore, admins_from
from videostudio.team.people import LOCAL_PERSON, Person


def sign_in_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section: the studio is then a team studio."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def member_store() -> MemberStore:
    """The team's members, in the history's database (the job service's store).

    Made on each call (it holds only the store and the admins' names), not a ``st.cache_resource``: computing a cached
    resource for the first time inside the run that sends a press got that run stopped at its next session-state
    access (Streamlit 1.67), before it could give the double-click guard back (tests/browser/test_submits.py).
    """
    return MemberStore(services.job_service().store, admins_from())


def current_person() -> Person | None:
    """The person this session serves: ``LOCAL_PERSON`` without sign-in; with sign-in, the signed-in member, or None
    for a browser that is not signed in or whose email is not a member's."""
    if not sign_in_configured():
        return LOCAL_PERSON
    if not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "")
    member = member_store().get(email) if email else None
    return member.as_person(name=str(st.user.get("name") or "")) if member else None
