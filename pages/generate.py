"""Generate: pick a model, fill its form, press Generate, watch the jobs."""

import streamlit as st

from components.form.schema_form import draw_form
from components.generate.drafts import keep_draft, open_last_model, restore_draft
from components.generate.followup import started_job, try_again_button
from components.generate.generate_controls import generate_controls, pick_model
from components.generate.presets import preset_bar
from components.jobs.batch_group import latest_jobs
from components.jobs.continue_from import continue_note, follow_continue_link
from components.shell.router import ensure_router
from components.shell.whose import seen_jobs
from videostudio.form.payload import build_payload

ensure_router()

RECENT_JOBS = 6

st.title("Generate")
form_column, jobs_column = st.columns([3, 2], gap="large")
with form_column:
    open_last_model()
    follow_continue_link()  # after: a continuation opens the model browser even on a fresh visit
    model = pick_model()
    continue_note(model)
    restore_draft(model)
    preset_bar(model)
    form = draw_form(model)
    payload = build_payload(model, form.values)  # once per run: the draft and the button share it
    keep_draft(model, form, payload)
    generate_controls(model, form, payload)
    started_job()
with jobs_column:
    st.subheader("Latest jobs")
    # A batch shows as one group with all its jobs.
    if not latest_jobs(seen_jobs(), RECENT_JOBS, actions=try_again_button):
        st.caption("Your jobs appear here. They keep running if you leave the page or close the browser.")
