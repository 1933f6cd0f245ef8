"""The one place that polls: a fragment that follows every active job without blocking the page."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from components import services
from components.job_card import elapsed_text, model_name, status_look
from videostudio.store import Job

TOASTS_KEY = "pending_toasts"
# The statuses of the running jobs as this page last drew them.
DRAWN_KEY = "tray_drawn_statuses"


def job_tray() -> None:
    """Poll the active jobs on a timer, and list them compactly; rerun the page when one changes."""
    active = services.job_service().store.active()
    # Another tab, or another studio sharing the database, may move a job on: each tick compares the store
    # with what this page shows, rather than trusting only its own polls to notice a change.
    st.session_state[DRAWN_KEY] = _statuses(active)
    policies = services.poll_policies()
    interval = min((policies[j.backend].interval for j in active if j.backend in policies), default=None)
    st.fragment(_tick, run_every=interval)()
    _show_queued_toasts()


def _tick() -> None:
    service = services.job_service()
    running = service.store.active()
    if running:
        clients = {name: services.client_for(name) for name in {job.backend for job in running}}
        service.poll_due({k: v for k, v in clients.items() if v is not None}, services.poll_policies())
    active = service.store.active()
    _draw_running(active)
    drawn: dict[str, str] = st.session_state.get(DRAWN_KEY, {})
    if _statuses(active) != drawn:
        _queue_toasts(service.store.get(job_id) for job_id in drawn.keys() - {job.id for job in active})
        # The job cards are drawn outside this fragment: a full rerun redraws them with the new status.
        st.rerun()


def _statuses(jobs: list[Job]) -> dict[str, str]:
    return {job.id: job.status for job in jobs}


def _draw_running(active: list[Job]) -> None:
    if not active:
        return
    st.caption(f"Running jobs ({len(active)})")
    policies = services.poll_policies()
    for job in active:
        label, _color, icon = status_look(job, policies.get(job.backend))
        st.caption(f"{icon} {model_name(job.model_id)}: {label.lower()}, {elapsed_text(job.elapsed_seconds)}")


def _queue_toasts(finished: Iterable[Job | None]) -> None:
    toasts = st.session_state.setdefault(TOASTS_KEY, [])
    for job in finished:
        if job is None:
            continue  # deleted meanwhile
        if job.status == "completed":
            toasts.append((f"{model_name(job.model_id)}: your video is ready.", ":material/movie:"))
        elif job.status == "failed":
            toasts.append((f"{model_name(job.model_id)}: the job failed.", ":material/error:"))


def _show_queued_toasts() -> None:
    # A toast fired just before st.rerun() is lost, so they wait in the session until this run.
    for text, icon in st.session_state.pop(TOASTS_KEY, []):
        st.toast(text, icon=icon)
