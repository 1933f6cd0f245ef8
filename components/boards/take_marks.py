"""A finished take's star, its 1–5 rating and "Add to board…", drawn beside its other actions: on its card (Latest
jobs), in History's job dialog (which shows the card) and under Compare's player.

The star and the rating are the take's own (``jobs.favourite``, ``jobs.rating``): whoever may change the job sets
them, everyone who sees it sees them; someone who may only watch sees them written, not as buttons.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.boards.board_service import board_store, take_title
from components.jobs.job_words import model_name
from components.shell.folds import folded_popover
from components.shell.identity import current_person
from videostudio.boards.access import can_change_board, can_mark, can_put_on_board
from videostudio.boards.store import BoardError
from videostudio.history.store import Job, JobStatus
from videostudio.team.people import Person

log = logging.getLogger(__name__)

BOARDS_PAGE = "pages/boards.py"


def take_marks(job: Job, key_prefix: str) -> None:
    """Star, rating and Add to board… for a finished take; nothing for one still running or failed."""
    person = current_person()
    if person is None or job.status != JobStatus.COMPLETED:
        return
    if can_mark(person, job):
        star_button(job, key_prefix)
        rating_stars(job, key_prefix)
    elif job.favourite or job.rating:
        st.caption(" · ".join(p for p in ("★ Favourite" if job.favourite else "", _stars(job.rating)) if p))
    if can_put_on_board(person, job):
        add_to_board(job, key_prefix, person)


def marks_row(jobs: list[Job], key_prefix: str) -> None:
    """Each take's marks under a row of videos (Compare), numbered as the videos are."""
    for number, (column, job) in enumerate(zip(st.columns(len(jobs)), jobs, strict=True), start=1):
        with column.container(horizontal=True, vertical_alignment="center", key=f"marks-{key_prefix}-{job.id}"):
            st.markdown(f"**{number}**")
            take_marks(job, key_prefix)


def star_button(job: Job, key_prefix: str) -> None:
    st.button(
        "Starred" if job.favourite else "Star",
        icon=":material/star:" if job.favourite else ":material/star_border:",
        key=f"star-{key_prefix}-{job.id}",
        type="primary" if job.favourite else "secondary",
        on_click=_set_star,
        args=(job.id, not job.favourite),
        help="Unstar this take"
        if job.favourite
        else "Star this take: one of the good ones (History can show only these)",
    )


def rating_stars(job: Job, key_prefix: str) -> None:
    # The key carries the stored rating: a rating changed elsewhere (another view, another person) draws anew.
    key = f"rate-{key_prefix}-{job.id}-{job.rating or 0}"
    st.feedback(
        "stars",
        key=key,
        default=job.rating - 1 if job.rating else None,
        on_change=_set_rating,
        args=(job.id, key),
    )


def add_to_board(job: Job, key_prefix: str, person: Person) -> None:
    """A popover: put the take on one of the person's boards, or on a new one.

    Folded (components/shell/folds.py): the boards are read only while it is open, not for every card on
    every run."""
    key = f"board-{key_prefix}-{job.id}"
    with folded_popover("Add to board…", icon=":material/dashboard_customize:", key=key) as shown:
        if shown:
            _board_choices(job, key_prefix, person)


def _board_choices(job: Job, key_prefix: str, person: Person) -> None:
    store = board_store()
    mine = [b for b in store.boards(person.owner, everyone=person.sheet.sees_everyones_work)]
    mine = [b for b in mine if can_change_board(person, b)]
    holding = store.boards_holding(job.id)
    on = [b.title for b in mine if b.id in holding]
    if on:
        st.caption("On " + ", ".join(f"“{title}”" for title in on))
    free = {b.id: b.title for b in mine if b.id not in holding}
    pick_key, new_key = f"board-pick-{key_prefix}-{job.id}", f"board-new-{key_prefix}-{job.id}"
    if free:
        st.selectbox("Board", list(free), format_func=free.__getitem__, key=pick_key)
        st.button("Add", key=f"board-add-{key_prefix}-{job.id}", on_click=_add, args=(job.id, pick_key))
    st.text_input("New board", placeholder="Client pitch, 12 Dec", key=new_key, max_chars=120)
    st.button(
        "Make a board with this take",
        icon=":material/add:",
        key=f"board-make-{key_prefix}-{job.id}",
        on_click=_make,
        args=(job.id, new_key, person.owner),
    )
    st.page_link(BOARDS_PAGE, label="Open Boards", icon=":material/dashboard:")


def _stars(rating: int | None) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def _set_star(job_id: str, favourite: bool) -> None:
    board_store().set_favourite(job_id, favourite)


def _set_rating(job_id: str, key: str) -> None:
    picked = st.session_state.get(key)
    try:
        board_store().set_rating(job_id, None if picked is None else int(picked) + 1)
    except BoardError as exc:
        st.toast(str(exc), icon=":material/error:")


def _add(job_id: str, pick_key: str) -> None:
    board_id = st.session_state.get(pick_key)
    store = board_store()
    board = store.get(board_id) if board_id else None
    if board is None:
        st.toast("That board is gone: pick another, or make a new one.", icon=":material/error:")
        return
    store.add(board.id, job_id)
    job = store.store.get(job_id)
    st.toast(f"Added to “{board.title}”: {take_title(job) if job else 'the take'}.", icon=":material/dashboard:")


def _make(job_id: str, title_key: str, owner: str | None) -> None:
    store = board_store()
    try:
        board = store.create(st.session_state.get(title_key) or "", owner)
    except BoardError as exc:
        st.toast(str(exc), icon=":material/error:")
        return
    store.add(board.id, job_id)
    st.session_state[title_key] = ""
    job = store.store.get(job_id)
    st.toast(
        f"Made “{board.title}” with {model_name(job.model_id) if job else 'this'} take.", icon=":material/dashboard:"
    )
