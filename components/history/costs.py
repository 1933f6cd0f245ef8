"""What the history cost, dollars first: real spending per day and per model, the offline demo's apart.

A failed job is billed nothing, so it counts nowhere. The offline demo's prices are simulated: they are shown
under their own heading, labelled so, and never added to what was really spent. In a team studio, admins also see
what each person spent (``videostudio.team.spending``: the same count the spending limits use).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from components.jobs.job_words import model_name
from components.shell import services
from components.shell.identity import current_person, sign_in_configured
from videostudio.catalogue.pricing import money
from videostudio.history.store import JobStore
from videostudio.team.seen import SeenJobs
from videostudio.team.spending import spending_per_person

RECENT_DAYS = 30
# Whose jobs have no owner: made before the studio had sign-in.
NO_OWNER = "Before sign-in"
_USD_COLUMN = st.column_config.NumberColumn("Dollars", format="dollar")
_CREDITS_COLUMN = st.column_config.NumberColumn("Credits", format="localized")


def spending(store: SeenJobs) -> None:
    """Real spending (totals, a bar per day over the last month, a row per model), then the demo's simulated costs."""
    registry = services.backends()
    billed = [b.name for b in registry if b.bills]
    st.markdown("**Real spending** on the AI/ML API (failed jobs are not charged)")
    per_model = model_costs(store, billed)
    _totals(per_model, ("Spent", "Credits", "Jobs charged"))
    st.markdown(f"**Per day**, last {RECENT_DAYS} days")
    per_day = daily_costs(store, backends=billed)
    if per_day.empty or not per_day["usd"].any():
        st.caption(f"Nothing was spent in the last {RECENT_DAYS} days.")
    else:
        st.bar_chart(per_day, x="day", y="usd", x_label="", y_label="Dollars", height=220)
        with st.expander("Per day as a table", icon=":material/table_rows:"):
            st.dataframe(
                per_day.sort_values("day", ascending=False),
                hide_index=True,
                column_config={
                    "day": st.column_config.DateColumn("Day", format="ddd D MMM"),
                    "usd": _USD_COLUMN,
                    "credits": _CREDITS_COLUMN,
                },
            )
    st.markdown("**Per model**")
    _per_model_table(per_model)
    per_person = _shows_people()
    if per_person:
        _per_person_table(store.store, billed)  # admins only (_shows_people): everyone's jobs

    for demo in (b for b in registry if not b.bills):
        simulated = model_costs(store, [demo.name])
        if simulated.empty:
            continue
        st.markdown(f"**{demo.label}: simulated costs**")
        st.caption("Nothing was charged. These are what the demo's simulated prices would come to.")
        _totals(simulated, ("Simulated cost", "Simulated credits", "Demo jobs"))
        _per_model_table(simulated)
        if per_person:
            _per_person_table(store.store, [demo.name])


def _shows_people() -> bool:
    """Spending per person is for admins of a team studio (a studio without sign-in has one person)."""
    person = current_person()
    return sign_in_configured() and person is not None and person.sheet.manages_team


def _per_person_table(store: JobStore, backends: Collection[str]) -> None:
    st.markdown("**Per person**")
    st.caption("Days and months are UTC. A job still running counts at the price shown before it was sent.")
    people = person_costs(store, backends)
    if people.empty:
        st.caption("No jobs yet.")
        return
    st.dataframe(
        people,
        hide_index=True,
        key=f"history_per_person_{'_'.join(backends)}",
        column_config={
            "person": st.column_config.TextColumn("Person"),
            "today": st.column_config.NumberColumn("Today", format="dollar"),
            "month": st.column_config.NumberColumn("This month", format="dollar"),
            "total": st.column_config.NumberColumn("In total", format="dollar"),
            "jobs": st.column_config.NumberColumn("Jobs", format="%d"),
        },
    )


def person_costs(store: JobStore, backends: Collection[str]) -> pd.DataFrame:
    """One row per person with jobs on ``backends``: person (their email), today, month, total, jobs."""
    rows = [
        (row.owner or NO_OWNER, row.today, row.month, row.total, row.jobs)
        for row in spending_per_person(store, backends)
    ]
    return pd.DataFrame(rows, columns=["person", "today", "month", "total", "jobs"])


def _totals(per_model: pd.DataFrame, labels: tuple[str, str, str]) -> None:
    columns = st.columns(3)
    columns[0].metric(labels[0], money(float(per_model["usd"].sum())))
    columns[1].metric(labels[1], f"{per_model['credits'].sum():,.0f}")
    columns[2].metric(labels[2], f"{int(per_model['jobs'].sum()):,}")


def _per_model_table(per_model: pd.DataFrame) -> None:
    if per_model.empty:
        st.caption("No jobs yet.")
        return
    st.dataframe(
        per_model,
        hide_index=True,
        column_config={
            "model": st.column_config.TextColumn("Model"),
            "usd": _USD_COLUMN,
            "credits": _CREDITS_COLUMN,
            "jobs": st.column_config.NumberColumn("Jobs", format="%d"),
        },
    )


def daily_costs(store: SeenJobs, days: int = RECENT_DAYS, *, backends: Collection[str] | None = None) -> pd.DataFrame:
    """One row per day with charged jobs: day, usd, credits."""
    since = datetime.combine(datetime.now().date() - timedelta(days=days - 1), time.min).astimezone()
    rows = [(day, usd, credits) for day, credits, usd in store.cost_by_day(since=since, backends=backends)]
    return pd.DataFrame(rows, columns=["day", "usd", "credits"])


def model_costs(store: SeenJobs, backends: Collection[str] | None = None) -> pd.DataFrame:
    """One row per model: model (its name), usd, credits, jobs (failed ones left out); the most spent first."""
    rows = [
        (model_name(model_id), usd, credits, count)
        for model_id, credits, usd, count in store.cost_by_model(backends=backends)
    ]
    frame = pd.DataFrame(rows, columns=["model", "usd", "credits", "jobs"])
    return frame.sort_values(["usd", "credits"], ascending=False, ignore_index=True)
