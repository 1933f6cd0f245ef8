"""One press, one job, across sessions of one browser; and How many, through AppTest on a real offline backend.

A fresh AppTest session given the same draft id is what a reload, or a second tab, of the same browser is.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import Studio
from tests.test_app import KEYS, PIXVERSE, VIDEO01, choose, generate
from tests.test_attention import open_as
from tests.test_batches_app import fill_pixverse, how_many
from tests.test_chain_app import finished_clip, follow_continue
from tests.test_history_page import history, select_row, store
from videostudio.catalogue import Model
from videostudio.workflows.drafts import new_draft_id

pytestmark = pytest.mark.apptest

PROMPT = "Fireworks over a harbour"


def price_line(at: AppTest) -> str:
    [line] = [m.value for m in at.markdown if "Price of" in m.value or "Estimated price" in m.value]
    return line


def test_the_forms_request_is_built_once_per_run_for_the_draft_and_the_button(
    studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    from videostudio.form import payload

    real = payload.build_payload
    built: list[str] = []

    def counted(model: Model, values: Mapping[str, Any]) -> dict[str, Any]:
        built.append(model.id)
        return real(model, values)

    # Wherever the studio's own code took the function from: the page, and any component that imports it.
    for name, module in list(sys.modules.items()):
        own = name == payload.__name__ or name.startswith(("components.", "pages."))
        if own and getattr(module, "build_payload", None) is real:
            monkeypatch.setattr(module, "build_payload", counted)
    at = open_as(new_draft_id())
    choose(at, VIDEO01)
    built.clear()
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input(PROMPT).run()
    assert not at.exception
    assert built == [VIDEO01]  # one run, one request built: the draft keeps what the button would send


def test_a_reload_or_a_second_tab_shows_the_running_job_and_sends_nothing(studio: Studio) -> None:
    studio.backend.speed = 1000  # the job keeps running while the test presses again
    browser = new_draft_id()
    at = open_as(browser)
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input(PROMPT).run()
    generate(at)
    assert studio.backend_stats()["submits"] == 1

    again = open_as(browser)  # the same browser: its draft puts the form back as it was sent
    assert again.text_area(key=f"{KEYS[VIDEO01]}__prompt").value == PROMPT
    button = again.button(key="generate")
    assert button.disabled and button.label.startswith("Generating…")
    assert any(b.key == "generate_another" for b in again.button)
    assert any("progress is right here below" in s.value for s in again.success)  # the job, under the button
    # A press that reached the server from a page drawn before the job was sent is dropped there too.
    again.session_state["generate_requested"] = (KEYS[VIDEO01], None)
    again.run()
    assert studio.backend_stats()["submits"] == 1

    # "Generate another" in the second tab is one deliberate new job; the first tab then shows that one.
    again.button(key="generate_another").click().run()
    assert studio.backend_stats()["submits"] == 2
    at.run()
    assert at.button(key="generate").disabled
    at.session_state["generate_requested"] = (KEYS[VIDEO01], store().list()[1].id)  # drawn under the older job
    at.run()
    assert studio.backend_stats()["submits"] == 2

    # Another browser with the same settings is another person's press: its Generate sends.
    other = open_as(new_draft_id())
    choose(other, VIDEO01)
    other.text_area(key=f"{KEYS[VIDEO01]}__prompt").input(PROMPT).run()
    assert other.button(key="generate").label == "Generate" and not other.button(key="generate").disabled
    generate(other)
    assert studio.backend_stats()["submits"] == 3


def test_a_batch_is_one_press_for_a_second_tab_too(studio: Studio) -> None:
    studio.backend.speed = 1000
    browser = new_draft_id()
    at = open_as(browser)
    fill_pixverse(at)
    how_many(at, 2)
    generate(at)
    assert studio.backend_stats()["submits"] == 2
    second = open_as(browser)
    how_many(second, 2)  # How many is not part of the draft: the second tab sets it as the first did
    assert second.button(key="generate").disabled
    second.session_state["generate_requested"] = (KEYS[PIXVERSE], None)
    second.run()
    assert studio.backend_stats()["submits"] == 2


def test_how_many_goes_back_to_1_on_another_model_and_the_price_says_the_count(studio: Studio) -> None:
    at = open_as(new_draft_id())
    fill_pixverse(at)
    how_many(at, 3)
    assert "Price of these 3 runs: **3 ×" in price_line(at)
    choose(at, VIDEO01)
    assert at.session_state["generate_how_many"] == 1
    assert "these" not in price_line(at) and " × " not in price_line(at)
    how_many(at, 2)  # set again by the person: kept
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("Rain").run()
    assert at.session_state["generate_how_many"] == 2
    assert "these 2 runs: **2 ×" in price_line(at)
    assert "One press sends 2 jobs" in " ".join(c.value for c in at.caption)


def test_how_many_goes_back_to_1_when_a_job_is_continued(studio: Studio) -> None:
    finished_clip(studio, "a fox runs through snow", seconds=1.0)
    at = open_as(new_draft_id())
    fill_pixverse(at)
    how_many(at, 3)
    at = follow_continue(select_row(history(at), 0))
    choose(at, PIXVERSE)
    at.run()
    assert any("Continuing from" in i.value for i in at.info)
    assert at.session_state["generate_how_many"] == 1
    assert "Price of this run" in price_line(at)
