"""Spending limits and the confirmation of a costly press, on the pages, through AppTest on a real offline backend.

A signed-in member is simulated with ``at.user`` and an ``[auth]`` section in ``at.secrets``; what was sent is
counted at the offline backend (its submits) and in the history (job rows), so "nothing was sent" is observed.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import Studio
from tests.test_app import APP, KEYS, PIXVERSE, generate
from tests.test_batches_app import fill_pixverse, how_many, texts
from tests.test_history_page import HISTORY, add_job, rerun, store
from videostudio.catalogue.pricing import money
from videostudio.team.roles import Role
from videostudio.workflows.drafts import new_draft_id

pytestmark = pytest.mark.apptest

ANA = "ana@example.com"
# Never contacted: the member is simulated with at.user, the section only says "this studio has sign-in".
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-for-the-tests-only",
    "client_id": "video-studio",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def members():  # noqa: ANN201 - the studio's own MemberStore, on its history database
    from components.shell.identity import member_store

    return member_store()


def open_as_member(email: str | None) -> AppTest:
    """A fresh browser session: signed in as ``email``, or on a studio without sign-in (None)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if email is not None:
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": email, "name": "Ana"}
    at.session_state["draft_id"] = new_draft_id()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def one_run(at: AppTest) -> float:
    (line,) = [m.value for m in at.markdown if "Price of this run" in m.value]
    return float(re.search(r"\$([\d.]+)", line.replace("\\$", "$")).group(1))  # type: ignore[union-attr]


def prices_in(at: AppTest, seconds: float = 30) -> None:
    """Run the page until the live list (with the prices) is in: the price tag shows a price."""
    deadline = time.monotonic() + seconds
    while not any("Price of this run" in m.value for m in at.markdown):
        assert time.monotonic() < deadline, "the prices never came in"
        time.sleep(0.1)
        rerun(at)


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_a_press_over_the_members_daily_limit_is_refused_and_sends_nothing(studio: Studio) -> None:
    members().add(ANA, Role.CREATOR)
    at = open_as_member(ANA)
    fill_pixverse(at)
    price = one_run(at)
    members().set(ANA, daily_usd=round(price * 1.5, 4))

    generate(at)  # the first run fits
    assert studio.backend_stats()["submits"] == 1
    [job] = store().list()
    assert job.owner == ANA and job.estimate_usd == pytest.approx(price)

    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("A second fox").run()
    generate(at)

    left = round(price * 1.5, 4) - price
    assert f"This run costs {money(price)}; you have {money(left)} left today" in " ".join(errors(at))
    assert "Ask your admin to raise your limit." in " ".join(errors(at))
    assert studio.backend_stats()["submits"] == 1 and store().count() == 1
    assert not at.button(key="generate").disabled  # nothing was sent: the button is a plain Generate again


def test_a_member_without_a_limit_and_a_studio_without_sign_in_are_not_refused(studio: Studio) -> None:
    members().add(ANA, Role.CREATOR)
    at = open_as_member(ANA)
    fill_pixverse(at)
    generate(at)
    local = open_as_member(None)
    fill_pixverse(local, "A fox at night")
    generate(local)

    assert studio.backend_stats()["submits"] == 2
    assert sorted((job.owner or "") for job in store().list()) == ["", ANA]
    assert not errors(at) and not errors(local)


def test_a_press_above_the_teams_amount_asks_once_and_only_send_sends(studio: Studio) -> None:
    at = open_as_member(None)  # a laptop without sign-in is asked too
    fill_pixverse(at)
    price = one_run(at)
    members().set_confirm_above_usd(price * 2)
    how_many(at, 3)

    generate(at)
    question = f"Send 3 runs for {money(price * 3)}?"
    assert question in texts(at).replace("\\$", "$")
    assert studio.backend_stats()["submits"] == 0 and store().count() == 0

    at.button(key="press_question_cancel").click().run()
    assert question not in texts(at).replace("\\$", "$")
    assert studio.backend_stats()["submits"] == 0 and store().count() == 0

    generate(at)
    at.button(key="press_question_send").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert studio.backend_stats()["submits"] == 3 and store().count() == 3
    # The second half of a double click on Send, arriving after the send: the question is gone, nothing is sent.
    at.session_state["generate_requested"] = (KEYS[PIXVERSE], None)
    at.run()
    assert studio.backend_stats()["submits"] == 3


