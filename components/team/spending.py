"""Spending per person on the Team page: left for the limits work of issue 17.

``team_spending()`` is called by pages/team.py right under the members table.
"""

from __future__ import annotations


def team_spending() -> None:
    """Placeholder for the limits engineer: each person's spending today, this month and in total, next to their
    limits, and any actual cost above its estimate. Draws nothing yet, and returns None."""
    return None
