"""History: every job this studio has run. Find one, open it to watch and reuse it, export the list, see the costs."""

import streamlit as st

from components import services
from components.history_actions import job_actions
from components.history_costs import spending
from components.history_detail import job_detail, job_settings, opened_job, show_message
from components.history_export import export_buttons
from components.history_filters import GALLERY, SPENDING, current_page, history_filters, pick_view
from components.history_gallery import history_gallery
from components.history_table import history_table
from components.router import ensure_router

ensure_router()

st.title("History")
store = services.job_service().store
if not store.count():
    st.info("No jobs yet. Generate a video and it will be listed here.", icon=":material/history:")
    st.stop()

view = pick_view()
if view == SPENDING:
    spending(store)
    st.stop()

query = history_filters()
jobs, total = current_page(store, query, view)
if not jobs:
    st.info("No jobs match these filters.", icon=":material/filter_alt_off:")
elif view == GALLERY:
    history_gallery(jobs)
else:
    history_table(jobs)
export_buttons(store, query, total)

show_message()
job = opened_job(store)
if job:
    model = services.model_or_none(job.model_id)
    with st.container(border=True, key="history_opened"):
        watch, about = st.columns(2, gap="large")
        with watch:
            job_detail(job)
        with about:
            job_actions(job, model)
            job_settings(job, model)
else:
    st.caption("Select a row, or a poster's Open, to see its video, every setting and what it cost.")
