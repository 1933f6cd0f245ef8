"""The history as a wall of posters: each finished video's first frame, with an Open button."""

from __future__ import annotations

import streamlit as st

from components.history.detail import open_job, opened_job_id
from components.history.table import picture_of
from components.jobs.job_words import batch_places, created_text, model_name, status_look
from components.shell import services
from videostudio.catalogue.labels import shortened
from videostudio.history.store import Job
from videostudio.jobs.batches import group_jobs
from videostudio.media import MediaError, decode_data_uri
from videostudio.storage.names import media_file

PER_ROW = 4
# Every tile the same height, whatever its poster's shape and its prompt's length: an even grid to present from.
TILE_HEIGHT = 340
_EVEN_TILES = """<style>
[class*="st-key-history_tile_"] [data-testid="stImage"] img { height: 150px; width: 100%; object-fit: contain;
  background: #000; border-radius: 0.4rem; }
[class*="st-key-history_tile_"] [data-testid="stText"] { display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden; }
[class*="st-key-history_tile_"] [data-testid="stCaptionContainer"] { white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
</style>"""


def history_gallery(jobs: list[Job]) -> None:
    """A grid of posters; "Open" opens that job beside the grid."""
    open_id = opened_job_id()
    # A batch's posters side by side, where its first one falls.
    jobs = [job for group in group_jobs(jobs) for job in group]
    places = batch_places(jobs)
    st.html(_EVEN_TILES)
    for start in range(0, len(jobs), PER_ROW):
        row = jobs[start : start + PER_ROW]
        for column, job in zip(st.columns(PER_ROW), row, strict=False):
            with column.container(border=True, key=f"history_tile_{job.id}", height=TILE_HEIGHT):
                _picture(job)
                label, _color, icon = status_look(job)
                batch = f" · batch {places[job.id]}" if job.id in places else ""
                st.caption(f"{icon} {label} · {model_name(job.model_id)} · {created_text(job.created_at)}{batch}")
                if job.prompt:
                    st.text(shortened(job.prompt, 80))  # as typed, never Markdown
                st.button(
                    "Opened" if job.id == open_id else "Open",
                    key=f"history_gallery_open_{job.id}",
                    icon=":material/open_in_full:",
                    on_click=open_job,
                    args=(job.id,),
                    disabled=job.id == open_id,
                    width="stretch",
                )


def _picture(job: Job) -> None:
    caption = f"{job.video_seconds:.0f} s video" if job.video_seconds else None
    if poster := media_file(services.media_storage(), job.poster_path):
        st.image(str(poster), caption=caption, width="stretch")
        return
    # No poster (not finished, or not kept): the picture the job was made from. st.image takes bytes, not data URIs.
    small = picture_of(job)
    if small:
        try:
            st.image(decode_data_uri(small)[1], caption=caption, width="stretch")
            return
        except MediaError:
            pass
    st.markdown(":material/movie: *No picture*")
