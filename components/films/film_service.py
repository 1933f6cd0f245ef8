"""The films of this studio, the one open on the Storyboard page, and what making one needs in this session."""

from __future__ import annotations

import streamlit as st

from components.shell import services
from components.shell.address import address_value, set_address
from components.shell.whose import current_person
from videostudio.films.film import Film
from videostudio.films.making import FilmWorks
from videostudio.films.store import FilmStore
from videostudio.studio import studio_film_works
from videostudio.team.access import can_change, can_view

# The Storyboard's address parameter naming the open film: a reload opens the same film.
FILM_PARAM = "film"
# A message from the last action (a press, an import, a delete), shown once.
MESSAGE_KEY = "films_message"


def film_store() -> FilmStore:
    """The films, in the history's database (cheap to make: it holds only the history's store)."""
    return FilmStore(services.job_service().store)


def film_works() -> FilmWorks:
    """What making a film needs, on this session's clients (a press and the page's tick use it)."""
    return studio_film_works(
        services.settings(),
        services.job_service(),
        services.catalogue(),
        services.assist_client_for,  # its shots, speech and music: one client speaks both
        storage=services.media_storage(),
    )


def may_edit(film: Film) -> bool:
    person = current_person()
    return person is not None and person.sheet.may_generate and can_change(person, film)


def open_film_id() -> str | None:
    return address_value(FILM_PARAM)


def open_film(film_id: str | None) -> None:
    set_address(FILM_PARAM, film_id)


def opened_film() -> Film | None:
    """The film the address names, if this person may open it (else none, and the address forgets it)."""
    film_id = open_film_id()
    film = film_store().get(film_id) if film_id else None
    person = current_person()
    if film is None or person is None or not can_view(person, film):
        if film_id:
            open_film(None)
        return None
    return film


def say(kind: str, text: str) -> None:
    st.session_state[MESSAGE_KEY] = (kind, text)


def show_message() -> None:
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text)
