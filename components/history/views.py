"""History's views, as a registry: one ``HistoryView`` object per way of looking at the history.

A view says what it is called, its icon, and how it draws the history; the page picks one and draws it. A list
of jobs (Table, Gallery) shows a page of the filtered jobs at a time, with Join clips and the exports; Spending
is the costs by day and model. A new view is one object in ``VIEWS`` (tests/test_history_views.py checks each
is complete). A view about money (``about_prices``) is offered only to a role that sees prices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from components.history.costs import spending
from components.history.export import export_buttons
from components.history.filters import current_page, history_filters
from components.history.gallery import history_gallery
from components.history.join_clips import join_panel
from components.history.table import history_table
from components.shell.whose import sees_prices
from videostudio.history.store import Job
from videostudio.team.seen import SeenJobs


@dataclass(frozen=True)
class HistoryView:
    """One way of looking at the history."""

    name: str
    icon: str
    draw: Callable[[SeenJobs], None]
    lists_jobs: bool  # a page of jobs a person can open (the job dialog goes with it)
    about_prices: bool = False  # what was spent: never offered to a role that doesn't see prices (a viewer)


def job_list(draw_jobs: Callable[[list[Job]], None], page_size: int, view: str) -> Callable[[SeenJobs], None]:
    """A view that lists the filtered jobs, ``page_size`` at a time, drawn by ``draw_jobs``."""

    def draw(store: SeenJobs) -> None:
        join_panel(store)
        query = history_filters()
        jobs, total = current_page(store, query, view, page_size)
        if jobs:
            draw_jobs(jobs)
        else:
            st.info("No jobs match these filters.", icon=":material/filter_alt_off:")
        export_buttons(store, query, total)

    return draw


# A page stays small enough to draw in a blink however long the history grows; posters are heavier than rows.
VIEWS: tuple[HistoryView, ...] = (
    HistoryView("Table", ":material/table_rows:", job_list(history_table, 50, "Table"), lists_jobs=True),
    HistoryView("Gallery", ":material/grid_view:", job_list(history_gallery, 24, "Gallery"), lists_jobs=True),
    HistoryView("Spending", ":material/payments:", spending, lists_jobs=False, about_prices=True),
)
BY_NAME = {view.name: view for view in VIEWS}


def pick_view() -> HistoryView:
    """The view chosen above the history (the first, Table, until the person picks another)."""
    offered = [view.name for view in VIEWS if sees_prices() or not view.about_prices]
    name = st.segmented_control(
        "View",
        offered,
        format_func=lambda name: f"{BY_NAME[name].icon} {name}",
        default=VIEWS[0].name,
        required=True,
        key="history_view",
        persist_state="session",
        label_visibility="collapsed",
    )
    return BY_NAME[name] if name in offered else VIEWS[0]
