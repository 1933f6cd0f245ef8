"""History's filters by a take's marks: favourites only, rated at least N stars."""

from __future__ import annotations

import streamlit as st

# "Rated at least" → the least number of stars (None: any, rated or not).
RATED_AT_LEAST: dict[str, int | None] = {"Any rating": None, **{"★" * n + f" {n} or more": n for n in (1, 2, 3, 4)}}
RATED_AT_LEAST["★★★★★ 5"] = 5


def mark_filters() -> tuple[bool, int | None]:
    """The "Favourites only" switch and the "Rated at least" choice, in a row of their own."""
    with st.container(horizontal=True, vertical_alignment="bottom", key="history_marks"):
        favourites = st.toggle("Favourites only", key="history_favourites", persist_state="session")
        rated = st.selectbox(
            "Rated at least", list(RATED_AT_LEAST), key="history_min_rating", persist_state="session", width=220
        )
    return bool(favourites), RATED_AT_LEAST.get(rated or "Any rating")
