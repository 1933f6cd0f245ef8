"""Exporting the history: the filtered table as CSV, and jobs' full metadata as JSON.

Exports carry no base64 blobs (uploads are already stripped from the stored parameters; the thumbnail is
left out) and never an API key: the store holds none. They hold only the jobs the person sees, and for a role
that sees no prices (a viewer) no cost, credits or estimate either.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from typing import Any

import streamlit as st

from components.history.filters import HistoryQuery
from components.jobs.job_words import model_name, status_look
from components.shell.whose import sees_prices
from videostudio.history.store import Job
from videostudio.media import is_data_uri
from videostudio.team.seen import SeenJobs

CSV_COLUMNS = [
    "id",
    "created_at",
    "finished_at",
    "status",
    "model_id",
    "model",
    "prompt",
    "video_seconds",
    "took_seconds",
    "credits",
    "usd",
    "video_url",
    "local_copy",
    "error",
]
# What a job cost: left out of both exports for a role that sees no prices.
PRICE_COLUMNS = {"credits", "usd", "estimate_usd"}
# Internal bookkeeping, or pictures as data URIs: not metadata a person exports.
_NOT_EXPORTED = {"thumbnail", "next_poll_at", "poll_failures"}


def job_record(job: Job, *, prices: bool = True) -> dict[str, Any]:
    """A job's metadata as plain JSON values (``prices`` False: without what it cost)."""
    left_out = _NOT_EXPORTED if prices else _NOT_EXPORTED | PRICE_COLUMNS
    record = {f.name: getattr(job, f.name) for f in fields(Job) if f.name not in left_out}
    record["model"] = model_name(job.model_id)
    record["took_seconds"] = round(job.elapsed_seconds, 1)
    return _plain(record)


def jobs_json(jobs: list[Job], *, prices: bool = True) -> bytes:
    records = [job_record(job, prices=prices) for job in jobs]
    return json.dumps(records, ensure_ascii=False, indent=2).encode()


def jobs_csv(jobs: list[Job], *, prices: bool = True) -> bytes:
    out = io.StringIO()
    columns = CSV_COLUMNS if prices else [c for c in CSV_COLUMNS if c not in PRICE_COLUMNS]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for job in jobs:
        writer.writerow(
            {
                "id": job.id,
                "created_at": job.created_at.isoformat(),
                "finished_at": job.finished_at.isoformat() if job.finished_at else "",
                "status": status_look(job)[0],
                "model_id": job.model_id,
                "model": model_name(job.model_id),
                "prompt": job.prompt,
                "video_seconds": job.video_seconds if job.video_seconds is not None else "",
                "took_seconds": round(job.elapsed_seconds),
                "credits": job.credits if job.credits is not None else "",
                "usd": job.usd if job.usd is not None else "",
                "video_url": job.video_url or "",
                "local_copy": job.local_path or "",
                "error": job.error or "",
            }
        )
    # A byte-order mark so spreadsheet programs read accents and emoji in prompts correctly.
    return ("\ufeff" + out.getvalue()).encode()


def export_buttons(store: SeenJobs, query: HistoryQuery, total: int) -> None:
    """Download the filtered history: the table as CSV, the full metadata as JSON."""
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
    prices = sees_prices()
    with st.container(horizontal=True):
        st.download_button(
            "Table as CSV",
            # Built only when pressed: 10,000 jobs are not serialized on every rerun.
            data=_deferred(store, query, lambda jobs: jobs_csv(jobs, prices=prices)),
            file_name=f"video-studio-history-{stamp}.csv",
            mime="text/csv",
            icon=":material/table_view:",
            key="history_export_csv",
            on_click="ignore",
            disabled=not total,
            help="Every job that matches the filters, not only this page",
        )
        st.download_button(
            "Details as JSON",
            data=_deferred(store, query, lambda jobs: jobs_json(jobs, prices=prices)),
            file_name=f"video-studio-history-{stamp}.json",
            mime="application/json",
            icon=":material/data_object:",
            key="history_export_json",
            on_click="ignore",
            disabled=not total,
            help="All settings, usage and links of every job that matches the filters",
        )


def _deferred(store: SeenJobs, query: HistoryQuery, build: Callable[[list[Job]], bytes]) -> Callable[[], bytes]:
    # Runs on the server when the button is pressed, outside the script: it may only use what it captured.
    return lambda: build(query.search(store))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str) and ";base64," in value[:200] and is_data_uri(value):
        return "(embedded file left out)"  # belt and braces: no blob may leave in an export
    return value
