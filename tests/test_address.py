"""components/shell/address.py: a run carrying an older address never undoes the person's later choice."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.apptest


def _page() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from components.shell.address import address_value, note_page, set_address

    ctx = get_script_run_ctx()
    assert ctx is not None
    ctx.is_history_navigation = bool(st.session_state.pop("back", False))  # as the browser's Back asks for a run
    page = st.session_state.get("page", "compare")
    note_page(page)
    if page != "compare" or st.session_state.pop("stopped", False):
        return  # another page, which does not read ?jobs=; or a run stopped before the page read it
    st.session_state["read"] = address_value("jobs")
    if st.session_state.get("choose", "unset") != "unset":
        set_address("jobs", st.session_state.pop("choose"))  # as a picker's callback writes it


def run(at: AppTest, address: str | None, **state: object) -> AppTest:
    """A run asked for with ``address`` in the browser's address bar (``None``: no ``?jobs=``)."""
    at.query_params.pop("jobs", None)
    if address is not None:
        at.query_params["jobs"] = address
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_run_carrying_an_address_the_session_moved_on_from_gets_the_sessions_own() -> None:
    at = run(AppTest.from_function(_page), "a,b")
    assert at.session_state["read"] == "a,b"  # a link opened: followed
    run(at, "a,b", choose="a,b,c")
    assert at.query_params["jobs"] == "a,b,c"
    run(at, "a,b")  # a tick the browser asked for before it heard of a,b,c
    assert at.session_state["read"] == "a,b,c"
    assert at.query_params["jobs"] == "a,b,c"  # put right in the browser too
    run(at, "d,e")  # never this session's: somebody's link pasted in, followed
    assert at.session_state["read"] == "d,e"


def test_taking_the_parameter_away_is_kept_too_and_a_missing_parameter_can_be_an_echo() -> None:
    at = run(AppTest.from_function(_page), None)
    assert at.session_state["read"] is None
    run(at, None, choose="a,b")
    run(at, None)  # the run asked for before the browser learned ?jobs=a,b
    assert at.session_state["read"] == "a,b"
    run(at, "a,b", choose=None)
    assert "jobs" not in at.query_params
    run(at, "a,b")
    assert at.session_state["read"] is None
    assert "jobs" not in at.query_params


def test_an_address_brought_from_another_page_is_followed() -> None:
    at = run(AppTest.from_function(_page), "a,b")
    run(at, "a,b", choose="a,b,c")
    run(at, None, page="history")  # the person went to History...
    run(at, "a,b", page="compare")  # ...and came back with its "Compare with…" for a and b
    assert at.session_state["read"] == "a,b"
    assert at.query_params["jobs"] == "a,b"


def test_back_and_forward_are_followed() -> None:
    at = run(AppTest.from_function(_page), "a,b")
    run(at, "a,b", choose="a,b,c")
    run(at, "a,b", back=True)
    assert at.session_state["read"] == "a,b"
    run(at, "a,b,c", back=True)
    assert at.session_state["read"] == "a,b,c"


def test_an_arrival_is_kept_until_the_page_reads_the_address() -> None:
    at = run(AppTest.from_function(_page), "a,b")
    run(at, "a,b", choose="a,b,c")
    run(at, None, page="history")
    run(at, "a,b", page="compare", stopped=True)  # the first run back on Compare is stopped by a click at once
    run(at, "a,b")
    assert at.session_state["read"] == "a,b"
    run(at, "a,b,c", back=True, stopped=True)  # Forward to a,b,c is taken in a run that is stopped...
    run(at, "a,b,c")
    assert at.session_state["read"] == "a,b,c"  # ...and still followed in the next
