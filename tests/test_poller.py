"""The page tick: sessions do not poll, they read the history every TICK_SECONDS and rerun the page when what
it shows has changed (a job started in another tab or studio, a job finished).

AppTest never fires ``run_every`` timers, so a spy on ``st.fragment`` records the timer each page asks for
and lets a test change the history between a run's drawing and its tick, as time passing would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.jobs import poller
from tests.apptest import open_fold
from tests.conftest import REPO, Studio
from videostudio.history.store import Job, JobStatus

pytestmark = pytest.mark.apptest

APP = REPO / "app.py"


class TickSpy:
    def __init__(self) -> None:
        self.timers: list[Any] = []
        self.ticks = 0
        self.before_next_tick: Callable[[], None] | None = None
        self.in_tick = False


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> TickSpy:
    import streamlit as st

    original = st.fragment
    recorded = TickSpy()

    def fragment(func: Callable[[], None], *, run_every: Any = None, **options: Any) -> Any:
        def tick() -> None:
            recorded.ticks += 1
            if recorded.before_next_tick:
                change, recorded.before_next_tick = recorded.before_next_tick, None
                change()
            recorded.in_tick = True
            try:
                func()
            finally:
                recorded.in_tick = False

        recorded.timers.append(run_every)
        return original(tick, run_every=run_every, **options)

    monkeypatch.setattr(st, "fragment", fragment)
    return recorded


def open_studio() -> AppTest:
    """The Generate page, drawn once the live list (the prices) is in: a first draw without prices reruns once."""
    from components.shell import services

    at = AppTest.from_file(str(APP), default_timeout=60).run()
    services.catalogue_refresher("offline").wait(30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def store():  # type: ignore[no-untyped-def]
    from components.shell import services

    return services.job_service().store


def tray(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption if "Running jobs" in c.value or "generating" in c.value]


def test_a_page_ticks_even_with_nothing_running_and_often_while_a_job_runs(
    studio: Studio, spy: TickSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIDEO_STUDIO_FOLLOWER", "apart")  # the job below stays running: the page's own ticks alone
    at = open_studio()
    # A tab opened before any job started must still notice one started elsewhere: its tick has a timer, a
    # longer one while nothing runs (an idle tab costs the server less), still a few seconds at most.
    timers_before = len(spy.timers)
    at.run()
    assert spy.timers[timers_before:] == [poller.IDLE_TICK_SECONDS]
    assert poller.TICK_SECONDS < poller.IDLE_TICK_SECONDS <= 5
    # A page that shows a running job looks often: its card turns to Done a second or two after the job ends.
    store().add(Job(model_id="video-01", backend="offline", status="generating", generation_id="g-1"))
    timers_before = len(spy.timers)
    at.run()
    assert spy.timers[timers_before:] == [poller.TICK_SECONDS]
    assert 1 <= poller.TICK_SECONDS <= 2


def test_the_tick_reruns_the_page_once_when_the_prices_come_in(
    studio: Studio, spy: TickSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from components.shell import services
    from videostudio.catalogue.live import LiveCatalogueRefresher

    gate = threading.Event()  # the live list is read only once the gate opens
    read = LiveCatalogueRefresher.refresh_now
    monkeypatch.setattr(LiveCatalogueRefresher, "refresh_now", lambda self: gate.wait(30) and read(self))
    at = AppTest.from_file(str(APP), default_timeout=60).run()  # drawn before the live list is in
    assert any("Price loading" in m.value for m in at.markdown)
    gate.set()
    services.catalogue_refresher("offline").wait(30)
    ticks_before = spy.ticks
    at.run()
    assert spy.ticks - ticks_before == 2  # the tick saw the prices arrive and reran the page, once
    assert not any("Price loading" in m.value for m in at.markdown)
    ticks_before = spy.ticks
    at.run()
    assert spy.ticks - ticks_before == 1


def test_a_job_started_in_another_tab_shows_on_the_next_tick(
    studio: Studio, spy: TickSpy, monkeypatch: pytest.MonkeyPatch
) -> None:

    # Keep the job as it is: this test is about the page, not the follower, so the studio follows nothing itself.
    monkeypatch.setenv("VIDEO_STUDIO_FOLLOWER", "apart")
    at = open_studio()
    assert tray(at) == []
    started = Job(model_id="video-01", backend="offline", status="generating", generation_id="g-1", prompt="Elsewhere")
    spy.before_next_tick = lambda: store().add(started)
    ticks_before = spy.ticks

    at.run()

    assert not at.exception, [e.value for e in at.exception]
    # The tick saw a job the run had not drawn, and reran the page: the run draws it, and the tick is content.
    assert spy.ticks - ticks_before == 2
    assert any("Running jobs (1)" in text for text in tray(at))


def test_a_tick_with_nothing_new_does_not_rerun_the_page(
    studio: Studio, spy: TickSpy, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setenv("VIDEO_STUDIO_FOLLOWER", "apart")  # the page's own ticks alone, as above
    store().add(Job(model_id="video-01", backend="offline", status="generating", generation_id="g-1"))
    at = open_studio()
    ticks_before = spy.ticks
    at.run()
    assert spy.ticks - ticks_before == 1


@pytest.fixture
def loads(spy: TickSpy, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the running jobs were loaded from the history (``JobStore.active``), in ticks and in full runs."""
    from videostudio.history.store import JobStore

    counted = {"tick": 0, "run": 0}
    active = JobStore.active

    def counting(self: JobStore, **options: Any) -> list[Job]:
        counted["tick" if spy.in_tick else "run"] += 1
        return active(self, **options)

    monkeypatch.setattr(JobStore, "active", counting)
    return counted


