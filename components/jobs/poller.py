"""The running-jobs tray, and a cheap tick that keeps every page current with the history.

Sessions do not poll: the process's follower (videostudio/jobs/follower.py) asks the backends and writes each
answer to the history. Each page only reads the history, on a short timer, and reruns itself when what
it shows has changed: a job started (in another tab, or another studio sharing the history), moved on,
or finished. A look that finds nothing changed is one small query (``JobStore.active_stamp``) and nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import streamlit as st

from components.jobs.job_words import elapsed_text, model_name, status_look
from components.shell import services
from components.shell.notifications import (
    notices_wanted,
    notification_settings,
    notifies_instead_of_toast,
    queue_notice,
)
from components.shell.whose import seen_jobs
from videostudio.history.store import Job, JobStatus

TOASTS_KEY = "pending_toasts"
# The statuses of the running jobs as this page last drew them.
DRAWN_KEY = "tray_drawn_statuses"
# The running jobs as the tick last read them, with the history's stamp of them then (JobStore.active_stamp).
RUNNING_KEY = "tray_running_jobs"
# How often a page that shows a running job looks at the history: it shows as Done a second or two after the
# follower saw it finish.
TICK_SECONDS = 1.5
# How often a page with nothing running looks: a job started elsewhere (another tab, another studio) shows a few
# seconds later. Always on, so a tab opened before a job started sees it. Each look is a script run of the
# fragment, which costs the server some 5 ms of CPU even when nothing changed: idle tabs look half as often.
IDLE_TICK_SECONDS = 3.0


def job_tray() -> None:
    """List the running jobs compactly, and keep the page current with the history."""
    # What this run draws (job cards included) is the history as it is now; the tick compares with it.
    store = seen_jobs()  # this person's running jobs and the shared ones: never another's (videostudio/team/seen.py)
    drawn: dict[str, str] = st.session_state.get(DRAWN_KEY, {})
    now = _statuses(store.active())
    # Jobs that were running when this session last drew and are not now have ended: said here, on any full
    # run (the tick's, or one a click started just then), so that none is missed and none is said twice.
    _queue_toasts(store.get(job_id) for job_id in drawn.keys() - now.keys())
    st.session_state[DRAWN_KEY] = now
    st.fragment(_tick, run_every=tick_seconds(bool(now)))()
    _show_queued_toasts()
    # After the toasts: the notices queued with them go to the browser in this same run.
    notification_settings()


def tick_seconds(running: bool) -> float:
    """How often this page's tick looks at the history: often while a job it shows runs or its prices are due.

    The timer is set by a full run; the tick reruns the page when a job starts or ends, and that run sets it anew.
    """
    return TICK_SECONDS if running or services.prices_awaited() else IDLE_TICK_SECONDS


def watch_started(jobs: Sequence[Job]) -> None:
    """Count jobs this session just sent as drawn running, so the tray says when they end.

    The tray runs before the page that sends, and a fast job (the offline backend, a loaded machine) can end
    before the next run draws it: without this, that job would end with no toast and no notification.
    """
    drawn: dict[str, str] = st.session_state.setdefault(DRAWN_KEY, {})
    drawn.update(_statuses([job for job in jobs if job.is_active]))


def _tick() -> None:
    if services.prices_arrived():
        st.rerun(scope="app")  # the page was drawn before the live list (and its prices) came in
    # A key typed in this session lets the follower ask the API about the jobs it follows.
    services.share_key_with_follower()
    active = _running_jobs()
    _draw_running(active)
    drawn: dict[str, str] = st.session_state.get(DRAWN_KEY, {})
    if _statuses(active) != drawn:
        # The job cards are drawn outside this fragment: a full rerun redraws them with the new status.
        st.rerun(scope="app")


def _running_jobs() -> list[Job]:
    """The running jobs, read from the history only when their stamp moved since this session last read them.

    Most ticks of an open tab find nothing changed: one small query says so, and the jobs it drew last stay.
    """
    store = seen_jobs()  # this person's running jobs and the shared ones, as job_tray draws them
    stamp = store.active_stamp()
    held: tuple[frozenset[tuple[str, str, datetime]], list[Job]] | None = st.session_state.get(RUNNING_KEY)
    if held is not None and held[0] == stamp:
        return held[1]
    # A write landing between the two reads leaves an old stamp with newer jobs: the next tick reads again.
    active = store.active()
    st.session_state[RUNNING_KEY] = (stamp, active)
    return active


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
        if job is None or job.status not in (JobStatus.COMPLETED, JobStatus.FAILED):
            continue  # deleted meanwhile, or not ended
        if notices_wanted():
            queue_notice(job, model_name(job.model_id))
        if notifies_instead_of_toast():
            continue  # the browser's notification says it; a toast too would say it twice
        if job.status == JobStatus.COMPLETED:
            toasts.append((f"{model_name(job.model_id)}: your video is ready.", ":material/movie:"))
        elif job.status == JobStatus.FAILED:
            toasts.append((f"{model_name(job.model_id)}: the job failed.", ":material/error:"))


def _show_queued_toasts() -> None:
    # A toast fired just before st.rerun() is lost, so they wait in the session until this run.
    for text, icon in st.session_state.pop(TOASTS_KEY, []):
        st.toast(text, icon=icon)
