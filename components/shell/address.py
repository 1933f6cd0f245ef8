"""What the page's address says, as the person last left it: a late run's older address never undoes a choice.

Every run carries the address the browser had when it asked for the run. A run asked for just before the browser
learned a newer address (the job tray's tick that reruns the page, a click landing while a choice writes the
address) carries an older one: the model chosen before, the videos compared before, the film or job open before.
Read as it comes, it would undo the person's later choice. So a value this session has already had in a parameter,
and has moved on from, is an echo: the session's own value is put back. It is followed only when the person went
there themselves: with the browser's Back and Forward, or by coming from another page (History's "Compare with…").
That arrival holds until the page reads the parameter, so a run stopped before it did (a click landing at once)
does not use it up.

Pages read a parameter with ``address_value`` (or, for only a value the person brought, ``address_change``) and
change it with ``set_address`` (``None`` takes it away); the router calls ``note_page`` once per run, before the
page draws. A link to the page one is on, carrying a value the session has had, would read as an echo: none
exists, and one would set the value with ``set_address`` in its callback instead. A run that skips ``note_page``
(none does) follows every address, as before this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

_TRAILS = "_address_trails"  # parameter -> its _Trail
_LAST_PAGE = "_address_last_page"  # the page this session's previous run drew
_VISIT = "_address_visit"  # counts the person's arrivals: at another page, or through Back and Forward


@dataclass
class _Trail:
    """One parameter in this session: the value it holds now, every value it has held (``None``: absent), and the
    arrival in which the page last read or wrote it."""

    current: str | None = None
    been: set[str | None] = field(default_factory=set)
    visit: int = 0


def note_page(page: str) -> None:
    """Called by the router on every run with the page about to draw (its title: each page's is its own)."""
    state = st.session_state
    if state.get(_LAST_PAGE) != page or _moved_through_history():
        state[_VISIT] = state.get(_VISIT, 0) + 1
    state[_LAST_PAGE] = page


def address_value(param: str) -> str | None:
    """The address's ``param`` for this run: as the browser sent it, or the session's own when that is an echo."""
    value = st.query_params.get(param) or None
    trail = _trail(param)
    went_there = trail.visit != _visit()
    trail.visit = _visit()
    if value != trail.current and value in trail.been and not went_there:
        set_address(param, trail.current)
        return trail.current
    trail.current = value
    trail.been.add(value)
    return value


def address_change(param: str) -> str | None:
    """``address_value``, when it differs from the session's own value (a link opened, Back or Forward); else None."""
    own = _trail(param).current
    value = address_value(param)
    return value if value != own else None


def set_address(param: str, value: str | None) -> None:
    """Put ``value`` in the address's ``param`` (take the parameter away for ``None``), as this session's own."""
    trail = _trail(param)
    trail.current, trail.visit = value, _visit()
    trail.been.add(value)
    if value is None:
        st.query_params.pop(param, None)
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def _trail(param: str) -> _Trail:
    trails: dict[str, _Trail] = st.session_state.setdefault(_TRAILS, {})
    return trails.setdefault(param, _Trail())


def _visit() -> int:
    return int(st.session_state.get(_VISIT, 0))


def _moved_through_history() -> bool:
    """Whether this run was asked for by the browser's Back or Forward."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.is_history_navigation)
