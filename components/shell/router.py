"""Keeps every page under app.py's router, even on the first request a fresh server gets."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_router() -> None:
    """Call first in every page: rerun through app.py when Streamlit ran this page on its own.

    Streamlit treats a ``pages/`` folder as a legacy multipage app until app.py's ``st.navigation`` has
    run once in the process. So when a fresh server's first request is a deep link (``/history``, or a
    tab left open across a restart), the page runs alone: no sidebar, no polling. ``st.navigation``
    turns that legacy mode off for good; doing the same here and rerunning hands the request to app.py,
    which then draws this very page (the legacy and the router's page share the URL path).
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
