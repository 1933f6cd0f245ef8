"""Spending limits, tested directly: the rule in words, what a person's jobs count for, and the press that records
its jobs only if it fits, in one transaction, also when two presses race (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.test_batches import PIXVERSE, BatchClient
from tests.test_store import BACKENDS, database, run_threads
from videostudio.catalogue import Catalogue
from videostudio.form.run_price import RunPrice
from videostudio.history.store import Job, JobKind, JobStatus, JobStore
from videostudio.jobs.press import Press, send_press
from videostudio.jobs.service import JobService
from videostudio.team import spending as spending_module
from videostudio.team.limits import PressCost, Spent, confirmation_question, needs_confirmation, refusal
from videostudio.team.people import LOCAL_PERSON, Person
from videostudio.team.roles import Role
from videostudio.team.spending import over_estimate, record_press, spending_per_person, spent

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
ANA = Person("ana@example.com", Role.CREATOR, daily_usd=3.0)
BEN = Person("ben@example.com", Role.CREATOR, monthly_usd=10.0)
FREE = Person("free@example.com", Role.CREATOR)


# --- The rule ---------------------------------------------------------------------------------------------------------


def test_a_press_over_the_daily_limit_is_refused_in_the_issues_words() -> None:
    words = refusal(ANA, PressCost(2.04), Spent(today=2.04, month=2.04))
    assert words == (
        "This run costs $2.04; you have $0.96 left today (your daily limit is $3.00). Nothing was sent. "
        "Ask your admin to raise your limit."
    )


def test_a_batch_over_the_monthly_limit_says_which_limit() -> None:
    words = refusal(BEN, PressCost(1.5, jobs=4), Spent(today=0, month=7.25))
    assert words is not None
    assert words.startswith("These 4 runs cost $6.00; you have $2.75 left this month (your monthly limit is $10.00).")
    assert words.endswith("Ask your admin to raise your limit.")


def test_a_press_that_uses_up_exactly_what_is_left_goes_and_one_cent_more_does_not() -> None:
    assert refusal(ANA, PressCost(0.96), Spent(today=2.04, month=2.04)) is None
    assert refusal(ANA, PressCost(0.97), Spent(today=2.04, month=2.04)) is not None


def test_people_without_a_limit_are_never_refused_for_money_and_a_viewer_never_generates() -> None:
    huge = PressCost(1000.0, jobs=64)
    assert refusal(LOCAL_PERSON, huge, Spent(today=1e6, month=1e6)) is None
    assert refusal(FREE, PressCost(None, jobs=8), Spent()) is None
    words = refusal(Person("vic@example.com", Role.VIEWER), PressCost(0.1), Spent())
    assert words is not None and "can watch but not generate" in words


def test_a_run_priced_only_after_it_runs_is_refused_to_a_person_with_a_limit_in_words() -> None:
    words = refusal(ANA, PressCost.of(RunPrice("after", None, "Priced after the run", "")), Spent())
    assert words is not None and "priced only after the run" in words and "daily limit" in words
    loading = refusal(BEN, PressCost.of(RunPrice("loading", None, "Price loading…", "")), Spent())
    assert loading is not None and "still loading" in loading and "monthly limit" in loading


def test_an_estimate_from_past_runs_is_checked_like_a_price() -> None:
    cost = PressCost.of(RunPrice("estimate", 0.5, "about $0.50", "estimate from your past 3 jobs"), jobs=2)
    assert cost.total_usd == 1.0
    assert refusal(ANA, cost, Spent(today=2.5)) is not None
    assert refusal(ANA, cost, Spent(today=2.0)) is None


def test_a_press_above_the_teams_amount_asks_once_in_words() -> None:
    cost = PressCost(2.04, jobs=24)
    assert needs_confirmation(cost, 5.0) and confirmation_question(cost) == "Send 24 runs for $48.96?"
    assert not needs_confirmation(PressCost(5.0), 5.0)  # at the amount: not above it
    assert not needs_confirmation(PressCost(0.1, jobs=8), 5.0)
    assert needs_confirmation(PressCost(None, jobs=8), 5.0)  # eight runs whose total could be anything
    assert confirmation_question(PressCost(None, jobs=8)) == "Send 8 runs, each priced after the run?"
    assert not needs_confirmation(PressCost(None), 5.0)


# --- What jobs count for ----------------------------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[JobStore]:
    opened = JobStore(database_url)
    yield opened
    opened.close()


def job(owner: str | None = ANA.owner, *, at: datetime = NOW, **more: object) -> Job:
    values: dict[str, object] = {"model_id": PIXVERSE, "backend": "offline", "owner": owner, "created_at": at}
    return Job(**(values | more))  # type: ignore[arg-type]


def test_finished_jobs_count_their_cost_and_running_ones_their_estimate(store: JobStore) -> None:
    store.add_many(
        [
            job(status=JobStatus.COMPLETED, usd=1.0, estimate_usd=0.8),  # actual cost
            job(status=JobStatus.FAILED, usd=None, estimate_usd=5.0),  # not charged
            job(status=JobStatus.GENERATING, estimate_usd=0.25),  # its estimate while it runs
            job(status=JobStatus.QUEUED, usd=0.75, estimate_usd=0.5),  # actual above estimate: actual
            job(status=JobStatus.COMPLETED, credits=200_000),  # no dollars reported: its credits' dollars
            job(status=JobStatus.COMPLETED, estimate_usd=0.05),  # nothing reported: its estimate
            job(status=JobStatus.COMPLETED, usd=0.5, at=NOW - timedelta(days=1)),  # this month, not today
            job(status=JobStatus.COMPLETED, usd=9.0, at=NOW - timedelta(days=8)),  # last month
            job(BEN.owner, status=JobStatus.COMPLETED, usd=4.0),  # someone else's
            job(status=JobStatus.COMPLETED, usd=4.0, backend="aimlapi"),  # another backend, counted apart
        ]
    )

    counted = spent(store, ANA, "offline", now=NOW)

    assert counted.today == pytest.approx(1.0 + 0.25 + 0.75 + 0.1 + 0.05)
    assert counted.month == pytest.approx(counted.today + 0.5)
    assert spent(store, ANA, "aimlapi", now=NOW) == Spent(4.0, 4.0)


def test_a_day_is_a_utc_day(store: JobStore) -> None:
    just_before = NOW.replace(hour=0) - timedelta(seconds=1)
    store.add_many([job(status=JobStatus.COMPLETED, usd=1.0, at=just_before)])
    assert spent(store, ANA, "offline", now=NOW) == Spent(today=0.0, month=1.0)


# --- The press: checked and recorded in one transaction ---------------------------------------------------------------


def test_a_refused_press_records_nothing_and_an_accepted_one_records_owner_and_estimate(store: JobStore) -> None:
    store.add(job(status=JobStatus.COMPLETED, usd=2.04))

    refused = record_press(store, ANA, [job(estimate_usd=1.0)], PressCost(1.0), backend="offline", now=NOW)
    assert refused is not None and "you have $0.96 left today" in refused
    assert store.count() == 1

    fits = [job(estimate_usd=0.48), job(estimate_usd=0.48)]
    assert record_press(store, ANA, fits, PressCost(0.48, jobs=2), backend="offline", now=NOW) is None
    assert store.count() == 3


def test_send_press_records_the_owner_and_the_price_per_job_and_a_refusal_sends_nothing(
    catalogue: Catalogue, store: JobStore
) -> None:
    price = RunPrice("quote", 0.8, "$0.80", "")
    press = Press(catalogue.get(PIXVERSE), {"model": PIXVERSE, "prompt": "a fox"}, count=3, price=price)
    client = BatchClient()

    sent = send_press(JobService(store), client, press, backend="offline", person=ANA)

    assert sent.refused is None and len(client.submits) == 3
    assert {(j.owner, j.estimate_usd) for j in store.list()} == {(ANA.owner, 0.8)}
    again = send_press(JobService(store), client, press, backend="offline", person=ANA)  # $2.40 more: over $3
    assert again.refused is not None and again.refused.startswith("These 3 runs cost $2.40; you have $0.60 left")
    assert again.sent.jobs == () and len(client.submits) == 3 and store.count() == 3
    local = send_press(JobService(store), client, press, backend="offline", person=LOCAL_PERSON)
    assert local.refused is None and len(client.submits) == 6
    assert sorted({j.owner or "" for j in store.list()}) == ["", ANA.owner]


def test_two_presses_at_once_never_both_pass_a_limit_only_one_fits(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight presses of $1 at once, each through its own store (a tab, a replica), against a $3 daily limit."""
    read = spending_module.spent_in

    def slow_read(*args: object, **kwargs: object) -> Spent:
        # Widen the window between the read and the insert: without the lock, the others would read meanwhile.
        found = read(*args, **kwargs)  # type: ignore[arg-type]
        time.sleep(0.05)
        return found

    monkeypatch.setattr(spending_module, "spent_in", slow_read)
    stores = [JobStore(database_url) for _ in range(8)]
    answers: list[str | None] = [None] * 8
    try:

        def press(number: int) -> None:
            answers[number] = record_press(
                stores[number], ANA, [job(estimate_usd=1.0)], PressCost(1.0), backend="offline", now=NOW
            )

        run_threads(8, press)
        assert sum(answer is None for answer in answers) == 3
        assert stores[0].count() == 3
        assert spent(stores[0], ANA, "offline", now=NOW).today == 3.0
    finally:
        for opened in stores:
            opened.close()


