"""Join clips: finished videos put end to end, in a chosen order, into one MP4 that is a History item of its own.

On History, "Join clips" opens a panel: choose finished clips (the list keeps the order they were chosen in),
see their total length, press Join. An opened job that is part of a chain (``parent_id`` links) has "Join this
chain", which opens the panel with the chain chosen, first to last. A join that fails says so right under the Join
button; one that works opens the joined video, whose dialog says how it was made.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.history.detail import MESSAGE_KEY, open_job
from components.jobs.job_words import model_name, pick_labels
from components.shell import services
from components.shell.whose import current_person, may_generate, seen_jobs
from videostudio.catalogue.labels import counted, shortened
from videostudio.history.store import Job
from videostudio.library.chain import ChainError, chain_of, record_joined
from videostudio.library.videos import kept_videos
from videostudio.team.seen import SeenJobs

log = logging.getLogger(__name__)

JOIN_OPEN_KEY = "join_open"  # whether the Join clips panel is shown
JOIN_PICK_KEY = "join_pick"  # the chosen job ids, in order (the multiselect's value)
# Why the last Join did not work, shown once under the Join button (where the person is looking, not below the list).
JOIN_MESSAGE_KEY = "join_message"
# The newest finished jobs offered for joining: a person joins recent takes, not the whole history.
OFFERED = 200


def join_panel(store: SeenJobs) -> None:
    """The "Join clips" button, and the panel it opens (for a role that generates; clips it may view)."""
    if not may_generate():
        return
    state = st.session_state
    opened = state.get(JOIN_OPEN_KEY, False)
    st.button(
        "Hide Join clips" if opened else "Join clips",
        key="join_toggle",
        icon=":material/movie_edit:",
        on_click=_toggle,
        help="Put finished clips end to end in one video",
    )
    if not opened:
        return
    # Chosen clips stay choosable even when older than the newest ones offered ("Join this chain").
    offered = kept_videos(store, OFFERED, also=state.get(JOIN_PICK_KEY, []))
    still = [i for i in state.get(JOIN_PICK_KEY, []) if i in offered]
    if still != state.get(JOIN_PICK_KEY, []):
        state[JOIN_PICK_KEY] = still  # a chosen clip was deleted meanwhile
    with st.container(border=True, key="join_panel"):
        if len(offered) < 2:
            st.info("Joining needs at least two finished videos kept on this computer.", icon=":material/movie:")
            return
        labels = pick_labels(list(offered.values()))
        picked = st.multiselect(
            "Clips, in the order they play",
            list(labels),
            format_func=labels.__getitem__,
            key=JOIN_PICK_KEY,
            placeholder="Choose clips in the order they should play",
            help="The joined video plays them in the order chosen here; remove one and add it again to move it last",
        )
        jobs = [offered[i] for i in picked]
        total = sum(j.video_seconds or 0.0 for j in jobs)
        st.caption(f"{counted(len(jobs), 'clip')} · {total:.1f} s in all" if jobs else "No clips chosen yet.")
        st.button(
            "Join",
            type="primary",
            icon=":material/join:",
            key="join_run",
            on_click=_join,
            args=(picked,),
            disabled=len(jobs) < 2,
            help=None if len(jobs) >= 2 else "Choose at least two clips",
        )
        refused = state.pop(JOIN_MESSAGE_KEY, None)
        if refused:
            st.error(refused, icon=":material/error:")


def clip_title(job: Job) -> str:
    """A clip in the joined video's settings: "Kling 2.1 ("a cat surfing")"."""
    name = model_name(job.model_id)
    if job.prompt and job.kind.was_sent:  # a joined clip's prompt only repeats its name
        return f"{name} (“{shortened(job.prompt, 40)}”)"
    return name


def join_chain_button(job: Job) -> None:
    """On an opened job that is part of a chain: open the join panel with the chain chosen, first to last."""
    if not job.kind.was_sent or not job.has_local_video or not may_generate():
        return
    store = seen_jobs()
    if not job.parent_id and not store.children_of(job.id):
        return
    chain = chain_of(store, job)
    st.button(
        "Join this chain",
        icon=":material/link:",
        key=f"join_chain_{job.id}",
        on_click=_pick_chain,
        args=([j.id for j in chain if j.has_local_video],),
        help=f"Join the {len(chain)} clips this one is part of, in the order they continue each other",
    )


def _toggle() -> None:
    st.session_state[JOIN_OPEN_KEY] = not st.session_state.get(JOIN_OPEN_KEY, False)


def _pick_chain(job_ids: list[str]) -> None:
    state = st.session_state
    state[JOIN_OPEN_KEY] = True
    state[JOIN_PICK_KEY] = job_ids
    open_job(None)  # the dialog closes on the panel


def _join(job_ids: list[str]) -> None:
    state = st.session_state
    person = current_person()
    if person is None or not person.sheet.may_generate:
        return  # a late press after the role changed: the button is gone by now
    seen = seen_jobs()
    jobs = [j for j in (seen.get(i) for i in job_ids) if j is not None]
    if len(jobs) != len(job_ids):
        state[JOIN_MESSAGE_KEY] = (
            "A chosen clip was deleted, or is no longer shared, so nothing was joined. Check the list."
        )
        return
    total = sum(j.video_seconds or 0.0 for j in jobs)
    try:
        # Streamlit shows a spinner only after half a second: a copied join of short clips never shows it, a
        # re-encode (0.4 s per second of 720p video, 0.7 s at 1080p, on a busy machine; bench/chain.py) does.
        with st.spinner(f"Joining {len(jobs)} clips ({total:.0f} s)…", show_time=True):
            titles = [clip_title(j) for j in jobs]
            owner = person.owner if person else None
            joined, result = record_joined(seen.store, jobs, services.media_storage(), titles, owner=owner)
    except ChainError as exc:
        state[JOIN_MESSAGE_KEY] = f"The clips were not joined. {exc}"  # the core's words are for the person
        return
    except OSError:
        log.exception("keeping the joined video failed")  # the library's words go to the log, not the page
        state[JOIN_MESSAGE_KEY] = "The joined video could not be kept. Check that the disk has room, then try again."
        return
    state[MESSAGE_KEY] = ("ok", f"Joined {len(jobs)} clips into one {result.seconds:.1f} s video ({result.how}).")
    state[JOIN_PICK_KEY] = []
    state[JOIN_OPEN_KEY] = False
    open_job(joined.id)
