"""Helper calls (speech, prompt help, music, pictures) and spending limits, tested directly: a call over a limit is
refused and records nothing; one under is recorded, counts today and on the Team page's table at its estimate, and
at its cost once settled (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.test_spending_limits import ANA, NOW, job
from tests.test_store import BACKENDS, database
from videostudio.history.record import helper_calls_table
from videostudio.history.store import JobStatus, JobStore
from videostudio.team.helper_calls import HelperSpending, record_helper_call, settle_helper_call
from videostudio.team.people import LOCAL_PERSON
from videostudio.team.spending import spending_per_person, spent


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with database(request.param, tmp_path) as url:
        opened = JobStore(url)
        yield opened
        opened.close()


def calls(store: JobStore) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(helper_calls_table.select()).mappings()]


def speech(store: JobStore, estimate: float | None, *, person=ANA, backend: str = "offline"):
    return record_helper_call(
        store,
        person,
        kind="speech",
        model="openai/tts-1",
        client_request_id="speech-1",
        estimate_usd=estimate,
        backend=backend,
        now=NOW,
    )


def test_a_helper_call_over_the_daily_limit_is_refused_in_a_press_words_and_records_nothing(store: JobStore) -> None:
    store.add(job(status=JobStatus.COMPLETED, estimate_usd=2.5, usd=2.5))
    started = speech(store, 0.6)
    assert started.call_id is None
    assert started.refused == (
        "This run costs $0.60; you have $0.50 left today (your daily limit is $3.00). Nothing was sent. "
        "Ask your admin to raise your limit."
    )
    assert calls(store) == []


def test_a_helper_call_whose_price_is_not_known_is_refused_to_a_person_with_a_limit(store: JobStore) -> None:
    started = speech(store, None)
    assert started.refused is not None and "Nothing was sent" in started.refused
    assert calls(store) == []


def test_a_helper_call_under_the_limit_is_recorded_and_counts_today_and_on_the_team_page(store: JobStore) -> None:
    store.add(job(status=JobStatus.COMPLETED, estimate_usd=1.0, usd=1.0))
    started = speech(store, 0.25)
    assert started.refused is None and started.call_id is not None
    [row] = calls(store)
    assert (row["owner"], row["kind"], row["backend"], row["estimate_usd"], row["cost_usd"]) == (
        ANA.owner,
        "speech",
        "offline",
        0.25,
        None,
    )
    assert spent(store, ANA, "offline", NOW).today == pytest.approx(1.25)
    [ana] = spending_per_person(store, ["offline"], NOW)
    assert (ana.owner, ana.today, ana.month, ana.total, ana.jobs) == (ANA.owner, 1.25, 1.25, 1.25, 1)
    # The next call sees the first: 1.25 spent, 1.75 left of 3.00.
    assert speech(store, 1.8).refused is not None
    assert speech(store, 1.75).refused is None


def test_settling_replaces_the_estimate_with_the_cost_or_keeps_it_when_none_was_reported(store: JobStore) -> None:
    first = speech(store, 0.5)
    second = speech(store, 0.4)
    assert first.call_id and second.call_id
    settle_helper_call(store, first.call_id, 0.1)
    settle_helper_call(store, second.call_id, None)
    assert spent(store, ANA, "offline", NOW).today == pytest.approx(0.5)
    assert sorted(row["cost_usd"] for row in calls(store)) == [0.1, 0.4]
    [ana] = spending_per_person(store, ["offline"], NOW)
    assert (ana.today, ana.jobs) == (pytest.approx(0.5), 0)


def test_helper_calls_count_apart_per_backend_and_day(store: JobStore) -> None:
    spending = HelperSpending(store, LOCAL_PERSON, "aimlapi")
    started = spending.record("music", "stable-audio", "music-1", 2.0)
    assert started.call_id is not None  # no limits without sign-in: recorded, never refused
    assert spent(store, LOCAL_PERSON, "offline", NOW).month == 0.0
    assert spent(store, LOCAL_PERSON, "aimlapi").today == pytest.approx(2.0)
    assert spent(store, LOCAL_PERSON, "aimlapi", NOW + timedelta(days=40)).month == 0.0
    [local] = spending_per_person(store, ["aimlapi"])
    assert (local.owner, local.today) == (None, pytest.approx(2.0))


def test_an_unknown_kind_is_a_programming_error(store: JobStore) -> None:
    with pytest.raises(ValueError):
        record_helper_call(
            store, ANA, kind="poem", model="m", client_request_id="x", estimate_usd=0.1, backend="offline", now=NOW
        )
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(helper_calls_table)).scalar() == 0
