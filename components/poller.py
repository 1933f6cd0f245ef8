"""The one place that polls: a fragment that follows every active job without blocking the page."""

from __future__ import annotations

import streamlit as st

from components import services
from components.job_card import elapsed_text, model_name, status_look

TOASTS_KEY = "pending_toasts"


def job_tray() -> None:
    """Poll the active jobs on a timer, and list them compactly; rerun the page when one changes."""
    service = services.job_service()
    active = service.store.active()
    policies = services.poll_policies()
    interval = min((policies[j.backend].interval for j in active if j.backend in policies), default=None)
    st.fragment(_tick, run_every=interval)()
    _show_queued_toasts()


def _tick() -> None:
    service = services.job_service()
    active = service.store.active()
    if not active:
        return
    clients = {name: services.client_for(name) for name in {job.backend for job in active}}
    changed = service.poll_due({k: v for k, v in clients.items() if v is not None}, services.poll_policies())
    still_active = service.store.active()
    if still_active:
        st.caption(f"Running jobs ({len(still_active)})")
        policies = services.poll_policies()
        for job in still_active:
            label, _color, icon = status_look(job, policies.get(job.backend))
            st.caption(f"{icon} {model_name(job.model_id)}: {label.lower()}, {elapsed_text(job.elapsed_seconds)}")
    if changed:
        toasts = st.session_state.setdefault(TOASTS_KEY, [])
        for job in changed:
            if job.status == "completed":
                toasts.append((f"{model_name(job.model_id)}: your video is ready.", ":material/movie:"))
            elif job.status == "failed":
                toasts.append((f"{model_name(job.model_id)}: the job failed.", ":material/error:"))
        # The job cards are drawn outside this fragment: a full rerun redraws them with the new status.
        st.rerun()


def _show_queued_toasts() -> None:
    # A toast fired just before st.rerun() is lost, so they wait in the session until this run.
    for text, icon in st.session_state.pop(TOASTS_KEY, []):
        st.toast(text, icon=icon)
