"""Compare: 2 to 4 finished videos side by side, played in sync, with their settings and the differences."""

import streamlit as st

from components.compare.compare_view import address_ids, compare_picker, compare_view
from components.jobs.job_words import model_name
from components.shell import services
from components.shell.router import ensure_router
from videostudio.workflows.compare import MIN_JOBS, select_jobs

ensure_router()

st.title("Compare")
store = services.job_service().store
ids = address_ids()
selection = select_jobs(ids, store.get, model_name)
for problem in selection.problems:
    st.warning(problem, icon=":material/link_off:")
any_finished = compare_picker(store, [job.id for job in selection.jobs])
if selection.ready:
    compare_view(selection.jobs)
elif selection.jobs:
    st.caption(f"Pick at least {MIN_JOBS} videos to play them side by side.")
elif any_finished:
    st.caption("Pick finished videos above, or open Compare from a job in History with **Compare with…**.")
