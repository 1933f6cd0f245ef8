"""Opt-in notifications when a job ends: what the studio hands its browser component, and the toast fallback."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.jobs.poller import DRAWN_KEY
from tests.conftest import Studio
from tests.test_app import KEYS, VIDEO01, choose, generate, open_studio

pytestmark = pytest.mark.apptest


def component_data(at: AppTest) -> dict[str, Any]:
    """The data this run passed to the notification component (its script runs in the browser)."""
    [notifier] = at.get("bidi_component")
    assert notifier.proto.component_name == "videostudio.notifier"
    return json.loads(notifier.proto.json)


def handed_notices(at: AppTest) -> list[dict[str, str]]:
    """The notices this run handed to the component (none when it is not on the page: nothing wanted)."""
    return component_data(at)["notices"] if at.get("bidi_component") else []


def run_until_ended(at: AppTest, seconds: float = 60) -> list[dict[str, str]]:
    """Step the page (AppTest never fires the tick's timer) until the job has ended; the notices handed over."""
    notices: list[dict[str, str]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        notices += handed_notices(at)
        # The video shows, and the tray no longer counts the job as running: its end was handed over. (The follower
        # may end the job between the tray's look at the history and Latest jobs', within one run.)
        if at.get("video") and not at.session_state[DRAWN_KEY]:
            return notices
        time.sleep(0.2)
    raise AssertionError("the job did not end")


def start_job(at: AppTest, studio: Studio, prompt: str) -> None:
    # A job of several seconds: the page must see it running before it can see it end, on a loaded machine too.
    studio.backend.speed = 2
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input(prompt).run()
    generate(at)


def toasts(at: AppTest) -> list[str]:
    return [t.value for t in at.toast]


PROMPT = "Fireworks over a quiet harbour at midnight, seen from a small boat"


def test_nothing_is_handed_to_the_browser_without_the_opt_in(studio: Studio) -> None:
    at = open_studio()
    assert at.get("bidi_component") == []  # not even on the page: nothing for it to do
    start_job(at, studio, PROMPT)
    assert run_until_ended(at) == []


def test_opting_in_asks_the_browser_and_an_ended_job_queues_one_notification(studio: Studio) -> None:
    at = open_studio()
    at.toggle(key="notify_opt_in").set_value(True).run()
    data = component_data(at)
    assert data["enabled"] is True and data["ask"] == 1  # the component asks for permission once per opt-in
    at.run()
    assert component_data(at)["ask"] == 1  # not again on the next run
    at.session_state["notify_permission"] = "granted"  # what the component reports once the person allowed it

    start_job(at, studio, PROMPT)
    notices = run_until_ended(at)

    [job] = _jobs()
    assert notices == [
        {
            "id": job.id,
            "title": "MiniMax video-01: your video is ready",
            "body": "Fireworks over a quiet harbour at midnight, seen…",
        }
    ]
    assert not any("your video is ready" in t for t in toasts(at))  # the notification says it, not a toast too


def test_a_refused_permission_is_said_once_and_the_toast_stays(studio: Studio) -> None:
    at = open_studio()
    at.toggle(key="notify_opt_in").set_value(True).run()
    at.session_state["notify_permission"] = "denied"  # what the component reports when the browser refuses
    at.run()
    assert any("does not allow the studio's notifications" in t for t in toasts(at))
    at.run()
    assert not any("does not allow" in t for t in toasts(at))  # said once
    assert any("Not allowed by this browser" in c.value for c in at.sidebar.caption)

    start_job(at, studio, PROMPT)
    at.run()
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while not any("your video is ready" in t for t in seen) and time.monotonic() < deadline:
        at.run()
        seen += toasts(at)
        time.sleep(0.2)
    assert any("MiniMax video-01: your video is ready" in t for t in seen)


def test_the_sound_alone_hands_over_notices_without_asking_for_permission(studio: Studio) -> None:
    at = open_studio()
    at.toggle(key="notify_sound").set_value(True).run()
    data = component_data(at)
    assert data["sound"] is True and data["enabled"] is False and data["ask"] == 0
    start_job(at, studio, PROMPT)
    assert len(run_until_ended(at)) == 1


def _jobs():  # type: ignore[no-untyped-def]
    from components.shell import services

    return services.job_service().store.list()
