"""Work that is never lost, links that open what they name, attention where the action is (AppTest).

Drafts survive a new session of the same browser; ``/history?job=`` opens that job in a dialog; every card
has its link; the job just started sits under Generate; a failed job's Try again sends once; on a phone the
status line and History's folded filters (their CSS is checked in tests/browser/test_drafts_links.py).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.shell.job_link import compare_url, studio_base_url
from tests.conftest import Studio, jpeg_bytes
from tests.test_app import APP, KEYS, PIXVERSE, VIDEO01, choose, generate, upload, wait_for_video
from tests.test_history_page import add_job, button, history, rerun, select_row, store, text_of
from videostudio.workflows.drafts import new_draft_id

pytestmark = pytest.mark.apptest


def open_as(draft_id: str, **query: str) -> AppTest:
    """A fresh session of the browser whose draft cookie holds ``draft_id`` (a reload, or a later visit)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["draft_id"] = draft_id
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- drafts ---------------------------------------------------------------------------------------------------------


def test_a_reload_keeps_the_draft_uploads_included(studio: Studio) -> None:
    browser = new_draft_id()
    at = open_as(browser)
    choose(at, PIXVERSE)
    upload(at, PIXVERSE, "image_url", "cat.jpg", jpeg_bytes((640, 480)), "image/jpeg")
    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("A cat surfing at dawn").run()
    at.selectbox(key=f"{KEYS[PIXVERSE]}__resolution").select("360p").run()

    reloaded = open_as(browser)  # no ?model=: the model this browser last had comes back too
    assert reloaded.session_state["model_choice"] == PIXVERSE
    assert reloaded.text_area(key=f"{KEYS[PIXVERSE]}__prompt").value == "A cat surfing at dawn"
    assert reloaded.selectbox(key=f"{KEYS[PIXVERSE]}__resolution").value == "360p"
    assert any("cat.jpg" in c.value for c in reloaded.caption)  # the upload's preview
    generate(reloaded)
    assert studio.backend_stats()["submits"] == 1
    [job] = store().list()
    assert job.media["image_url"]["name"] == "cat.jpg"


def test_another_browser_gets_an_empty_form(studio: Studio) -> None:
    at = open_as(new_draft_id())
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("Mine only").run()
    other = open_as(new_draft_id(), model=VIDEO01)
    assert other.text_area(key=f"{KEYS[VIDEO01]}__prompt").value == ""


def test_the_draft_id_never_reaches_the_url(studio: Studio) -> None:
    browser = new_draft_id()
    at = open_as(browser)
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("x").run()
    assert at.query_params  # ?model= is there
    assert all(browser not in str(value) for value in at.query_params.values())
    # Nor in a card's link.
    add_job("Linked")
    rerun(at)
    assert at.code and all(browser not in c.value for c in at.code)


# --- links ----------------------------------------------------------------------------------------------------------


def test_studio_base_url_drops_the_page_and_query() -> None:
    assert studio_base_url("http://127.0.0.1:8501/history") == "http://127.0.0.1:8501"
    assert studio_base_url("http://127.0.0.1:8501/") == "http://127.0.0.1:8501"
    assert studio_base_url("https://example.org/studio/models") == "https://example.org/studio"
    assert studio_base_url(None) == ""
    assert studio_base_url("http://127.0.0.1:8501/compare?jobs=a,b") == "http://127.0.0.1:8501"


def test_compare_url_lists_the_jobs_in_order() -> None:
    assert (
        compare_url(["b2", "a1", "c3"], "http://127.0.0.1:8501/history")
        == "http://127.0.0.1:8501/compare?jobs=b2,a1,c3"
    )


def test_a_job_link_opens_that_job_in_a_dialog(studio: Studio) -> None:
    add_job("First")
    wanted = add_job("The one the link names")
    at = open_as(new_draft_id(), job=wanted.id)
    at.switch_page("pages/history.py").run()
    assert not at.exception
    assert "The one the link names" in text_of(at)
    assert any(b.label == "Use these settings" for b in at.button)
    assert at.query_params["job"] == wanted.id


