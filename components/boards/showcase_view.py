"""The showcase page's pieces: the board a link names (if this person may see it), its takes as slides, and a page
with nothing but the show (no sidebar, toolbar, settings, prices, ids or Delete)."""

from __future__ import annotations

import streamlit as st

from components.boards.board_service import board_store, take_title
from components.boards.showcase_player import Slide
from components.form.media_url import media_url
from components.shell import services
from components.shell.identity import current_person
from components.shell.job_link import BOARD_PARAM
from videostudio.boards.access import can_see_board
from videostudio.boards.store import Board, BoardItem
from videostudio.storage.names import media_file

NOT_THERE = (
    "This showcase link doesn't open a board here: the board may have been deleted, or not shared with you. "
    "Ask whoever sent the link."
)
# The studio's chrome, hidden on a page that only shows: the sidebar (navigation, backend, balance, jobs), the
# toolbar and its menu (settings), and the narrow screen's status line.
_BARE_PAGE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], .st-key-status_line { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 1600px; }
</style>"""


def bare_page() -> None:
    st.html(_BARE_PAGE)


def linked_board() -> tuple[Board, list[BoardItem]] | None:
    """The board ``?board=`` names and its takes that can play, when this person may see it; None otherwise."""
    reference = st.query_params.get(BOARD_PARAM) or ""
    person = current_person()
    board, through_link = board_store().find(reference) if reference else (None, False)
    if board is None or person is None or not can_see_board(person, board, through_link=through_link):
        return None
    # Known from the record, without fetching each video from the media storage on every run.
    items = [item for item in board_store().items(board.id) if item.job.has_local_video]
    return board, items


def slides(items: list[BoardItem]) -> list[Slide]:
    """Each take's video (served by Streamlit's media endpoint), poster, title and note."""
    media = services.media_storage()
    shown = []
    for number, item in enumerate(items):
        video, poster = media_file(media, item.job.local_path), media_file(media, item.job.poster_path)
        if video is None:
            continue  # the store could not hand it over just now (logged): the show goes on without it
        shown.append(
            Slide(
                src=media_url(video, f"showcase-video-{number}", "video/mp4"),
                poster=media_url(poster, f"showcase-poster-{number}", "image/jpeg") if poster else "",
                title=take_title(item.job),
                note=item.note,
            )
        )
    return shown