def test_a_tick_that_finds_nothing_changed_loads_no_jobs(
    studio: Studio, spy: TickSpy, loads: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIDEO_STUDIO_FOLLOWER", "apart")  # the page's own ticks alone, as above
    store().add(Job(model_id="video-01", backend="offline", status="generating", generation_id="g-1"))
    at = open_studio()
    assert loads["tick"] == 1  # the first tick of the session reads the jobs once
    ticks_before = spy.ticks
    for _ in range(3):
        at.run()
    assert spy.ticks - ticks_before == 3
    assert loads["tick"] == 1  # three more ticks: the stamp said nothing changed, so nothing was loaded
    assert any("Running jobs (1)" in text for text in tray(at))  # and the tray still shows the job it drew


def test_a_tick_loads_the_jobs_again_once_something_changed(
    studio: Studio, spy: TickSpy, loads: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIDEO_STUDIO_FOLLOWER", "apart")  # the page's own ticks alone, as above
    job = store().add(Job(model_id="video-01", backend="offline", status="queued", generation_id="g-1"))
    at = open_studio()
    loaded = loads["tick"]
    spy.before_next_tick = lambda: store().update(job.id, status=JobStatus.GENERATING)
    at.run()
    # The tick saw the new status and reran the page; the rerun's own tick found nothing new since.
    assert loads["tick"] - loaded == 1
    assert any("generating" in text for text in tray(at)), tray(at)


def test_a_job_finished_by_the_follower_shows_done_with_a_toast(
    studio: Studio, spy: TickSpy, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setenv("VIDEO_STUDIO_FOLLOWER", "apart")  # the page's own ticks alone, as above
    job = store().add(Job(model_id="video-01", backend="offline", status="generating", generation_id="g-1"))
    at = open_studio()
    assert any("Running jobs (1)" in text for text in tray(at))
    spy.before_next_tick = lambda: store().update(job.id, status=JobStatus.FAILED, error="Refused")

    at.run()

    assert not at.exception, [e.value for e in at.exception]
    assert tray(at) == []
    assert any(t.value.endswith(": the job failed.") for t in at.toast), [t.value for t in at.toast]


def test_a_key_typed_in_a_session_lets_the_follower_follow_api_jobs(studio: Studio) -> None:
    from components.shell import services

    at = open_studio()
    assert not services.follower().can_follow("aimlapi")
    open_fold(at, "sidebar_key_panel")
    at.sidebar.text_input(key="sidebar_api_key").input("typed-key-123").run()
    assert not at.exception, [e.value for e in at.exception]
    # Lent in memory to this process's follower, so the jobs of this session are followed with no tab open.
    assert services.follower().can_follow("aimlapi")
    assert "typed-key-123" not in str(services.settings())
