"""History: every job this studio has run, kept across reloads and restarts."""

import streamlit as st

from components import services
from components.history_table import history_table
from components.job_card import job_card

st.title("History")
jobs = services.job_service().store.list()
if not jobs:
    st.info("No jobs yet. Generate a video and it will be listed here.", icon=":material/history:")
else:
    st.caption(f"{len(jobs)} jobs. Select a row to play its video.")
    selected = history_table(jobs)
    if selected:
        job_card(selected, key_prefix="history")
