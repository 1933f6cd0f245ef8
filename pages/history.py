"""History: every job this person may see. Find one, open it to watch and reuse it, export the list, see the costs."""

import streamlit as st

from components.history.detail import show_message
from components.history.dialog import follow_job_link, opened_job_dialog
from components.history.views import pick_view
from components.shell.router import ensure_router
from components.shell.whose import may_generate, seen_jobs

ensure_router()

st.title("History")
jobs = seen_jobs()  # this person's own and the shared ones; everyone's for an admin (videostudio/team/seen.py)
unknown_link = follow_job_link(jobs)
if unknown_link:
    st.warning(unknown_link, icon=":material/link_off:")
if not jobs.count():
    nothing = "No jobs yet. Generate a video and it will be listed here."
    if not may_generate():
        nothing = "Nothing is shared with you yet. A job or a comparison shared by its owner will be listed here."
    st.info(nothing, icon=":material/history:")
    st.stop()

view = pick_view()  # Table, Gallery or Spending (components/history/views.py)
view.draw(jobs)
if view.lists_jobs and not opened_job_dialog(jobs):
    show_message()
    st.caption("Select a row, or a poster's Open, to see its video, every setting and what it cost.")
