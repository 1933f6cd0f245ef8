"""An answer paid for reaches the page even when the run that asked for it is stopped.

Streamlit stops a run for a newer press or edit at its next call into Streamlit, and every read or write of
``st.session_state`` is such a call (its SafeSessionState checks for a waiting rerun first). A run that has just been
given a paid answer (a speech, a picture, a proposal) and then writes it into the session can be stopped by that very
write: the answer is paid for and never shown, and the next press pays again.

So a helper takes the session's box before its call (``answer_box``), puts what the call gave into it afterwards
(``AnswerBox.put``: a plain dict, no Streamlit call, nothing can stop it) and then delivers it into the session.
Whatever a stopped run left in the box, the next run delivers first (``deliver_answers``, called by the router before
any page draws its widgets). Runs of one session follow one another (``runner.fastReruns = false``,
``.streamlit/config.toml``), so the next run starts after the stopped one has filled the box.

Button callbacks run before the router delivers: a guard that lives in a callback and must know of an answer
still in the box reads ``answer_box().waiting()``. The helpers' guards today sit in the script body, after delivery.
"""

from __future__ import annotations

import threading
from typing import Any

import streamlit as st

BOX_KEY = "_paid_answers"


class AnswerBox:
    """Session values waiting to be written: put without touching Streamlit, delivered by a run that can write."""

    def __init__(self) -> None:
        self._waiting: dict[str, Any] = {}
        self._lock = threading.Lock()

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._waiting[key] = value

    def waiting(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._waiting)

    def deliver(self) -> None:
        """Write what waits into the session, each taken out only once written: a stop mid-way leaves the rest."""
        for key, value in self.waiting().items():
            st.session_state[key] = value
            with self._lock:
                if self._waiting.get(key) is value:
                    del self._waiting[key]


def answer_box() -> AnswerBox:
    """This session's box; take it before the paid call, so nothing after the call needs the session."""
    box = st.session_state.get(BOX_KEY)
    if not isinstance(box, AnswerBox):
        box = AnswerBox()
        st.session_state[BOX_KEY] = box
    return box


def deliver_answers() -> None:
    """Deliver what a stopped run left in the box (the router calls this before the page draws)."""
    box = st.session_state.get(BOX_KEY)
    if isinstance(box, AnswerBox):
        box.deliver()
