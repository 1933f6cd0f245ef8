"""The door of a team studio: who may come in, and the sidebar line saying who is in.

With ``[auth]`` in secrets, a browser that is not signed in gets only a sign-in page, and a signed-in person who is not
a member gets only "ask your admin" and Sign out: no page, sidebar, job tray or link content of the studio. Without
``[auth]`` the studio is one person's, as before teams, and the sidebar says so in one line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from components.shell.after_sign_in import go_back_to_the_address, remember_this_address
from components.shell.identity import current_person, sign_in_configured
from components.shell.markdown_text import as_typed
from videostudio.team.people import Person

STUDIO_NAME = "Video Studio"
WHAT_IT_IS = "Make videos with the AI/ML API's video models, together with your team."
SINGLE_PERSON = "Single-person studio: no sign-in configured."


def admitted_person(url_paths: Sequence[str]) -> Person:
    """The person this session serves. Anyone else gets the sign-in page (or "ask your admin") and the run stops here.

    ``url_paths`` are the studio's page paths ("", "history", ...): the door answers on each of them, so a deep link
    opened signed out keeps its address (and its query) instead of turning into "page not found".
    """
    person = current_person()
    if person is not None:
        if sign_in_configured():
            go_back_to_the_address()
        return person
    door = _sign_in_page if not st.user.is_logged_in else _not_a_member_page
    _only(door, url_paths)
    st.stop()


def _only(door: Callable[[], None], url_paths: Sequence[str]) -> None:
    # A navigation of the door alone, hidden: Streamlit then serves no other page (the pages/ folder is never run
    # on its own once st.navigation has run), and the sidebar stays empty.
    doors = [st.Page(door, title="Sign in", url_path=path or "sign-in", default=not path) for path in url_paths]
    st.navigation(doors, position="hidden").run()


def _sign_in_page() -> None:
    with st.container(horizontal_alignment="center"):
        st.title(STUDIO_NAME, anchor=False)
        st.write(WHAT_IT_IS)
        if st.button("Sign in", type="primary", icon=":material/login:", key="sign_in"):
            st.login()
    remember_this_address()


def _not_a_member_page() -> None:
    email = str(st.user.get("email") or "")
    st.title(STUDIO_NAME, anchor=False)
    st.warning(
        f"You are signed in as {email or 'an account without an email'}, but you are not a member of this studio. "
        "Ask your admin to add you.",
        icon=":material/person_off:",
    )
    if st.button("Sign out", icon=":material/logout:", key="sign_out"):
        st.logout()


def draw_person_panel(person: Person) -> None:
    """The sidebar's first lines: who is signed in, their role and Sign out; or that nobody signs in here."""
    with st.sidebar:
        if not sign_in_configured():
            st.caption(SINGLE_PERSON)
            return
        name, email = as_typed(person.name), as_typed(person.email)
        who = f"**{name}** · {email}" if name else f"**{email}**"
        st.markdown(f":material/account_circle: {who}")
        st.caption(person.sheet.words)
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            st.logout()