# --- Spending per person ----------------------------------------------------------------------------------------------


def test_spending_per_person_today_this_month_and_in_total(store: JobStore) -> None:
    store.add_many(
        [
            job(status=JobStatus.COMPLETED, usd=1.0),
            job(status=JobStatus.COMPLETED, usd=2.0, at=NOW - timedelta(days=2)),
            job(status=JobStatus.COMPLETED, usd=4.0, at=NOW - timedelta(days=40)),
            job(status=JobStatus.FAILED),
            job(BEN.owner, status=JobStatus.GENERATING, estimate_usd=0.5),
            job(None, status=JobStatus.COMPLETED, usd=0.25),  # from before sign-in
            job(status=JobStatus.COMPLETED, kind=JobKind.JOINED),  # clips joined on this computer: not a job sent
            job(BEN.owner, status=JobStatus.COMPLETED, usd=50.0, backend="aimlapi"),
        ]
    )

    rows = {row.owner: row for row in spending_per_person(store, ["offline"], now=NOW)}

    assert set(rows) == {ANA.owner, BEN.owner, None}
    ana = rows[ANA.owner]
    assert (ana.today, ana.month, ana.total, ana.jobs) == (1.0, 3.0, 7.0, 3)
    assert (rows[BEN.owner].today, rows[BEN.owner].total) == (0.5, 0.5)
    assert [row.owner for row in spending_per_person(store, ["offline"], now=NOW)][0] == ANA.owner


def test_jobs_whose_actual_cost_went_over_the_estimate_are_listed(store: JobStore) -> None:
    over = job(status=JobStatus.COMPLETED, usd=1.3, estimate_usd=1.0)
    store.add_many(
        [
            over,
            job(status=JobStatus.COMPLETED, usd=1.0, estimate_usd=1.0),  # as estimated
            job(status=JobStatus.COMPLETED, usd=0.8, estimate_usd=1.0),  # under
            job(status=JobStatus.COMPLETED, usd=2.0),  # no estimate was shown
            job(BEN.owner, status=JobStatus.COMPLETED, usd=3.0, estimate_usd=2.0, at=NOW - timedelta(hours=1)),
        ]
    )

    assert [j.id for j in over_estimate(store, ["offline"], owner=ANA.owner)] == [over.id]
    assert len(over_estimate(store, ["offline"])) == 2
    assert over_estimate(store, ["aimlapi"]) == []
