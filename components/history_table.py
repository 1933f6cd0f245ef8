"""The history as a table a person can scan and pick a job from."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.job_card import model_name, status_look
from videostudio.store import Job

COLUMNS = ["thumbnail", "status", "model", "prompt", "created", "duration", "credits", "link"]


def history_frame(jobs: list[Job]) -> pd.DataFrame:
    """One row per job, newest first, with the columns the History page shows."""
    rows = [
        {
            "thumbnail": job.thumbnail,
            "status": status_look(job)[0],
            "model": model_name(job.model_id),
            "prompt": job.prompt,
            "created": job.created_at,
            "duration": round(job.elapsed_seconds),
            "credits": job.credits,
            "link": job.video_url,
        }
        for job in jobs
    ]
    return pd.DataFrame(
        rows, columns=["thumbnail", "status", "model", "prompt", "created", "duration", "credits", "link"]
    )


def history_table(jobs: list[Job]) -> Job | None:
    """Draw the table; returns the job whose row is selected."""
    event = st.dataframe(
        history_frame(jobs),
        hide_index=True,
        key="history_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "thumbnail": st.column_config.ImageColumn("Image", width="small"),
            "status": st.column_config.TextColumn("Status"),
            "model": st.column_config.TextColumn("Model"),
            "prompt": st.column_config.TextColumn("Prompt", width="large"),
            "created": st.column_config.DatetimeColumn("Created", format="distance"),
            "duration": st.column_config.NumberColumn("Took", format="%d s", help="From submit to finish"),
            "credits": st.column_config.NumberColumn("Credits", format="%.0f"),
            "link": st.column_config.LinkColumn("Video link", display_text="open"),
        },
    )
    rows = event.selection.rows if event and event.selection else []
    return jobs[rows[0]] if rows else None
