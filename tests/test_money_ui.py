"""Money in the studio through AppTest: the price before Generate, costs on cards, History and the balance."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import Studio
from tests.loopback import ScriptedServer, unused_port
from tests.test_app import FABRIC, KEYS, PIXVERSE, VIDEO01, choose, generate, open_studio, wait_for_video
from videostudio.catalogue import load_catalogue
from videostudio.catalogue.default_model import DEFAULT_MODEL
from videostudio.catalogue.pricing import cost_text
from videostudio.form.run_price import price_of_run
from videostudio.history.store import Job, JobStore, utcnow
from videostudio.offline.server import STARTING_BALANCE_USD
from videostudio.offline.vendor import pricing_of

pytestmark = pytest.mark.apptest

CATALOGUE = load_catalogue()


def store() -> JobStore:
    from components.shell import services

    return services.job_service().store


def with_live_prices(at: AppTest, studio: Studio) -> AppTest:
    """Wait for the offline backend's /v1/models (its prices) to replace the bundle, as a page load a moment later."""
    from components.shell import services

    services.catalogue_refresher("offline").wait(30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(text: str) -> str:
    return text.replace("\\$", "$")


def price_shown(at: AppTest) -> str:
    """The price line next to Generate, as read."""
    lines = [plain(m.value) for m in at.markdown if "Price of this run" in m.value or "Estimated price" in m.value]
    lines += [plain(m.value) for m in at.markdown if "Priced after the run" in m.value or "Price loading" in m.value]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


def expected(model_id: str, values: dict) -> str:
    model = CATALOGUE.get(model_id)
    return price_of_run(replace(model, pricing=pricing_of(model)), values).text


def add(model_id: str, backend: str, status: str = "completed", **fields: object) -> Job:
    created = utcnow() - timedelta(minutes=5)
    return store().add(
        Job(
            model_id=model_id,
            backend=backend,
            status=status,
            prompt="a lighthouse",
            created_at=created,
            updated_at=created,
            finished_at=created + timedelta(seconds=60),
            **fields,  # type: ignore[arg-type]
        )
    )


def test_the_price_shows_and_follows_the_duration_and_resolution(studio: Studio) -> None:
    at = with_live_prices(open_studio(), studio)
    choose(at, PIXVERSE)
    five = price_shown(at)
    assert expected(PIXVERSE, {"duration": 5, "resolution": "720p"}) in five
    assert five.startswith(":material/sell: Price of this run: **$")
    assert any("Simulated" in c.value for c in at.caption)  # the offline demo charges nothing

    at.get_by_key(f"{KEYS[PIXVERSE]}__duration").set_value(8).run()
    eight = price_shown(at)
    assert eight != five and expected(PIXVERSE, {"duration": 8, "resolution": "720p"}) in eight
    assert any("× 8 s" in plain(c.value) for c in at.caption)

    at.get_by_key(f"{KEYS[PIXVERSE]}__resolution").set_value("1080p").run()
    assert expected(PIXVERSE, {"duration": 8, "resolution": "1080p"}) in price_shown(at)


def test_a_variable_price_is_estimated_from_past_jobs_or_priced_after(studio: Studio) -> None:
    at = with_live_prices(open_studio(), studio)
    choose(at, FABRIC)  # its length follows the recording: "variable"
    assert "Priced after the run" in price_shown(at)
    add(FABRIC, "offline", credits=600_000.0)
    add(FABRIC, "offline", status="failed", credits=9_000_000.0)  # failed: not a price anyone paid
    add(FABRIC, "aimlapi", credits=4_000_000.0)  # another backend's runs say nothing about this one's
    at.run()
    shown = price_shown(at)
    assert "Estimated price: **about $0.30 · 600,000 credits**" in shown
    assert "estimate from your past job" in [plain(c.value) for c in at.caption]


def test_cards_and_history_show_dollars_first_and_no_charge_for_a_failure(studio: Studio) -> None:
    add(VIDEO01, "aimlapi", credits=3_080_000.0)
    add(VIDEO01, "aimlapi", status="failed", credits=504_000.0, error="Refused by the filter.")
    add(VIDEO01, "offline", credits=840_000.0)
    at = open_studio()
    captions = [plain(c.value) for c in at.caption]
    assert any("$1.54 · 3,080,000 credits" in c and "simulated" not in c for c in captions)
    assert any("$0.42 · 840,000 credits (simulated)" in c and "offline demo" in c for c in captions)
    failed = [c for c in captions if "no charge" in c]
    assert len(failed) == 1 and "504,000" not in failed[0]

    at.switch_page("pages/history.py").run()
    costs = sorted(at.dataframe[0].value["cost"])
    assert costs == ["$0.42 (simulated)", "$1.54", "no charge"]  # dollars only: the opened job has the credits


def test_the_sidebar_shows_the_balance_with_a_key_and_reads_it_again_after_a_job(
    studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The "AI/ML API" here is the offline backend, which keeps a simulated balance.
    monkeypatch.setenv("AIMLAPI_BASE_URL", studio.backend_url)
    monkeypatch.setenv("AIMLAPI_API_KEY", "sk-test-balance")
    at = open_studio()
    start = cost_text(STARTING_BALANCE_USD)
    assert f"Balance: {start}" in [plain(c.value).split(" ", 1)[1] for c in at.sidebar.caption if "Balance" in c.value]

    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("A paper boat on a puddle").run()
    generate(at)
    wait_for_video(at)
    job = store().list(limit=1)[0]
    assert job.backend == "aimlapi" and job.credits
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [plain(c.value) for c in at.sidebar.caption if "Balance" in c.value]
        if lines and start not in lines[0]:
            break
        at.run()
    left = STARTING_BALANCE_USD - job.credits / 2_000_000
    assert lines == [f":material/account_balance_wallet: Balance: {cost_text(left)}"]


def test_an_unreadable_balance_says_so_and_nothing_else_breaks(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMLAPI_BASE_URL", f"http://127.0.0.1:{unused_port()}")
    monkeypatch.setenv("AIMLAPI_API_KEY", "sk-test-balance")
    at = open_studio()
    assert any("The balance can't be read right now." in c.value for c in at.sidebar.caption)
    choose(at, VIDEO01)
    assert at.button(key="generate")


def test_a_price_still_on_its_way_says_so_and_shows_once_it_is_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first load of a fresh studio draws before the live list (the prices) is read: "Price loading…", never
    "Priced after the run", then the price itself, the same as on any later load."""
    import streamlit as st

    from components.shell import services

    model = CATALOGUE.get(DEFAULT_MODEL)
    item = {"id": model.id, "aliases": [], "type": "internal/video-generations/submit", "pricing": pricing_of(model)}
    price = price_of_run(replace(model, pricing=pricing_of(model)), {}).text
    with ScriptedServer() as server:
        server.add("GET", "/v1/models", 200, {"object": "list", "data": [item]}, delay=1.5)
        for name in ("AIMLAPI_API_KEY", "DATABASE_URL"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("VIDEO_STUDIO_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("VIDEO_STUDIO_OFFLINE_URL", server.url)
        monkeypatch.setenv("AIMLAPI_BASE_URL", f"http://127.0.0.1:{unused_port()}")
        st.cache_resource.clear()
        try:
            at = open_studio()
            assert at.session_state["model_choice"] == DEFAULT_MODEL
            loading = price_shown(at)
            assert "Price loading…" in loading and "after the run" not in loading
            services.catalogue_refresher("offline").wait(30)
            at.run()  # the page's tick reruns it by itself in a browser
            assert plain(price) in price_shown(at)
            at.run()
            assert plain(price) in price_shown(at)  # and stays
        finally:
            st.cache_resource.clear()
