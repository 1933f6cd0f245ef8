"""History: every job this studio has run. Find one, open it to watch and reuse it, export the list, see the costs."""

import streamlit as st

from components import services
from components.history_detail import show_message
from components.history_dialog import follow_job_link, opened_job_dialog
from components.history_views import pick_view
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

view = pick_view()  # Table, Gallery or Spending (components/history_views.py)
view.draw(store)
if view.lists_jobs and not opened_job_dialog(store):
    show_message()
    st.caption("Select a row, or a poster's Open, to see its video, every setting and what it cost.")
