"""Which job this session started last from Generate: it is shown right under the button until it ends."""

from __future__ import annotations

import streamlit as st

STARTED_KEY = "generate_started_job"


def remember_started(job_id: str) -> None:
    st.session_state[STARTED_KEY] = job_id


def started_job_id() -> str | None:
    return st.session_state.get(STARTED_KEY)
