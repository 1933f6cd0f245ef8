"""Folded panels whose insides are drawn only while they are open.

A collapsed ``st.expander`` or a closed ``st.popover`` still sends every widget inside it to the browser, which
builds them all before the first screen is usable (the API key field, the notification switches, the preset
panels, the request as code). Drawn through these, a panel sends only its title until it is opened; opening it
reruns the page and draws the inside (Streamlit's lazy ``.open``). A widget inside keeps its value while the
panel is shut only with ``persist_state="session"`` (or a value kept under a key of its own).

Tests open a panel by setting its key: ``at.session_state[key] = True``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st


@contextmanager
def folded_expander(label: str, *, key: str, icon: str | None = None, expanded: bool = False) -> Iterator[bool]:
    """``with folded_expander(...) as shown:`` inside the expander, ``shown`` true while it is open."""
    panel = st.expander(label, expanded=expanded, key=key, icon=icon, on_change="rerun")
    with panel:
        yield bool(panel.open)


@contextmanager
def folded_popover(label: str, *, key: str, icon: str | None = None, help: str | None = None) -> Iterator[bool]:
    """``with folded_popover(...) as shown:`` inside the popover, ``shown`` true while it is open."""
    panel = st.popover(label, key=key, icon=icon, help=help, on_change="rerun")
    with panel:
        yield bool(panel.open)
