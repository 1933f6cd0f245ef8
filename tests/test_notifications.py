"""Opt-in notifications when a job ends: what the studio hands its browser component, and the toast fallback."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.jobs.poller import DRAWN_KEY
from tests.apptest import open_fold
from tests.conftest import Studio
from tests.test_app import KEYS, VIDEO01, choose, generate, open_studio
from videostudio.history.record import utcnow
from videostudio.history.store import JobStatus

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
    """Step the page (AppTest never fires the tick's timer) until the job has ended; the notices handed over,
    from the run before this call (the one that sent the job, where a fast job may already have ended) on."""
    notices: list[dict[str, str]] = handed_notices(at)
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


def start_job(at: AppTest, prompt: str) -> None:
    # The offline backend renders at once here: the job may end before the page draws it running, or after.
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input(prompt).run()
    generate(at)


def toasts(at: AppTest) -> list[str]:
    return [t.value for t in at.toast]


PROMPT = "Fireworks over a quiet harbour at midnight, seen from a small boat"


def test_nothing_is_handed_to_the_browser_without_the_opt_in(studio: Studio) -> None:
    at = open_studio()
    assert at.get("bidi_component") == []  # not even on the page: nothing for it to do
    start_job(at, PROMPT)
    assert run_until_ended(at) == []


def test_opting_in_asks_the_browser_and_an_ended_job_queues_one_notification(studio: Studio) -> None:
    at = open_studio()
    open_fold(at, "notify_panel")
    at.toggle(key="notify_opt_in").set_value(True).run()
    data = component_data(at)
    assert data["enabled"] is True and data["ask"] == 1  # the component asks for permission once per opt-in
    at.run()
    assert component_data(at)["ask"] == 1  # not again on the next run
    at.session_state["notify_panel"] = False  # folded again: its switches are not drawn, and stay on
    at.run()
    assert not [t for t in at.toggle if t.key == "notify_opt_in"] and component_data(at)["enabled"] is True
    at.session_state["notify_permission"] = "granted"  # what the component reports once the person allowed it

    start_job(at, PROMPT)
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
    open_fold(at, "notify_panel")
    at.toggle(key="notify_opt_in").set_value(True).run()
    at.session_state["notify_permission"] = "denied"  # what the component reports when the browser refuses
    at.run()
    assert any("does not allow the studio's notifications" in t for t in toasts(at))
    at.run()
    assert not any("does not allow" in t for t in toasts(at))  # said once
    assert any("Not allowed by this browser" in c.value for c in at.sidebar.caption)

    start_job(at, PROMPT)
    seen = toasts(at)  # a fast job may end in the very run that sent it
    deadline = time.monotonic() + 60
    while not any("your video is ready" in t for t in seen) and time.monotonic() < deadline:
        at.run()
        seen += toasts(at)
        time.sleep(0.2)
    assert any("MiniMax video-01: your video is ready" in t for t in seen)


def test_the_sound_alone_hands_over_notices_without_asking_for_permission(studio: Studio) -> None:
    at = open_studio()
    open_fold(at, "notify_panel")
    at.toggle(key="notify_sound").set_value(True).run()
    data = component_data(at)
    assert data["sound"] is True and data["enabled"] is False and data["ask"] == 0
    start_job(at, PROMPT)
    assert len(run_until_ended(at)) == 1


@pytest.mark.parametrize("opted_in", [True, False], ids=["notification", "toast"])
def test_a_job_that_ends_before_the_page_draws_it_running_is_still_said_once(
    studio: Studio, monkeypatch: pytest.MonkeyPatch, opted_in: bool
) -> None:
    from components.shell import services

    at = open_studio()
    if opted_in:
        open_fold(at, "notify_panel")
        at.toggle(key="notify_opt_in").set_value(True).run()
        at.session_state["notify_permission"] = "granted"
    services.follower().stop()  # this test ends the job itself, at the worst moment
    service = services.job_service()
    send_recorded = service.send_recorded

    def send_and_end_at_once(*args: Any, **kwargs: Any) -> Any:
        # The job ends between the submit and the page's next run (a fast backend, a loaded machine).
        job = send_recorded(*args, **kwargs)
        service.store.update(job.id, status=JobStatus.COMPLETED, finished_at=utcnow())
        return job

    monkeypatch.setattr(service, "send_recorded", send_and_end_at_once)
    start_job(at, PROMPT)
    notices, said = handed_notices(at), toasts(at)
    for _run in range(2):  # later runs must not say it again
        at.run()
        notices += handed_notices(at)
        said += toasts(at)

    [job] = _jobs()
    ready = [t for t in said if "your video is ready" in t]
    if opted_in:
        assert [n["id"] for n in notices] == [job.id] and ready == []
    else:
        assert notices == [] and ready == ["MiniMax video-01: your video is ready."]


def _jobs():  # type: ignore[no-untyped-def]
    from components.shell import services

    return services.job_service().store.list()
