"""Spending per person, for the Team page: each member's spending today, this month and in total, their limits,
and the jobs whose actual cost went over the estimate shown before the press.

Counted as the spending limits count it (``videostudio.team.spending``), each backend apart: the offline demo's
simulated dollars are listed under their own heading, never added to real spending.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.history.costs import NO_OWNER, person_costs
from components.jobs.job_words import model_name
from components.shell import services
from components.shell.identity import member_store
from videostudio.catalogue.pricing import usd_of
from videostudio.jobs.backends import Backend
from videostudio.team.spending import over_estimate

_DOLLARS = {"format": "dollar"}


def team_spending() -> None:
    """Each member's spending and limits, then the jobs that cost more than their estimate; per backend in use."""
    store = services.job_service().store
    current = services.current_backend()
    shown = False
    for backend in services.backends():
        people = person_costs(store, [backend.name])
        if people.empty and backend.name != current.name:
            continue
        shown = True
        _backend_spending(backend, people)
    if not shown:
        st.caption("Nobody has spent anything yet.")


def _backend_spending(backend: Backend, people: pd.DataFrame) -> None:
    store = services.job_service().store
    if backend.bills:
        st.markdown(f"**Spending on the {backend.label}**")
    else:
        st.markdown(f"**{backend.label}: simulated spending**")
        st.caption("Nothing was charged. The limits count these simulated prices for the demo's jobs.")
    st.dataframe(
        member_rows(people),
        hide_index=True,
        key=f"team_spending_{backend.name}",
        column_config={
            "person": st.column_config.TextColumn("Person"),
            "role": st.column_config.TextColumn("Role"),
            "today": st.column_config.NumberColumn("Today", **_DOLLARS),
            "month": st.column_config.NumberColumn("This month", **_DOLLARS),
            "total": st.column_config.NumberColumn("In total", **_DOLLARS),
            "daily_usd": st.column_config.NumberColumn("Daily limit", **_DOLLARS),
            "monthly_usd": st.column_config.NumberColumn("Monthly limit", **_DOLLARS),
        },
    )
    st.caption("Days and months are UTC. A job still running counts at the price shown before it was sent.")
    over = over_estimate(store, [backend.name])
    if not over:
        return
    st.markdown(f"**Cost more than the estimate** ({len(over)} jobs)")
    rows = [
        (
            job.owner or NO_OWNER,
            model_name(job.model_id),
            job.created_at.astimezone(),
            job.estimate_usd,
            usd_of(job.credits, job.usd),
            (usd_of(job.credits, job.usd) or 0.0) - (job.estimate_usd or 0.0),
        )
        for job in over
    ]
    st.dataframe(
        pd.DataFrame(rows, columns=["person", "model", "sent", "estimate", "actual", "over"]),
        hide_index=True,
        key=f"team_over_estimate_{backend.name}",
        column_config={
            "person": st.column_config.TextColumn("Person"),
            "model": st.column_config.TextColumn("Model"),
            "sent": st.column_config.DatetimeColumn("Sent", format="D MMM YYYY, HH:mm"),
            "estimate": st.column_config.NumberColumn("Estimate", **_DOLLARS),
            "actual": st.column_config.NumberColumn("Actual", **_DOLLARS),
            "over": st.column_config.NumberColumn("Over by", **_DOLLARS),
        },
    )


def member_rows(people: pd.DataFrame) -> pd.DataFrame:
    """Every member (with their limits; none spent: $0) and everyone else with jobs, the most spent first."""
    spent = {row.person: row for row in people.itertuples(index=False)}
    rows = []
    for member in member_store().all():
        row = spent.pop(member.email, None)
        rows.append(
            (
                member.email,
                member.role.sheet.words,
                row.today if row else 0.0,
                row.month if row else 0.0,
                row.total if row else 0.0,
                member.daily_usd,
                member.monthly_usd,
            )
        )
    for person, row in spent.items():  # no longer a member, or jobs from before sign-in
        rows.append((person, "Not a member" if person != NO_OWNER else "", row.today, row.month, row.total, None, None))
    frame = pd.DataFrame(rows, columns=["person", "role", "today", "month", "total", "daily_usd", "monthly_usd"])
    return frame.sort_values(["month", "total", "person"], ascending=[False, False, True], ignore_index=True)
