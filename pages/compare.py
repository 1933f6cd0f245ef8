"""Compare: 2 to 4 finished videos side by side, played in sync, with their settings and the differences."""

import streamlit as st

from components.compare.compare_view import address_ids, compare_picker, compare_view
from components.jobs.job_words import model_name
from components.shell.router import ensure_router
from components.shell.whose import NOT_SHARED, seen_jobs
from videostudio.workflows.compare import MIN_JOBS, select_jobs

ensure_router()

st.title("Compare")
store = seen_jobs()  # this person's own and the shared ones; everyone's for an admin
ids = address_ids()
if store.everyones:
    selection = select_jobs(ids, store.get, model_name)
else:  # a job of someone else's that isn't shared reads as no job at all: a link never confirms that an id exists
    selection = select_jobs(ids, store.get, model_name, not_found=NOT_SHARED)
for problem in dict.fromkeys(selection.problems):  # each sentence once
    st.warning(problem, icon=":material/link_off:")
any_finished = compare_picker(store, [job.id for job in selection.jobs])
if selection.ready:
    compare_view(selection.jobs, store)
elif selection.jobs:
    st.caption(f"Pick at least {MIN_JOBS} videos to play them side by side.")
elif any_finished:
    st.caption("Pick finished videos above, or open Compare from a job in History with **Compare with…**.")
