"""The films a person may open: pick one, start a new one, import one from a file; rename, share, export, delete."""

from __future__ import annotations

import logging
from functools import partial

import streamlit as st

from components.films.film_service import film_store, may_edit, open_film, opened_film, say
from components.shell import services
from components.shell.whose import current_person, may_generate
from videostudio.catalogue.labels import counted
from videostudio.films.film import Film, FilmError
from videostudio.films.store import FilmStore
from videostudio.films.transfer import TransferError, export_film, film_file_name, import_film, missing_upload
from videostudio.storage.base import MediaStorage
from videostudio.team.people import Person

log = logging.getLogger(__name__)

NEW_TITLE_KEY = "films_new_title"
IMPORT_KEY = "films_import"


def pick_film(person: Person, films: list[Film]) -> Film | None:
    """The film list (``films``, the person's): the open film (from the address), or the one picked; None when
    there is none yet."""
    current = opened_film()
    if current is None and films:
        current = films[0]
        open_film(current.id)
    if not films:
        return None
    ids = [f.id for f in films]
    titles = {f.id: _title(f, person) for f in films}
    chosen = st.selectbox(
        "Film",
        ids,
        index=ids.index(current.id) if current is not None and current.id in ids else 0,
        format_func=lambda film_id: titles.get(film_id, film_id),
        key=f"films_pick_{current.id if current else ''}",
    )
    if current is None or chosen != current.id:
        open_film(chosen)
        st.rerun()
    return current


def _title(film: Film, person: Person) -> str:
    whose = "" if film.owner in (None, person.owner) else f" · {film.owner}"
    return f"{film.title}{whose}" + (" · shared" if film.shared else "")


def new_film(*, expanded: bool) -> None:
    """Start a film from a title, or import one from a file (with its pictures inside); open at first when
    ``expanded`` (the person has no film yet). Creators and admins make films; a viewer opens the shared ones.

    The actions run in their buttons' callbacks, before the script: a rerun the page asks for meanwhile (the prices
    arriving, a job finishing) would otherwise drop the press.
    """
    if not may_generate():
        return
    with st.expander("New film", icon=":material/add:", expanded=expanded):
        with st.form("films_new", border=False):
            st.text_input("Title", placeholder="Lighthouse, first cut", key=NEW_TITLE_KEY)
            st.form_submit_button("Start the film", icon=":material/movie_edit:", on_click=_create)
        upload = st.file_uploader(
            "Or import a film file", type=["json"], key=IMPORT_KEY, help="A film exported from a storyboard"
        )
        if upload is not None:
            st.button("Import this film", key="films_import_go", icon=":material/upload:", on_click=_import)


def _create() -> None:
    person = current_person()
    if person is None:
        return
    try:
        film = film_store().create(st.session_state.get(NEW_TITLE_KEY) or "", owner=person.owner)
    except FilmError as exc:
        say("error", str(exc))
        return
    open_film(film.id)
    say("ok", f"“{film.title}” started: add its first shot below.")
    st.session_state[NEW_TITLE_KEY] = ""  # New film folds, empty, for the next one


def _import() -> None:
    person = current_person()
    upload = st.session_state.get(IMPORT_KEY)
    if person is None or upload is None:
        return
    try:
        film = import_film(
            upload.getvalue(), services.media_storage(), owner=person.owner, find_model=services.model_or_none
        )
    except TransferError as exc:
        say("error", str(exc))
        return
    film_store().add(film)
    open_film(film.id)
    say("ok", f"“{film.title}” imported with its {counted(len(film.shots), 'shot')}.")


def film_header(film: Film) -> None:
    """The open film's title (renamed as typed), and its actions: share, export, delete."""
    if not may_edit(film):
        st.subheader(film.title)
        st.caption(f":material/group: Shared with the team by {film.owner}. You may watch it, not change it.")
        return
    title = st.text_input("Title", value=film.title, key=f"film_title_{film.id}")
    if title.strip() and title != film.title:
        try:
            film_store().save(film.retitled(title))
        except FilmError as exc:
            st.error(str(exc), icon=":material/error:")
    with st.container(horizontal=True):
        shared = st.toggle(
            "Shared with the team",
            value=film.shared,
            key=f"film_shared_{film.id}",
            help="Members may open it on their Storyboard page, for watching only",
        )
        if shared != film.shared:
            film_store().set_shared(film.id, shared)
        # Checked before drawing: an error raised while the file is made reaches nobody (Streamlit logs it and the
        # browser says only "Failed to generate file for download").
        missing = missing_upload(film, services.media_storage())
        st.download_button(
            "Export",
            data=partial(film_file_now, film_store(), film, services.media_storage()),
            disabled=missing is not None,
            file_name=film_file_name(film),
            mime="application/json",
            icon=":material/download:",
            key=f"film_export_{film.id}",
            help="The film as one file, its pictures inside: import it in any studio",
        )
        if missing:
            st.caption(f":material/warning: {missing} Give that shot its picture again to export the film.")
        with st.popover("Delete", icon=":material/delete:"):
            st.caption("The film's storyboard goes; the videos it made stay in History.")
            st.button("Delete this film", type="primary", key=f"film_delete_{film.id}", on_click=_delete, args=(film,))


def film_file_now(films: FilmStore, film: Film, storage: MediaStorage) -> bytes:
    """Export's file, made at the press from the film as stored then. The header is drawn before the shots below it
    save their edits, so the ``film`` this run drew it from lacks a prompt typed just before pressing Export."""
    return export_film(films.get(film.id) or film, storage)


def _delete(film: Film) -> None:
    film_store().delete(film.id)
    open_film(None)
    say("ok", f"“{film.title}” deleted. Its videos are still in History.")
