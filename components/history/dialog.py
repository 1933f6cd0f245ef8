"""An opened job in History: a dialog over the table (its video, settings, actions and the Delete confirmation),
and the link that opens it, ``/history?job=<id>``.

While a job is open the address bar holds its link, so it can be copied from there too.
"""

from __future__ import annotations

import streamlit as st

from components.history.actions import CONFIRM_KEY, job_actions
from components.history.detail import TABLE_EPOCH, job_detail, job_settings, open_job, opened_job, show_message
from components.jobs.batch_group import batch_siblings
from components.jobs.job_words import dialog_title
from components.shell import services
from components.shell.address import address_value, set_address
from components.shell.job_link import JOB_PARAM
from components.shell.whose import NOT_SHARED, seen_jobs
from videostudio.history.store import Job
from videostudio.team.seen import SeenJobs

_LINK_SEEN = "_history_job_link_seen"  # the last ?job= acted on: a link opens its job once


def follow_job_link(store: SeenJobs) -> str | None:
    """Open the job a ``?job=`` link names (once per link); what to tell the person if they can't see such a job.

    A job of someone else's that isn't shared, and a job that doesn't exist, get the same words: a link never
    confirms that an id is in the studio. Someone who sees everyone's work is told it may have been deleted.
    """
    requested = address_value(JOB_PARAM)  # an older address a late run carries reads as the current one
    state = st.session_state
    if not requested or requested == state.get(_LINK_SEEN):
        return None
    state[_LINK_SEEN] = requested
    if store.get(requested) is None:
        set_address(JOB_PARAM, None)
        if not store.everyones:
            return NOT_SHARED
        return "The link names a job that is not in this studio's history: it may have been deleted."
    open_job(requested)
    return None


def opened_job_dialog(store: SeenJobs) -> bool:
    """Show the opened job in a dialog, and keep ``?job=`` in step with it; True when a job is open."""
    job = opened_job(store)
    state = st.session_state
    if job is None:
        set_address(JOB_PARAM, None)
        return False
    set_address(JOB_PARAM, job.id)
    state[_LINK_SEEN] = job.id
    st.dialog(dialog_title(job), width="large", on_dismiss=close_job_dialog)(_job_dialog_body)()
    return True


def close_job_dialog() -> None:
    open_job(None)
    st.session_state.pop(CONFIRM_KEY, None)
    st.session_state[TABLE_EPOCH] = st.session_state.get(TABLE_EPOCH, 0) + 1


def _job_dialog_body() -> None:
    # Runs again on its own after each button inside it: the job is read anew (Run again opens the new one).
    job = opened_job(seen_jobs())
    if job is None:
        st.session_state[TABLE_EPOCH] = st.session_state.get(TABLE_EPOCH, 0) + 1
        st.rerun()  # deleted: close the dialog
        return
    show_message()
    model = services.model_or_none(job.model_id)
    with st.container(key="history_opened"):
        watch, about = st.columns(2, gap="large")
        with watch:
            job_detail(job)
        with about:
            job_actions(job, model)
            job_settings(job, model)
    batch_siblings(job, _open_sibling)


def _open_sibling(job: Job, key_prefix: str) -> None:
    st.button(
        "Open", key=f"open-{key_prefix}-{job.id}", icon=":material/open_in_full:", on_click=open_job, args=(job.id,)
    )
