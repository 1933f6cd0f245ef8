"""Spending limits on a helper call, on the page: typed speech, Improve this prompt and Make a picture over a signed-in
creator's daily limit are refused in plain words and send nothing to the backend; one within it is made, recorded and
counted at what it cost."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import Studio
from tests.test_app import FABRIC, KEYS, PIXVERSE, VIDEO01, choose
from tests.test_history_page import add_job, store
from tests.test_limits_app import ANA, errors, members, open_as_member
from tests.test_prompt_helper_app import FIELD, HELPER, PROMPT, improve, make_a_picture
from tests.test_typed_speech_app import AUDIO, _make, _synthetic_voice, _typed  # noqa: F401 - the fixture too
from videostudio.history.record import helper_calls_table, utcnow
from videostudio.team.roles import Role
from videostudio.team.spending import spending_per_person

pytestmark = pytest.mark.apptest


def helper_calls() -> list[dict]:
    with store().engine.connect() as conn:
        return [dict(row) for row in conn.execute(sa.select(helper_calls_table)).mappings()]


def usage_rows(studio: Studio) -> list[dict]:
    return studio.backend.logs.query({"period": ["24h"]})["data"]  # type: ignore[attr-defined]


def over_the_daily_limit() -> None:
    """Ana, a creator whose whole day's limit is used up by a job."""
    members().add(ANA, Role.CREATOR)
    members().set(ANA, daily_usd=0.5)
    add_job("spent today", owner=ANA, usd=0.5, created=utcnow())


def refused_in_words(at) -> None:  # noqa: ANN001 - an AppTest
    [shown] = errors(at)
    assert "you have $0.00 left today (your daily limit is $0.50). Nothing was sent." in shown.replace("\\$", "$")
    assert shown.endswith("Ask your admin to raise your limit.")


def test_typed_speech_over_a_creators_daily_limit_is_refused_and_nothing_is_sent(studio: Studio) -> None:
    over_the_daily_limit()
    at = open_as_member(ANA)
    choose(at, FABRIC)
    _typed(at)
    _make(at)

    refused_in_words(at)
    assert usage_rows(studio) == []  # the offline backend got no /v1/tts request
    assert helper_calls() == []
    assert len(at.get("audio")) == 0  # no speech on the page


def test_typed_speech_within_the_limit_is_made_recorded_and_counted_at_its_cost(studio: Studio) -> None:
    members().add(ANA, Role.CREATOR)
    members().set(ANA, daily_usd=5.0)
    at = open_as_member(ANA)
    choose(at, FABRIC)
    _typed(at)
    _make(at)

    assert errors(at) == []
    [sent] = usage_rows(studio)
    [call] = helper_calls()
    assert (call["owner"], call["kind"], call["backend"]) == (ANA, "speech", "offline")
    assert call["client_request_id"] == sent["client_request_id"]
    assert call["cost_usd"] == pytest.approx(at.session_state[f"{AUDIO}__speech"].speech.usd)
    [ana] = spending_per_person(store(), ["offline"])
    assert ana.owner == ANA and ana.today == pytest.approx(call["cost_usd"]) and ana.today > 0


def test_improve_this_prompt_over_the_limit_is_refused_and_nothing_is_sent(studio: Studio) -> None:
    over_the_daily_limit()
    at = open_as_member(ANA)
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input(PROMPT).run()
    improve(at)

    refused_in_words(at)
    assert usage_rows(studio) == [] and helper_calls() == []
    assert f"{HELPER}_text" not in at.session_state  # no proposal


def test_make_a_picture_over_the_limit_is_refused_and_nothing_is_sent(studio: Studio) -> None:
    over_the_daily_limit()
    at = open_as_member(ANA)
    choose(at, PIXVERSE)
    make_a_picture(at, "A red lighthouse on a cliff at dawn")

    refused_in_words(at)
    assert usage_rows(studio) == [] and helper_calls() == []
    assert at.button(key=f"{FIELD}__still_make").label == "Make the picture"  # none was made