def test_a_run_carrying_the_link_of_a_job_closed_before_does_not_reopen_it(studio: Studio) -> None:
    first = add_job("The job opened first")
    second = add_job("The job opened next")
    at = open_as(new_draft_id(), job=first.id)
    at.switch_page("pages/history.py").run()
    at.session_state["history_open"] = second.id  # closed the first, opened the second (its Open button)
    at.run()
    assert at.query_params["job"] == second.id
    at.query_params["job"] = first.id  # a tick the browser asked for before it heard of the second
    at.run()
    assert not at.exception
    assert "The job opened next" in text_of(at) and "The job opened first" not in text_of(at)
    assert at.query_params["job"] == second.id


def test_a_link_to_an_unknown_job_says_so(studio: Studio) -> None:
    add_job("Something")
    at = open_as(new_draft_id(), job="no-such-job")
    at.switch_page("pages/history.py").run()
    assert "not in this studio's history" in text_of(at)
    assert not any(b.label == "Use these settings" for b in at.button)


def test_every_card_has_its_link(studio: Studio) -> None:
    jobs = [add_job("A card with a link"), add_job("Another", status="failed", error="No.")]
    at = open_as(new_draft_id())
    assert sorted(links_in(at.code)) == sorted(f"/history?job={job.id}" for job in jobs)
    at = select_row(history(at), 0)  # the opened job's card, in the dialog
    assert links_in(at.get("dialog")[0].code) == [f"/history?job={jobs[1].id}"]


def links_in(code_blocks: Any) -> list[str]:
    """The links among code blocks: Copy as code's scripts are code blocks too, each in its language."""
    return [c.value for c in code_blocks if c.proto.language in ("", "plaintext")]


# --- History: the opened job in a dialog ------------------------------------------------------------------------------


def test_an_opened_job_its_actions_and_delete_show_in_a_dialog(studio: Studio) -> None:
    add_job("Open me")
    at = select_row(history(), 0)
    dialogs = at.get("dialog")
    assert len(dialogs) == 1
    labels = [b.label for b in dialogs[0].button]
    assert {"Use these settings", "Run again", "Delete"} <= set(labels)
    button(at, "Delete").click()
    rerun(at)
    assert any(b.label == "Delete for good" for b in at.get("dialog")[0].button)


def test_filters_are_folded_so_results_come_first(studio: Studio) -> None:
    add_job("Visible at once")
    at = history()
    [expander] = [e for e in at.expander if e.label == "Filter and sort"]
    assert not expander.proto.expanded
    assert list(at.dataframe[0].value.columns[:5]) == ["thumbnail", "status", "model", "prompt", "cost"]


# --- Generate: the started job under the button, Try again ------------------------------------------------------------


def test_the_started_job_shows_under_generate_until_it_ends(studio: Studio) -> None:
    studio.backend.speed = 1  # slow enough to see it running
    at = open_as(new_draft_id())
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("A lighthouse").run()
    generate(at)
    [job] = store().list()
    assert any("progress is right here below" in s.value for s in at.success)
    assert any(p for p in at.get("progress"))
    assert at.session_state["generate_started_job"] == job.id
    studio.backend.speed = 0
    wait_for_video(at)
    for _ in range(20):
        if store().get(job.id).status == "completed":
            break
        time.sleep(0.2)
    rerun(at)
    assert not any("progress is right here below" in s.value for s in at.success)


def test_try_again_on_a_failed_job_sends_once_and_shows_it(studio: Studio) -> None:
    failed = add_job("Fireworks", status="failed", error="The provider could not make this video.")
    at = open_as(new_draft_id())
    tries = [b for b in at.button if b.label == "Try again"]
    assert [b.key for b in tries] == [f"try-again-card-{failed.id}"]
    tries[0].click()
    rerun(at)
    assert studio.backend_stats()["submits"] == 1
    new = next(j for j in store().list() if j.id != failed.id)
    assert new.prompt == "Fireworks"
    assert at.session_state["generate_started_job"] == new.id
    # Nothing is sent again on its own: more runs, no more submits.
    rerun(at)
    rerun(at)
    assert studio.backend_stats()["submits"] == 1


# --- phones: the status line ------------------------------------------------------------------------------------------


def test_every_page_has_a_status_line_with_the_backend_and_running_jobs(studio: Studio) -> None:
    add_job("Still going", status="generating")
    at = open_as(new_draft_id())
    # Badges are markdown; the status line is the keyed container at the top of the page's main area.
    assert any("Running (1)" in m.value and "Still going" not in m.value for m in at.markdown)
    assert any("Offline demo" in m.value or "offline" in m.value.lower() for m in at.markdown)
    at = history(at)
    assert any("Running (1)" in m.value for m in at.markdown)
