"""Compare: the picker of finished jobs (which writes them into the address), the synced player, and every
setting side by side with the differences highlighted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.boards.take_marks import marks_row
from components.compare.synced_player import Tile, synced_player
from components.form.media_url import media_url
from components.history.detail import parameter_rows
from components.jobs.job_words import charge_text, created_text, elapsed_text, model_name, pick_labels
from components.shell import services
from components.shell.address import address_value, set_address
from components.shell.job_link import COMPARE_PARAM, compare_url
from components.shell.whose import sees_prices
from videostudio.history.store import Job
from videostudio.library.videos import kept_videos
from videostudio.storage.names import media_file
from videostudio.team.seen import SeenJobs
from videostudio.workflows.compare import MAX_JOBS, MIN_JOBS, SettingRow, compare_ids, differing, side_by_side

PICK_KEY = "compare_pick"
ONLY_DIFFERENCES_KEY = "compare_only_differences"
# How many of the newest finished jobs the picker looks through for videos kept on this computer.
PICKER_JOBS = 300
DIFFERENCE_LOOK = "background-color: rgba(255, 189, 69, 0.28); font-weight: 600"
MODEL_SETTING = "Model"
PROMPT_SETTING = "Prompt"
TILE_HEADINGS = (MODEL_SETTING, PROMPT_SETTING)


def address_ids() -> list[str]:
    """The job ids the address names (``?jobs=a,b,c``), in order, each once."""
    return compare_ids(address_value(COMPARE_PARAM))


def compare_picker(store: SeenJobs, ids: list[str]) -> bool:
    """Pick 2 to 4 finished jobs, newest first; each change is written into the address, so the view is a link.

    False when there is no finished video to pick (the page says so).
    """
    # A job named by the address stays pickable even when older than the newest PICKER_JOBS.
    labels = pick_labels(list(kept_videos(store, PICKER_JOBS, also=ids).values()))
    wanted = [job_id for job_id in ids if job_id in labels][:MAX_JOBS]
    if st.session_state.get(PICK_KEY) != wanted:
        # The address leads (a link, History's "Compare with…", the browser's Back): the picker follows it.
        st.session_state[PICK_KEY] = wanted
    if not labels:
        st.info("No finished videos yet. Generate a few and compare them here.", icon=":material/compare:")
        return False
    st.multiselect(
        f"Videos to compare ({MIN_JOBS} to {MAX_JOBS})",
        options=list(labels),
        format_func=labels.__getitem__,
        max_selections=MAX_JOBS,
        key=PICK_KEY,
        on_change=_write_address,
        placeholder="Pick finished videos, newest first",
        help="Only finished videos kept on this computer can be compared. The address of this page then opens "
        "the same comparison for anyone who reaches this studio.",
    )
    return True


def _write_address() -> None:
    picked = list(st.session_state.get(PICK_KEY) or [])
    set_address(COMPARE_PARAM, ",".join(picked) or None)


def settings_rows(jobs: list[Job]) -> list[SettingRow]:
    """Every setting of every job as one row per setting, with the model, cost and run time first."""
    columns = []
    prices = sees_prices()
    for job in jobs:
        model = services.model_or_none(job.model_id)
        backend = services.backends().get(job.backend)
        facts = [
            (MODEL_SETTING, model_name(job.model_id)),
            *([("Cost", charge_text(job, backend) or "–")] if prices else []),
            ("Took", elapsed_text(job.elapsed_seconds)),
            ("Length", f"{job.video_seconds:.1f} s" if job.video_seconds else "–"),
        ]
        params = [(row["Setting"], row["Value"]) for row in parameter_rows(job, model)]
        columns.append(facts + params)
    return side_by_side(columns)


def column_names(jobs: list[Job]) -> list[str]:
    """One column per job, numbered as the videos are: "1 · Kling 1.0"."""
    return [f"{number} · {model_name(job.model_id)}" for number, job in enumerate(jobs, start=1)]


def settings_table(jobs: list[Job], rows: list[SettingRow]) -> None:
    """The table with one column per job; rows that differ are highlighted, or shown alone when asked."""
    st.subheader("Settings side by side")
    only = st.toggle("Only show differences", key=ONLY_DIFFERENCES_KEY)
    shown = differing(rows) if only else rows
    if not shown:
        st.info("These jobs were made with the same settings.", icon=":material/check:")
        return
    names = column_names(jobs)
    frame = pd.DataFrame(
        [[row.setting, *row.values, "differs" if row.differs else ""] for row in shown],
        columns=["Setting", *names, "Difference"],
    )
    styled = frame.style.apply(lambda row: [DIFFERENCE_LOOK if row["Difference"] else "" for _ in row], axis="columns")
    st.dataframe(styled, hide_index=True, width="stretch", key="compare_table")
    st.caption('Highlighted rows differ between the jobs; "–" means a job has no such setting.')


def compare_view(jobs: list[Job], store: SeenJobs) -> None:
    """The synced player, each video with its settings underneath, then the table of settings."""
    rows = settings_rows(jobs)
    prices = sees_prices()
    tiles = [_tile(number, job, rows, prices) for number, job in enumerate(jobs)]
    synced_player(tiles)
    marks_row(jobs, "compare")  # star, rate, Add to board… each take (components/boards)
    with st.container(horizontal=True):
        with st.popover("Copy link", icon=":material/link:", key="compare_link"):
            st.caption("This link opens this comparison, on any browser that reaches this studio.")
            st.code(compare_url([job.id for job in jobs]), language=None, wrap_lines=True)
        share_comparison(jobs, store)
    settings_table(jobs, rows)


def share_comparison(jobs: list[Job], store: SeenJobs) -> None:
    """ "Share this comparison": shares each of its jobs this person may change, and gives the link to send.

    Only for someone who sees a team's work by its owners (an admin's or a studio without sign-in shows
    everything already). Members who open the link can watch it: sharing grants viewing only.
    """
    if store.everyones and store.person is not None and not store.person.signed_in:
        return  # a studio without sign-in: one person, nobody to share with
    own = [job for job in jobs if store.may_change(job)]
    if not own:
        return
    unshared = [job for job in own if not job.shared]
    with st.popover("Share this comparison", icon=":material/group:", key="compare_share"):
        if unshared:
            st.caption(
                f"Shares the {len(unshared)} of these videos that are yours and not shared yet with the team: "
                "members who open the link can watch them, never change or delete them."
            )
            st.button(
                "Share with the team",
                icon=":material/share:",
                key="compare_share_now",
                on_click=_share_all,
                args=(store, [job.id for job in unshared]),
            )
        else:
            st.caption(":material/group: Shared with the team: members who open this link can watch it.")
            st.code(compare_url([job.id for job in jobs]), language=None, wrap_lines=True)


def _share_all(store: SeenJobs, job_ids: list[str]) -> None:
    for job_id in job_ids:
        job = store.get(job_id)
        if job is not None:
            store.share(job, True)


def _tile(index: int, job: Job, rows: list[SettingRow], prices: bool) -> Tile:
    # Files on this machine (from object storage, its cached copies): Streamlit's media endpoint streams them.
    media = services.media_storage()
    video = media_file(media, job.local_path)
    poster = media_file(media, job.poster_path)
    backend = services.backends().get(job.backend)
    charge = charge_text(job, backend) if prices else None
    # The model is the tile's title and the prompt is written out above the rows.
    listed = [(row.setting, row.values[index], row.differs) for row in rows if row.setting not in TILE_HEADINGS]
    prompt_differs = any(row.differs for row in rows if row.setting == PROMPT_SETTING)
    return Tile(
        src=media_url(video, f"compare-video-{index}", "video/mp4") if video else "",
        poster=media_url(poster, f"compare-poster-{index}", "image/jpeg") if poster else "",
        title=f"{index + 1} · {model_name(job.model_id)}",
        caption=" · ".join(p for p in (created_text(job.created_at), elapsed_text(job.elapsed_seconds), charge) if p),
        prompt=job.prompt,
        prompt_differs=prompt_differs,
        duration=float(job.video_seconds or 0.0),
        rows=listed,
    )