def test_eight_runs_above_the_default_amount_ask_first_and_a_changed_form_drops_the_question(studio: Studio) -> None:
    at = open_as_member(None)
    fill_pixverse(at)
    price = one_run(at)
    assert price * 8 > 5.0  # the default amount that asks first
    how_many(at, 8)
    generate(at)
    assert f"Send 8 runs for {money(price * 8)}?" in texts(at).replace("\\$", "$")

    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("Another fox").run()  # not what was asked about

    assert not any(b.key == "press_question_send" for b in at.button)
    assert studio.backend_stats()["submits"] == 0 and store().count() == 0


def test_the_confirmation_comes_before_the_limit_and_send_still_checks_the_limit(studio: Studio) -> None:
    members().add(ANA, Role.CREATOR)
    at = open_as_member(ANA)
    fill_pixverse(at)
    price = one_run(at)
    members().set(ANA, daily_usd=price * 2)
    members().set_confirm_above_usd(price)
    how_many(at, 3)

    generate(at)
    at.button(key="press_question_send").click().run()

    assert "These 3 runs cost" in " ".join(errors(at))
    assert studio.backend_stats()["submits"] == 0 and store().count() == 0


def test_try_again_is_checked_against_the_limit_too(studio: Studio) -> None:
    failed = add_job("Fireworks", status="failed", error="The provider could not make this video.", owner=ANA)
    members().add(ANA, Role.CREATOR, daily_usd=0.5)  # below the price of one run of the model
    at = open_as_member(ANA)
    prices_in(at)  # until then, the run's price is not known: "still loading"

    [again] = [b for b in at.button if b.key == f"try-again-card-{failed.id}"]
    again.click()
    rerun(at)

    said = " ".join(t.value for t in at.toast)
    assert "This run costs" in said and "you have $0.50 left today" in said
    assert studio.backend_stats()["submits"] == 0 and store().count() == 1


# --- Spending per person -------------------------------------------------------------------------------------------


def spending_view(at: AppTest) -> AppTest:
    at.switch_page(HISTORY).run()
    at.get_by_key("history_view").set_value("Spending").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_admins_see_spending_per_person_in_history_and_creators_do_not(studio: Studio) -> None:
    members().add("boss@example.com", Role.ADMIN)
    members().add(ANA, Role.CREATOR)
    today = datetime.now(UTC).replace(hour=0, minute=5)
    add_job("a", usd=1.25, created=today, owner=ANA, backend="aimlapi")
    add_job("b", usd=0.5, created=today - timedelta(days=40), owner=ANA, backend="aimlapi")
    add_job("c", usd=2.0, created=today, owner="boss@example.com", backend="aimlapi")
    add_job("d", usd=0.75, created=today, owner=ANA)  # the demo: simulated, its own table

    admin = spending_view(open_as_member("boss@example.com"))
    tables = [d.value for d in admin.dataframe if "person" in d.value.columns]
    real, simulated = tables
    assert list(real["person"]) == ["boss@example.com", ANA]
    assert list(real["today"]) == [2.0, 1.25] and list(real["total"]) == [2.0, 1.75]
    assert list(simulated["person"]) == [ANA] and list(simulated["total"]) == [0.75]

    creator = spending_view(open_as_member(ANA))
    assert not [d for d in creator.dataframe if "person" in d.value.columns]
    laptop = spending_view(open_as_member(None))
    assert not [d for d in laptop.dataframe if "person" in d.value.columns]


def team_page() -> None:
    from components.team.spending import team_spending

    team_spending()


def test_the_team_page_lists_each_members_spending_limits_and_jobs_over_their_estimate(studio: Studio) -> None:
    open_as_member(None)  # the studio's services, started once
    members().add(ANA, Role.CREATOR, daily_usd=3.0, monthly_usd=30.0)
    members().add("vic@example.com", Role.VIEWER)
    add_job("over", usd=1.3, estimate_usd=1.0, owner=ANA)
    add_job("as shown", usd=0.5, estimate_usd=0.5, owner=ANA)

    at = AppTest.from_function(team_page, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]

    people, over = (d.value for d in at.dataframe)
    ana = people[people["person"] == ANA].iloc[0]
    assert (ana["role"], ana["total"], ana["daily_usd"], ana["monthly_usd"]) == ("Creator", 1.8, 3.0, 30.0)
    vic = people[people["person"] == "vic@example.com"].iloc[0]
    assert (vic["role"], vic["total"]) == ("Viewer", 0.0)
    assert list(over["person"]) == [ANA] and list(over["over"].round(2)) == [0.3]
