"""A compact status line for narrow screens, where the sidebar is folded away: the backend and the running jobs.

Drawn on every page by app.py; hidden by CSS where the sidebar shows the same things (768 px and wider, the
width from which Streamlit keeps the sidebar open). The polling tick reruns the page when a job starts or ends.
"""

from __future__ import annotations

import streamlit as st

from components.jobs.job_words import model_name
from components.shell import services
from components.shell.whose import seen_jobs

KEY = "status_line"
_WIDE = "@media (min-width: 768px) { .st-key-status_line { display: none; } }"


def status_line() -> None:
    current = services.current_backend()
    active = seen_jobs().active()
    with st.container(horizontal=True, key=KEY, vertical_alignment="center", gap="small"):
        st.badge(current.badge, icon=current.icon, color=current.color)
        if active:
            names = ", ".join(model_name(job.model_id) for job in active[:2])
            more = f" and {len(active) - 2} more" if len(active) > 2 else ""
            st.badge(f"Running ({len(active)}): {names}{more}", icon=":material/autorenew:", color="violet")
    st.html(f"<style>{_WIDE}</style>")
