"""Spending limits and the confirmation of a costly press: the rules, pure, in the words the person reads.

A press is checked with the price shown next to Generate (a quote, or the estimate from past runs), times the number
of jobs it sends, against what the person has spent today and this month (``videostudio/team/spending.py`` counts it
and runs the check in the same transaction as the jobs' record). Days and months are UTC, like History's Spending.

A press whose price is not known before it runs (priced after the run, with no past run to estimate from, or still
loading) is refused for a person with a limit: the studio can't tell whether it fits, and sending it could cross
the limit by any amount. People without limits (and the one person of a studio without sign-in) are never refused
for money; only a role that may not generate is.
"""

from __future__ import annotations

from dataclasses import dataclass

from videostudio.catalogue.pricing import money
from videostudio.form.run_price import RunPrice
from videostudio.team.people import Person

ASK_ADMIN = "Ask your admin to raise your limit."
# Amounts are compared to the cent's hundredth: a press that exactly uses up what is left still goes.
_SLACK_USD = 1e-6


@dataclass(frozen=True)
class PressCost:
    """What one press will cost: the price of one job as shown next to Generate, and how many jobs it sends."""

    each_usd: float | None  # a quote or an estimate from past runs; None: not known before the run
    jobs: int = 1
    loading: bool = False  # the catalogue's prices are still on their way

    @classmethod
    def of(cls, price: RunPrice | None, jobs: int = 1) -> PressCost:
        """From the price of one run as the studio shows it (``videostudio.form.run_price``); None: unknown."""
        if price is None:
            return cls(None, jobs)
        return cls(price.usd if price.kind in ("quote", "estimate") else None, jobs, loading=price.kind == "loading")

    @property
    def total_usd(self) -> float | None:
        return None if self.each_usd is None else self.each_usd * self.jobs

    @property
    def runs(self) -> str:
        return "1 run" if self.jobs == 1 else f"{self.jobs} runs"


@dataclass(frozen=True)
class Spent:
    """What a person's jobs count for, in dollars: finished ones at their actual cost, running ones at their
    estimate (or their actual cost, once known, when it is higher)."""

    today: float = 0.0
    month: float = 0.0


def has_limit(person: Person) -> bool:
    return person.daily_usd is not None or person.monthly_usd is not None


def refusal(person: Person, cost: PressCost, spent: Spent) -> str | None:
    """Why this press may not be sent, in words for the person (None: it may). Nothing is sent on a refusal."""
    if not person.sheet.may_generate:
        return (
            f"Your role ({person.sheet.words}) can watch but not generate. Nothing was sent. "
            "Ask your admin if you need to generate."
        )
    if not has_limit(person):
        return None
    total = cost.total_usd
    if total is None:
        return _unknown_price(person, cost)
    for limit, used, period in ((person.daily_usd, spent.today, "today"), (person.monthly_usd, spent.month, "month")):
        if limit is None:
            continue
        left = max(0.0, limit - used)
        if total > left + _SLACK_USD:
            costs = "This run costs" if cost.jobs == 1 else f"These {cost.jobs} runs cost"
            where = "today" if period == "today" else "this month"
            which = "daily" if period == "today" else "monthly"
            return (
                f"{costs} {money(total)}; you have {money(left)} left {where} "
                f"(your {which} limit is {money(limit)}). Nothing was sent. {ASK_ADMIN}"
            )
    return None


def _unknown_price(person: Person, cost: PressCost) -> str:
    which = "daily" if person.daily_usd is not None else "monthly"
    if cost.loading:
        return (
            f"The price of this run is still loading, so it can't be checked against your {which} limit yet. "
            "Nothing was sent: press again in a moment, once the price shows next to Generate."
        )
    return (
        "This model is priced only after the run, and the studio has no past run of it to estimate from, so it "
        f"can't check this run against your {which} limit. Nothing was sent. Ask your admin to run it once, "
        "or to lift your limit."
    )


def needs_confirmation(cost: PressCost, above_usd: float) -> bool:
    """Whether a press asks once before sending: its total is above the team's amount, or several jobs whose price
    is not known beforehand (their total could be anything)."""
    total = cost.total_usd
    if total is None:
        return cost.jobs > 1 and not cost.loading
    return total > above_usd + _SLACK_USD


def confirmation_question(cost: PressCost) -> str:
    """ "Send 24 runs for $48.96?", or for runs priced afterwards, "Send 8 runs, each priced after the run?"."""
    total = cost.total_usd
    if total is None:
        return f"Send {cost.runs}, each priced after the run?"
    return f"Send {cost.runs} for {money(total)}?"
