"""A paid answer reaches the page when the run that asked for it is stopped right after the call.

A newer press or edit stops a run at its next call into Streamlit, and writing the session is one. Here the run is
stopped at the first write after the call (``AnswerBox.deliver``, as a person's edit would stop it): the answer, paid
for, shows on the next run, and the next press does not pay for it again (components/shell/paid_answers.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.shell.paid_answers import BOX_KEY, AnswerBox
from tests.conftest import Studio
from tests.test_app import FABRIC, PIXVERSE, choose
from tests.test_attention import open_as
from tests.test_prompt_helper_app import FIELD, HELPER, chat_calls, improve, make_a_picture, still_calls, with_prompt
from tests.test_typed_speech_app import AUDIO, _make, _speech_calls, _synthetic_voice, _typed  # noqa: F401 - a fixture
from videostudio.workflows.drafts import new_draft_id

pytestmark = pytest.mark.apptest


@pytest.fixture
def stopped_after_the_call(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The next delivery stops its run before writing anything; yields the keys that were waiting then."""
    stopped: list[str] = []
    deliver = AnswerBox.deliver

    def stop_once(self: AnswerBox) -> None:
        if not stopped:
            stopped.extend(self.waiting())
            st.stop()  # as a newer press stops the run at its first Streamlit call
        deliver(self)

    monkeypatch.setattr(AnswerBox, "deliver", stop_once)
    yield stopped


def test_a_speech_whose_run_was_stopped_shows_on_the_next_run_paid_once(
    studio: Studio, stopped_after_the_call: list[str]
) -> None:
    at = open_as(new_draft_id())
    choose(at, FABRIC)
    _typed(at)
    _make(at)
    assert stopped_after_the_call == [f"{AUDIO}__speech"]
    assert f"{AUDIO}__speech" not in at.session_state  # the stopped run wrote nothing

    at.run()  # the run the newer press asked for
    assert len(at.get("audio")) == 1
    assert at.button(key=f"{AUDIO}__speech_make").label == "Make it again"
    assert _speech_calls(studio) == ["openai/gpt-4o-mini-tts"]
    assert at.session_state[BOX_KEY].waiting() == {}


def test_a_proposal_whose_run_was_stopped_shows_on_the_next_run_paid_once(
    studio: Studio, stopped_after_the_call: list[str]
) -> None:
    at = with_prompt(studio)
    improve(at)
    assert sorted(stopped_after_the_call) == [f"{HELPER}_answer", f"{HELPER}_text"]

    at.run()
    assert at.text_area(key=f"{HELPER}_text").value  # the proposal, editable
    assert not any(b.key == f"{HELPER}_improve" for b in at.button)  # no second ask while it is shown
    assert len(chat_calls(studio)) == 1


def test_a_picture_whose_run_was_stopped_shows_on_the_next_run_paid_once(
    studio: Studio, stopped_after_the_call: list[str]
) -> None:
    at = open_as(new_draft_id())
    choose(at, PIXVERSE)
    make_a_picture(at, "A red lighthouse on a cliff at dawn")
    assert sorted(stopped_after_the_call) == [f"{FIELD}__still", f"{FIELD}__still_made"]

    at.run()
    assert len(at.get("image")) >= 1 and at.session_state[f"{FIELD}__still"].model_id == "flux/schnell"
    assert len(still_calls(studio)) == 1


def test_what_a_stopped_run_left_is_delivered_before_the_page_draws() -> None:
    at = AppTest.from_function(_page_reading_a_delivered_value)
    at.run()
    box = AnswerBox()
    box.put("delivered", "a proposal")
    at.session_state[BOX_KEY] = box
    at.run()
    assert [m.value for m in at.markdown] == ["a proposal"]
    assert box.waiting() == {}


def _page_reading_a_delivered_value() -> None:
    import streamlit as st

    from components.shell.paid_answers import deliver_answers

    deliver_answers()
    if "delivered" in st.session_state:
        st.markdown(st.session_state["delivered"])
