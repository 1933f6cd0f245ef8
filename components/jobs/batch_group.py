"""A batch as one group: a heading ("Batch of 3 · model · prompt"), its jobs side by side, and Compare.

Used by Latest jobs on Generate, right under the button for the batch just sent, and for an opened job's
siblings in History. The columns stack on a phone. Compare opens when 2 to 4 of the batch have finished.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from components.jobs.job_card import job_card
from components.jobs.job_words import model_name
from components.shell.job_link import compare_link
from components.shell.markdown_text import as_typed
from components.shell.whose import seen_jobs
from videostudio.catalogue.labels import shortened
from videostudio.history.store import Job, JobStatus
from videostudio.jobs.batches import group_jobs, position_text
from videostudio.team.seen import SeenJobs

PER_ROW = 3
# Compare shows at most this many videos side by side.
COMPARE_MAX = 4
PROMPT_CHARS = 60

Actions = Callable[[Job, str], None]


def batch_heading(members: Sequence[Job]) -> str:
    """``Batch of 3 · Kling 1.6 · a fox in the snow``."""
    first = members[0]
    prompt = shortened(first.prompt, PROMPT_CHARS)
    return " · ".join(part for part in (f"Batch of {len(members)}", model_name(first.model_id), prompt) if part)


def finished_ids(members: Sequence[Job]) -> list[str]:
    """The batch's finished jobs to compare, in send order: at most ``COMPARE_MAX``."""
    return [job.id for job in members if job.status == JobStatus.COMPLETED][:COMPARE_MAX]


def batch_group(
    members: Sequence[Job], *, key_prefix: str, actions: Actions | None = None, per_row: int = PER_ROW
) -> None:
    """Draw one batch: its heading, Compare when 2 or more have finished, and its jobs side by side."""
    if not members:
        return
    with st.container(border=True, key=f"batch-{key_prefix}-{members[0].batch_id}"):
        st.markdown(f":material/stacks: **{as_typed(batch_heading(members))}**")
        done = finished_ids(members)
        if len(done) >= 2:
            finished = sum(job.status == JobStatus.COMPLETED for job in members)
            label = "Compare" if finished <= COMPARE_MAX else f"Compare the first {COMPARE_MAX}"
            compare_link(done, label)
        for start in range(0, len(members), per_row):
            row = members[start : start + per_row]
            for column, job in zip(st.columns(per_row), row, strict=False):
                with column:
                    job_card(job, key_prefix=key_prefix, actions=actions, place=position_text(job, members))


def latest_jobs(store: SeenJobs, limit: int, *, actions: Actions | None = None) -> int:
    """The latest ``limit`` jobs, each batch among them as one group with all its jobs; how many were drawn."""
    recent = store.list(limit=limit)
    batches = store.batch_members({job.batch_id for job in recent if job.batch_id})
    for group in group_jobs(recent):
        batch_id = group[0].batch_id
        if batch_id and len(batches.get(batch_id, group)) > 1:
            batch_group(batches[batch_id], key_prefix="card", actions=actions, per_row=2)
        else:
            job_card(group[0], actions=actions)
    return len(recent)


def batch_siblings(job: Job, open_sibling: Actions) -> None:
    """In an opened job's dialog: the whole batch it was sent with, side by side; ``open_sibling`` opens another."""
    if not job.batch_id:
        return
    members = seen_jobs().batch_members([job.batch_id]).get(job.batch_id, [])
    if len(members) < 2:
        return
    place = position_text(job, members)
    st.caption(f"This job is {place} of a batch: one press of Generate sent them together.")

    def actions(member: Job, key_prefix: str) -> None:
        if member.id != job.id:
            open_sibling(member, key_prefix)

    batch_group(members, key_prefix="sibling", actions=actions, per_row=4)
