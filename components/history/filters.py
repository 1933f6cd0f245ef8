"""Finding jobs in the history: filters, sort order, and the page of results to show."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import streamlit as st

from components.boards.mark_filters import mark_filters
from components.jobs.job_words import STATUS_LOOK, model_name
from components.shell import services
from videostudio.history.store import ACTIVE_STATUSES, Job, JobStatus
from videostudio.library.chain import STUDIO_MADE
from videostudio.team.seen import SeenJobs

# What a person filters by, and the store statuses each stands for: an ended status by its own words
# (components/jobs/job_words.STATUS_LOOK), every status still under way as one choice.
STATUS_CHOICES: dict[str, tuple[str, ...]] = {
    **{STATUS_LOOK[status][0]: (status.value,) for status in JobStatus if not status.is_active},
    "Running": ACTIVE_STATUSES,
}
# Sort choice → (store column, descending).
SORTS: dict[str, tuple[str, bool]] = {
    "Newest first": ("created_at", True),
    "Oldest first": ("created_at", False),
    "Longest run": ("elapsed", True),
    "Most credits": ("credits", True),
    "Model": ("model_id", False),
    "Best rated": ("rating", True),
}


@dataclass(frozen=True)
class HistoryQuery:
    """Which jobs to list and in what order; the same filters feed the list, its count and the exports."""

    model_ids: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    favourites_only: bool = False  # starred takes only (components/boards/take_marks.py)
    min_rating: int | None = None  # rated at least this many stars

    order_by: str = "created_at"
    descending: bool = True

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``SeenJobs.search`` and ``count_matching``."""
        return {
            "model_ids": list(self.model_ids) or None,
            "statuses": list(self.statuses) or None,
            "since": self.since,
            "until": self.until,
            "text": self.text or None,
            "favourites_only": self.favourites_only,
            "min_rating": self.min_rating,
        }

    def search(self, store: SeenJobs, *, limit: int | None = None, offset: int = 0) -> list[Job]:
        return store.search(
            **self.filters(), order_by=self.order_by, descending=self.descending, limit=limit, offset=offset
        )

    def count(self, store: SeenJobs) -> int:
        return store.count_matching(**self.filters())

    def fingerprint(self) -> str:
        """Short and stable: widget keys carry it, so a new search starts on page 1 with nothing selected."""
        return hashlib.sha1(repr(sorted(asdict(self).items())).encode()).hexdigest()[:10]

    @property
    def is_filtered(self) -> bool:
        marked = self.favourites_only or self.min_rating
        return bool(self.model_ids or self.statuses or self.since or self.until or self.text or marked)


def history_filters() -> HistoryQuery:
    """The filter bar, folded so the results come first (on a phone they fill the screen): model, status,
    dates, words in the prompt, and the sort order."""
    with st.expander("Filter and sort", icon=":material/filter_list:", key="history_filters"):
        return _filter_bar()


def _filter_bar() -> HistoryQuery:
    catalogue = services.catalogue()
    top = st.columns([3, 2, 2], vertical_alignment="bottom")
    models = top[0].multiselect(
        "Model",
        [*catalogue.ids(), *STUDIO_MADE],  # joined clips and films are found by "model" too
        format_func=model_name,
        placeholder="All models",
        key="history_models",
        persist_state="session",
    )
    statuses = top[1].multiselect(
        "Status", list(STATUS_CHOICES), placeholder="Any status", key="history_statuses", persist_state="session"
    )
    days = top[2].date_input(
        "Created between", value=(), format="YYYY-MM-DD", key="history_dates", persist_state="session"
    )
    bottom = st.columns([5, 2], vertical_alignment="bottom")
    text = bottom[0].text_input(
        "Prompt contains",
        placeholder="Words from the prompt",
        icon=":material/search:",
        key="history_text",
        persist_state="session",
    )
    sort = bottom[1].selectbox("Sort", list(SORTS), key="history_sort", persist_state="session")
    favourites_only, min_rating = mark_filters()
    order_by, descending = SORTS[sort or "Newest first"]
    since, until = _day_range(days)
    return HistoryQuery(
        model_ids=tuple(models),
        statuses=tuple(s for label in statuses for s in STATUS_CHOICES[label]),
        since=since,
        until=until,
        text=text.strip(),
        favourites_only=favourites_only,
        min_rating=min_rating,
        order_by=order_by,
        descending=descending,
    )


def _day_range(days: Any) -> tuple[datetime | None, datetime | None]:
    # Whole local days: "21 Nov" means from its first to its last second where the person is.
    picked = [d for d in (days if isinstance(days, list | tuple) else [days]) if isinstance(d, date)]
    if not picked:
        return None, None
    first, last = min(picked), max(picked)
    since = datetime.combine(first, time.min).astimezone()
    until = datetime.combine(last + timedelta(days=1), time.min).astimezone()
    return since, until


def current_page(store: SeenJobs, query: HistoryQuery, view: str, size: int) -> tuple[list[Job], int]:
    """The jobs on the page of ``view`` being looked at, ``size`` a page, and how many match in all; draws the
    page picker when needed."""
    total = query.count(store)
    pages = max(1, -(-total // size))
    page = 1
    if pages > 1:
        page = st.pagination(pages, key=f"history_page_{view}_{query.fingerprint()}")
    jobs = query.search(store, limit=size, offset=(page - 1) * size)
    first = (page - 1) * size + 1
    shown = f"{first}–{first + len(jobs) - 1} of {total:,}" if pages > 1 else f"{total:,}"
    st.caption(f"{shown} {'matching ' if query.is_filtered else ''}job{'s' if total != 1 else ''}")
    return jobs, total
