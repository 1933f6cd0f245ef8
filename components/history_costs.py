"""What the history cost: credits (and US dollars where the API reports them) per day and per model."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from components.job_card import model_name
from videostudio.store import JobStore

RECENT_DAYS = 30


def spending(store: JobStore) -> None:
    """Totals, a bar per day over the last month, and a row per model (over the whole history, unfiltered)."""
    per_model = model_costs(store)
    columns = st.columns(3)
    columns[0].metric("Credits, all jobs", f"{per_model['credits'].sum():,.0f}")
    columns[1].metric("US dollars, where reported", f"${per_model['usd'].sum():,.2f}")
    columns[2].metric("Jobs", f"{int(per_model['jobs'].sum()):,}")

    st.markdown(f"**Per day**, last {RECENT_DAYS} days")
    per_day = daily_costs(store)
    if per_day.empty:
        st.caption(f"Nothing was spent in the last {RECENT_DAYS} days.")
    else:
        st.bar_chart(per_day, x="day", y="credits", x_label="", y_label="Credits", height=220)
        with st.expander("Per day as a table", icon=":material/table_rows:"):
            st.dataframe(
                per_day.sort_values("day", ascending=False),
                hide_index=True,
                column_config={
                    "day": st.column_config.DateColumn("Day", format="ddd D MMM"),
                    "credits": st.column_config.NumberColumn("Credits", format="localized"),
                    "usd": st.column_config.NumberColumn("USD", format="dollar"),
                },
            )

    st.markdown("**Per model**")
    st.dataframe(
        per_model,
        hide_index=True,
        column_config={
            "model": st.column_config.TextColumn("Model"),
            "credits": st.column_config.NumberColumn("Credits", format="localized"),
            "usd": st.column_config.NumberColumn("USD", format="dollar"),
            "jobs": st.column_config.NumberColumn("Jobs", format="%d"),
        },
    )


def daily_costs(store: JobStore, days: int = RECENT_DAYS) -> pd.DataFrame:
    """One row per day with spending: day, credits, usd."""
    since = datetime.combine(datetime.now().date() - timedelta(days=days - 1), time.min).astimezone()
    rows = [(day, credits or 0.0, usd or 0.0) for day, credits, usd in store.cost_by_day(since=since)]
    return pd.DataFrame(rows, columns=["day", "credits", "usd"])


def model_costs(store: JobStore) -> pd.DataFrame:
    """One row per model: model (its name), credits, usd, jobs; the most credits first."""
    rows = [
        (model_name(model_id), credits or 0.0, usd or 0.0, count)
        for model_id, credits, usd, count in store.cost_by_model()
    ]
    frame = pd.DataFrame(rows, columns=["model", "credits", "usd", "jobs"])
    return frame.sort_values("credits", ascending=False, ignore_index=True)
