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
_OPENED_A_LINK = "door_opened_a_link"
_LEAVING = "door_signing_out"


def admitted_person(url_paths: Sequence[str]) -> Person:
    """The person this session serves. Anyone else gets the sign-in page (or "ask your admin") and the run stops here.

    ``url_paths`` are the studio's page paths ("", "history", ...): the door answers on each of them, so a deep link
    opened signed out keeps its address (and its query) instead of turning into "page not found".
    """
    _leave_if_signing_out()
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
    page = st.navigation(doors, position="hidden")
    # A link (a page other than the first, or any query) is where the sign-in should end; the bare first page is
    # where Streamlit ends it anyway.
    st.session_state[_OPENED_A_LINK] = bool(page.url_path) or bool(st.query_params.to_dict())
    page.run()


def _sign_in_page() -> None:
    with st.container(horizontal_alignment="center"):
        st.title(STUDIO_NAME, anchor=False)
        st.write(WHAT_IT_IS)
        if st.button("Sign in", type="primary", icon=":material/login:", key="sign_in"):
            st.login()
    remember_this_address(st.session_state.get(_OPENED_A_LINK, False))


def _not_a_member_page() -> None:
    email = str(st.user.get("email") or "")
    st.title(STUDIO_NAME, anchor=False)
    st.warning(
        f"You are signed in as {email or 'an account without an email'}, but you are not a member of this studio. "
        "Ask your admin to add you.",
        icon=":material/person_off:",
    )
    _sign_out_button()


def _sign_out_button() -> None:
    # A callback, not "if st.button(...): st.logout()": a click's True lasts one run, and a run interrupted by
    # another rerun before it reached the button lost the click; a callback's flag stays until the browser leaves.
    st.button("Sign out", icon=":material/logout:", key="sign_out", on_click=_sign_out_pressed)


def _sign_out_pressed() -> None:
    st.session_state[_LEAVING] = True


def _leave_if_signing_out() -> None:
    """Send the browser to Streamlit's sign-out, again on every run until it goes (then this session ends).

    The redirect is a message in the session's outgoing queue, which a rerun arriving before it was sent clears:
    saying it once could lose it, and the person would press Sign out to no effect.
    """
    if st.session_state.get(_LEAVING):
        st.logout()
        st.stop()


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
        _sign_out_button()
