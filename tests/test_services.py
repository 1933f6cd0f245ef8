"""The studio's shared objects: getting one starts nothing; the router starts the background work, once."""

from __future__ import annotations

import threading

import pytest

from components import services
from tests.conftest import Studio


def follower_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "video-studio-follower" and t.is_alive()]


def test_getting_the_job_service_starts_no_thread(studio: Studio) -> None:
    before = follower_threads()
    services.job_service()
    services.follower()
    assert follower_threads() == before


def test_the_background_work_starts_one_follower_however_often_it_is_asked(studio: Studio) -> None:
    before = len(follower_threads())
    try:
        services.start_background_work()
        services.start_background_work()
        assert len(follower_threads()) == before + 1
        assert services.follower().service is services.job_service()  # one service, shared
    finally:
        services.follower().stop()


def test_a_studio_whose_follower_runs_apart_starts_none(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDEO_STUDIO_FOLLOWER", "apart")
    before = follower_threads()
    services.start_background_work()
    assert follower_threads() == before
