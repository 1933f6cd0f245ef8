"""A shot as someone who may only watch the film sees it: its model, start, prompt and narration, in words."""

from __future__ import annotations

import streamlit as st

from components.jobs.job_words import model_name
from videostudio.films.film import Film, Shot


def shot_summary(film: Film, shot: Shot, number: int) -> Film:
    """Draw ``shot`` read-only; returns ``film`` unchanged (the page reads the same for editors and viewers)."""
    with st.container(border=True, key=f"shot-{shot.id}"):
        st.markdown(f"**Shot {number}** · {model_name(shot.model_id)} · starts from {shot.start.words.lower()}")
        if shot.prompt:
            st.text(shot.prompt)  # as typed: never read as Markdown
        if shot.narration is not None and shot.narration.text:
            st.caption(f"Narration ({shot.narration.voice}):")
            st.text(shot.narration.text)
    return film
