"""The history as a table a person can scan and open a job from, and the picture each job is shown with."""

from __future__ import annotations

import functools
import hashlib
import io
import os

import pandas as pd
import streamlit as st
from PIL import Image

from components.history.detail import TABLE_EPOCH, open_job, opened_job_id
from components.jobs.job_words import batch_places, charge_text, model_name, status_look
from components.shell import services
from components.shell.whose import sees_prices
from videostudio.history.store import Job
from videostudio.media import to_data_uri
from videostudio.storage.names import media_file

# What a phone shows first (thumbnail, status, model, prompt, cost); the rest is a swipe away.
COLUMNS = ["thumbnail", "status", "model", "prompt", "cost", "batch", "created", "duration", "took", "link"]
THUMB_SIDE = 96
# Column widths in pixels: a model's whole name, a prompt's first words, a short dollar figure.
MODEL_WIDTH, PROMPT_WIDTH, COST_WIDTH = 280, 320, 120
# Remembers which job the table last had selected, so a deselect closes only that job (see history_table).
_PICK_KEY = "history_table_pick"


def history_frame(jobs: list[Job], *, prices: bool = True) -> pd.DataFrame:
    """One row per job, in the given order, with the columns the History table shows (no cost unless ``prices``)."""
    places = batch_places(jobs)
    backends = services.backends()
    rows = [
        {
            "thumbnail": picture_of(job),
            "status": status_look(job)[0],
            "model": model_name(job.model_id),
            "prompt": job.prompt,
            "created": job.created_at,
            "duration": job.video_seconds,
            "took": round(job.elapsed_seconds),
            # Dollars only: the opened job shows its credits too.
            "cost": charge_text(job, backends.get(job.backend), short=True) if prices else None,
            "batch": places.get(job.id),  # "2 of 3": the jobs of one press of Generate
            # The provider's link: a file on the studio's disk cannot be opened from the browser.
            "link": job.video_url,
        }
        for job in jobs
    ]
    return pd.DataFrame(rows, columns=COLUMNS if prices else [c for c in COLUMNS if c != "cost"])


def history_table(jobs: list[Job]) -> None:
    """Draw one page of jobs; selecting a row opens that job, deselecting it closes it."""
    ids = [job.id for job in jobs]
    # A key per set of rows: when the page shows other jobs, the old selection must not point at a new row.
    # And a new key after the opened job's dialog is closed, so the row that opened it can open it again.
    epoch = st.session_state.get(TABLE_EPOCH, 0)
    key = f"history_table_{epoch}_" + hashlib.sha1("|".join(ids).encode()).hexdigest()[:12]
    open_id = opened_job_id()
    event = st.dataframe(
        history_frame(jobs, prices=sees_prices()),
        hide_index=True,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        selection_default={"selection": {"rows": [ids.index(open_id)]}} if open_id in ids else None,
        row_height=48,
        placeholder="–",
        column_config={
            # Model and prompt get the room to be read ("Veo 3.1 Text-to-video" whole); a phone scrolls sideways.
            "thumbnail": st.column_config.ImageColumn("", width=48),
            "status": st.column_config.TextColumn("Status", width=88),
            "model": st.column_config.TextColumn("Model", width=MODEL_WIDTH),
            "prompt": st.column_config.TextColumn("Prompt", width=PROMPT_WIDTH),
            "created": st.column_config.DatetimeColumn("Created", format="distance"),
            "duration": st.column_config.NumberColumn("Length", format="%.1f s", help="Length of the video"),
            "took": st.column_config.NumberColumn("Took", format="%d s", help="From submit to finish"),
            "cost": st.column_config.TextColumn(
                "Cost", width=COST_WIDTH, help="In US dollars; open the job for its credits"
            ),
            "batch": st.column_config.TextColumn(
                "Batch", width=64, help="Its place among the jobs sent by one press of Generate"
            ),
            "link": st.column_config.LinkColumn("Video link", display_text="open"),
        },
    )
    rows = event.selection.rows if event and event.selection else []
    picked = ids[rows[0]] if rows and rows[0] < len(ids) else None
    seen_key, seen = st.session_state.get(_PICK_KEY, (None, None))
    if (key, picked) == (seen_key, seen):
        return
    st.session_state[_PICK_KEY] = (key, picked)
    if picked is not None:
        open_job(picked)
    elif seen_key == key and seen == open_id:
        # The person cleared the row that opened the job. A job opened elsewhere (the gallery) stays open.
        open_job(None)


def picture_of(job: Job) -> str | None:
    """A small image for the job: its video's first frame when kept, else the image it was made from."""
    # From object storage, posters are fetched into this machine's cache once; then this is a stat, as on a folder.
    poster = media_file(services.media_storage(), job.poster_path)
    if poster is not None:
        try:
            stamp = os.stat(poster).st_mtime_ns
        except OSError:
            stamp = None
        if stamp is not None:
            small = _small_poster(str(poster), stamp)
            if small:
                return small
    return job.thumbnail


@functools.lru_cache(maxsize=4096)
def _small_poster(path: str, _stamp: int) -> str | None:
    # Per process and per file version: a page of 50 rows reads its posters once, not on every rerun.
    try:
        with Image.open(path) as poster:
            poster.thumbnail((THUMB_SIDE, THUMB_SIDE))
            buffer = io.BytesIO()
            poster.convert("RGB").save(buffer, format="JPEG", quality=75)
    except (OSError, ValueError):
        return None
    return to_data_uri(buffer.getvalue(), "image/jpeg")
