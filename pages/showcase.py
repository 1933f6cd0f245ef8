"""Showcase: a board played for an audience, one take after another, full screen. Its link is ``/showcase?board=``."""

import streamlit as st

from components.boards.showcase_player import showcase_player
from components.boards.showcase_view import NOT_THERE, bare_page, linked_board, slides
from components.shell.markdown_text import as_typed
from components.shell.router import ensure_router

ensure_router()

bare_page()
shown = linked_board()
if shown is None:
    st.info(NOT_THERE, icon=":material/link_off:")
    st.stop()
board, items = shown
st.title(as_typed(board.title), anchor=False)
if not items:
    st.info("This board has no videos to show yet.", icon=":material/movie:")
    st.stop()
showcase_player(slides(items))
