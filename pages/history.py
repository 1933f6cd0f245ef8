"""History: every job this studio has run. Find one, open it to watch and reuse it, export the list, see the costs."""

import streamlit as st

from components import services
from components.history_costs import spending
from components.history_detail import show_message
from components.history_dialog import follow_job_link, opened_job_dialog
from components.history_export import export_buttons
from components.history_filters import GALLERY, SPENDING, current_page, history_filters, pick_view
from components.history_gallery import history_gallery
from components.history_table import history_table
from components.join_clips import join_panel
from components.router import ensure_router

ensure_router()

st.title("History")
store = services.job_service().store
unknown_link = follow_job_link(store)
if unknown_link:
    st.warning(unknown_link, icon=":material/link_off:")
if not store.count():
    st.info("No jobs yet. Generate a video and it will be listed here.", icon=":material/history:")
    st.stop()

view = pick_view()
if view == SPENDING:
    spending(store)
    st.stop()

join_panel(store)
query = history_filters()
jobs, total = current_page(store, query, view)
if not jobs:
    st.info("No jobs match these filters.", icon=":material/filter_alt_off:")
elif view == GALLERY:
    history_gallery(jobs)
else:
    history_table(jobs)
export_buttons(store, query, total)

if not opened_job_dialog(store):
    show_message()
    st.caption("Select a row, or a poster's Open, to see its video, every setting and what it cost.")
