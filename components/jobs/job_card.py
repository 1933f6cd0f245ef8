"""A job as a person sees it: model, status, time, and when done, the video and a download."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.boards.take_marks import take_marks
from components.jobs.continue_from import continue_button
from components.jobs.copy_as_code import has_code, job_code, job_code_body
from components.jobs.job_words import (
    STATUS_LOOK,
    charge_text,
    created_text,
    eta_text,
    model_name,
    status_look,
    timing_text,
)
from components.shell import services
from components.shell.folds import folded_popover
from components.shell.job_link import copy_link, link_body
from components.shell.markdown_text import markdown_safe
from components.shell.whose import sees_prices
from videostudio.catalogue.labels import shortened
from videostudio.history.store import Job, JobStatus
from videostudio.jobs.service import PollPolicy
from videostudio.library.videos import download_name
from videostudio.storage.names import media_file


def job_card(
    job: Job,
    *,
    key_prefix: str = "card",
    actions: Callable[[Job, str], None] | None = None,
    place: str | None = None,
) -> None:
    """Draw one job in a bordered box; ``actions`` draws more buttons beside its "Copy link" (e.g. Try again).

    ``place`` ("2 of 3") draws it as one of a batch, whose heading already names the model and the prompt: a
    narrow card titled by its place and seed, its less used actions folded into "More".
    """
    backend = services.backends().get(job.backend)
    policy = backend.policy if backend else None
    label, color, icon = status_look(job, policy)
    with st.container(border=True, key=f"{key_prefix}-{job.id}"):
        if place:  # narrow: the badge gets a line of its own, so it is read whole
            st.markdown(f"**{place}**")
            st.badge(label, icon=icon, color=color)
        else:
            header = st.columns([3, 2], vertical_alignment="center")
            header[0].markdown(f"**{model_name(job.model_id)}**")
            with header[1]:
                st.badge(label, icon=icon, color=color)
        charge = charge_text(job, backend) if sees_prices() else None  # never to a viewer
        st.caption(
            f"{created_text(job.created_at)} · {timing_text(job)}"
            + (f" · {markdown_safe(charge)}" if charge else "")
            + (f" · {backend.label.lower()}" if backend and not backend.bills else "")
        )
        if job.shared:
            st.caption(":material/group: Shared with the team")
        if place and job.params.get("seed") is not None:
            st.caption(f"Seed {job.params['seed']}")
        elif job.prompt:
            # As typed: st.text never reads Markdown, so **bold**, :red[colours] and links stay characters.
            st.text(shortened(job.prompt, 200))
        if job.is_active:
            _progress(job, policy)
        elif job.status == JobStatus.COMPLETED:
            _video(job, key_prefix)
        elif job.error:
            st.error(job.error, icon=":material/error:")
        with st.container(horizontal=True, key=f"actions-{key_prefix}-{job.id}"):
            if actions is not None:
                actions(job, key_prefix)
            take_marks(job, key_prefix)  # star, rating, Add to board… (components/boards)
            if place:
                _more(job, key_prefix)
                return
            if job.status == JobStatus.COMPLETED:
                continue_button(job, key_prefix)
            copy_link(job, key=f"link-{key_prefix}-{job.id}")
            job_code(job, key_prefix)


def _more(job: Job, key_prefix: str) -> None:
    """A batch card's Continue from here, link and code, in one popover: three buttons would not fit its width.
    Folded: drawn (the request rebuilt as code) only while it is open."""
    with folded_popover("More", icon=":material/more_horiz:", key=f"more-{key_prefix}-{job.id}") as shown:
        if not shown:
            return
        if job.status == JobStatus.COMPLETED:
            continue_button(job, key_prefix)
        link_body(job)
        if has_code(job):
            st.markdown("**Copy as code**")
            job_code_body(job, key_prefix)


def _progress(job: Job, policy: PollPolicy | None) -> None:
    if job.status == JobStatus.SUBMITTING and job.error:
        # The submit's answer was lost: the follower is looking for it in the usage logs (videostudio/jobs/recovery.py).
        st.info(job.error, icon=":material/travel_explore:")
        return
    if policy and policy.is_overdue(job):
        st.info(
            "This job is taking much longer than usual. It is still running at the provider: "
            "check back later, the studio keeps following it.",
            icon=":material/hourglass_top:",
        )
        return
    if not services.follower().can_follow(job.backend):
        st.warning("Waiting for an API key: add it in the sidebar to follow this job.", icon=":material/key:")
    doing = STATUS_LOOK[job.status][0]
    # This studio's own past runs of the model say more than the catalogue's typical time; only they give an ETA.
    median = services.job_service().store.median_seconds(job.model_id, backend=job.backend)
    if median is not None:
        typical, text = max(median, 1.0), f"{doing}… {eta_text(median, job.elapsed_seconds)}"
    else:
        model = services.model_or_none(job.model_id)
        typical = float(model.typical_seconds) if model else 0.0
        text = f"{doing}… usually {model.typical_run_time() if model else 'a few minutes'}"
    # The bar is an estimate; it never claims to be finished.
    fraction = min(job.elapsed_seconds / typical, 0.95) if typical else 0.0
    st.progress(fraction, text=text)
    if job.poll_failures:
        st.caption(f":material/wifi_off: Trouble reaching the backend ({job.error}); retrying on its own.")


def _video(job: Job, key_prefix: str) -> None:
    local = media_file(services.media_storage(), job.local_path)
    if local is not None:
        # The studio's own copy (from object storage, this machine's cached copy): it plays after the provider's
        # link has expired, streamed through the studio, so sign-in stays in front of it.
        st.video(str(local))
        st.download_button(
            "Download",
            # Read only when pressed: a card redrawn on every rerun must not load the whole video each time.
            data=local.read_bytes,
            file_name=download_name(job.model_id, job.created_at.astimezone(), job.prompt),
            mime="video/mp4",
            icon=":material/download:",
            key=f"{key_prefix}-download-{job.id}",
            on_click="ignore",
        )
    elif job.video_url:
        st.video(job.video_url)
        st.link_button("Open video", job.video_url, icon=":material/open_in_new:")
        st.caption("This link comes from the provider and expires after a day or two.")
    elif poster := media_file(services.media_storage(), job.poster_path):
        st.image(str(poster), caption="The video's first frame; the video itself is no longer available.")
