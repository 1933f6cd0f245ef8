"""Boards: takes picked for a demo, in the order they should play, each with a note; each board plays as a
Showcase (its own link) and downloads as one ZIP that plays offline."""

import streamlit as st

from components.boards.board_editor import add_takes, board_header, board_takes, new_board, pick_board, show_message
from components.boards.board_service import board_store
from components.shell.identity import current_person
from components.shell.router import ensure_router
from videostudio.boards.access import can_make_boards

ensure_router()

st.title("Boards")
person = current_person()
if person is None or not can_make_boards(person):
    st.info(
        "Boards are made by creators and admins. A showcase link shared with you opens on its own.",
        icon=":material/dashboard:",
    )
    st.stop()
show_message()
new_board(person)
board = pick_board(person)
if board is None:
    st.info(
        "No boards yet. Give one a title above, or put a take on a new board with **Add to board…** on its card.",
        icon=":material/dashboard:",
    )
    st.stop()
items = board_store().items(board.id)
board_header(board, items)
add_takes(board, person, items)
board_takes(board, items)
