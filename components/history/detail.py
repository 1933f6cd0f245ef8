"""An opened job: its video, every setting it was made with, what it cost, and what went wrong."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.jobs.job_card import job_card
from components.jobs.job_words import elapsed_text
from components.shell import services
from components.shell.whose import sees_prices
from videostudio.catalogue import Model, humanize
from videostudio.catalogue.pricing import money, usd_of
from videostudio.history.store import Job, JobStatus
from videostudio.library.chain import joined_settings
from videostudio.team.seen import SeenJobs

# The id of the job shown in detail; set by the table, the gallery's Open buttons and Run again.
OPEN_KEY = "history_open"
# Bumped when the opened job's dialog closes: the History table gets a new key, so the row that opened the job is
# no longer selected and one click opens it again.
TABLE_EPOCH = "history_table_epoch"
# A message from the last action on an opened job (Run again, Delete), shown once.
MESSAGE_KEY = "history_message"


def open_job(job_id: str | None) -> None:
    if job_id is None:
        st.session_state.pop(OPEN_KEY, None)
    else:
        st.session_state[OPEN_KEY] = job_id


def opened_job_id() -> str | None:
    return st.session_state.get(OPEN_KEY)


def opened_job(store: SeenJobs) -> Job | None:
    """The opened job as stored now; forgets it if it was deleted (or stopped being shared)."""
    job_id = opened_job_id()
    job = store.get(job_id) if job_id else None
    if job_id and job is None:
        open_job(None)
    return job


def show_message() -> None:
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text)


def job_detail(job: Job) -> None:
    """The job's card (video or progress, error) and what it used."""
    job_card(job, key_prefix="history")
    if not sees_prices():  # a viewer: how long it took and the video's length, never what it cost
        _took_and_length(job)
        return
    # Two by two: a credits figure like 420,000 needs the room.
    backend = services.backends().get(job.backend)
    simulated = backend is not None and not backend.bills
    joined = not job.kind.was_sent  # made on this computer: nothing to pay
    charged = job.status != JobStatus.FAILED and not joined
    usd = usd_of(job.credits, job.usd) if charged else 0.0
    credits = "0" if not charged else f"{job.credits:,.0f}" if job.credits is not None else "–"
    cost_help = (
        "Joined on this computer: no charge"
        if joined
        else "Simulated: the offline demo charges nothing"
        if simulated
        else "In US dollars; a failed job is free"
    )
    _metrics([("Cost", money(usd) if usd is not None else "–", cost_help), ("Credits", credits, None)])
    _took_and_length(job)


def _took_and_length(job: Job) -> None:
    _metrics(
        [
            ("Took", elapsed_text(job.elapsed_seconds), "From submit to finish"),
            ("Length", f"{job.video_seconds:.1f} s" if job.video_seconds else "–", "Of the video"),
        ]
    )
    if job.video_bytes:
        st.caption(f":material/save: Kept on this computer · {job.video_bytes / 1_000_000:,.1f} MB")
    elif job.status == JobStatus.COMPLETED and job.download_attempts:
        st.caption(
            f":material/cloud_off: Not copied to this computer yet ({job.download_attempts} tries); "
            "the studio tries again on its own."
        )


def _metrics(pair: list[tuple[str, str, str | None]]) -> None:
    for column, (label, value, help_text) in zip(st.columns(2), pair, strict=True):
        column.metric(label, value, help=help_text)


def job_settings(job: Job, model: Model | None) -> None:
    """Every parameter the job was sent with, readable, and as sent."""
    st.markdown("**Settings**")
    if not job.kind.was_sent:  # nothing was sent: the clips it was joined from, and how, in words
        st.table([{"Setting": name, "Value": value} for name, value in joined_settings(job.params)])
    else:
        st.table(parameter_rows(job, model))
    with st.expander("Details", icon=":material/info:", key=f"history_details_{job.id}"):
        # The request as sent and the ids a support request or the API's own logs need: folded, since they mean
        # nothing to most people (and a job shown to a client should not open on them).
        st.caption(f"Model: `{job.model_id}`")
        st.caption(f"Job: `{job.id}`")
        if job.generation_id:
            st.caption(f"Generation: `{job.generation_id}`")
        if job.kind.was_sent:
            st.markdown("**As sent**")
            st.json({"model": job.model_id, **job.params}, expanded=2)


def parameter_rows(job: Job, model: Model | None) -> list[dict[str, str]]:
    """Every parameter as a "Setting / Value" row, nested ones spelled out ("Camera control › Config › Zoom")."""
    names = model.field_names() if model else []
    order = [n for n in names if n in job.params] + [n for n in job.params if n not in names]
    rows: list[dict[str, str]] = []

    def walk(value: Any, path: str, label: str) -> None:
        if isinstance(value, dict) and value:
            for key, child in value.items():
                walk(child, f"{path}.{key}", f"{label} › {humanize(key)}")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for index, child in enumerate(value):
                walk(child, f"{path}.{index}", f"{label} {index + 1}")
        else:
            rows.append({"Setting": label, "Value": _value_text(job, path, value)})

    for name in order:
        walk(job.params[name], name, model.label(name) if model else humanize(name))
    return rows or [{"Setting": "–", "Value": "No settings recorded"}]


def _value_text(job: Job, path: str, value: Any) -> str:
    info = job.media.get(path)
    if info:
        kind = str(info.get("mime", "file")).split("/")[0]
        size = f"{info['bytes'] / 1024:,.0f} KB" if info.get("bytes") else ""
        return ", ".join(p for p in (info.get("name"), f"uploaded {kind}", size) if p)
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None or value == "":
        return "not set"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if "duration" in path and isinstance(value, int | float):
        return f"{value} s"
    return str(value)
