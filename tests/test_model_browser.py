"""The model browser on Generate and the Models page, driven through AppTest with a catalogue made for the test."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.form.schema_form import model_key
from tests.conftest import REPO, Studio
from tests.loopback import ScriptedServer
from videostudio.catalogue import Catalogue, Model, Task, load_catalogue
from videostudio.catalogue.default_model import DEFAULT_MODEL
from videostudio.catalogue.live import LiveCatalogue
from videostudio.history.store import Job, utcnow

pytestmark = pytest.mark.apptest

APP = str(REPO / "app.py")
MODELS_PAGE = "pages/models.py"
FABRIC = "veed/fabric-1.0"
VIDEO01 = "video-01"
LIVE2D = "video-01-live2d"
PIXVERSE = "pixverse/v5/image-to-video"
KLING = "kling-video/v1/standard/image-to-video"
GONE = "acme/gone"
RETIRED = "acme/retired"
PRICING = {
    "kind": "variants",
    "variants": [
        {"when": {"resolution": "360p"}, "price": 0.05, "unit": "second", "per": 1},
        {"when": {"resolution": "1080p"}, "price": 0.13, "unit": "second", "per": 1},
    ],
}
TASKS = {
    VIDEO01: {Task.TEXT, Task.IMAGE},
    LIVE2D: {Task.IMAGE},
    PIXVERSE: {Task.IMAGE},
    KLING: {Task.IMAGE, Task.FIRST_LAST},
    FABRIC: {Task.AVATAR},
}


def header(at: AppTest) -> str:
    """The model header's first line (the page's status line comes before it)."""
    return next(m.value for m in at.markdown if m.value.startswith("**Model:**"))


def text_model(model_id: str, name: str, **fields: object) -> Model:
    schema = {
        "type": "object",
        "required": ["model", "prompt"],
        "properties": {"model": {"type": "string", "enum": [model_id]}, "prompt": {"type": "string"}},
    }
    return Model(
        id=model_id, name=name, vendor="Acme", summary=f"{name} makes clips from words.", schema=schema, **fields
    )


def browser_catalogue() -> Catalogue:
    """The five shipped models with tasks, an alias and a price, plus Acme's text models: 18 in all."""
    shipped = [
        dataclasses.replace(
            m,
            tasks=frozenset(TASKS[m.id]),
            aliases=("minimax/video-01",) if m.id == VIDEO01 else (),
            pricing=PRICING if m.id == PIXVERSE else None,
        )
        for m in load_catalogue()
        if m.id in TASKS  # the five seed models (the bundle may hold many more)
    ]
    acme = [text_model(f"acme/clip-{i:02d}", f"Clip {i:02d}", tasks=frozenset({Task.TEXT})) for i in range(11)]
    acme.append(text_model(GONE, "Gone Model", offered=False, tasks=frozenset({Task.TEXT})))
    acme.append(text_model(RETIRED, "Retired Model", deprecated=True, tasks=frozenset({Task.TEXT})))
    return Catalogue(shipped + acme)


@pytest.fixture
def browsing(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    """A studio whose catalogue is ``browser_catalogue()``, as if the live list had been merged in."""
    catalogue = browser_catalogue()
    monkeypatch.setattr("components.shell.services.live_catalogue", lambda: LiveCatalogue(catalogue, "live"))
    yield studio


def open_studio(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def listed(at: AppTest, prefix: str = "model_browser_choose__") -> list[str]:
    """The model ids whose entries are drawn, in order."""
    return [b.key[len(prefix) :] for b in at.button if b.key and b.key.startswith(prefix)]


def shows_form_of(at: AppTest, model_id: str) -> bool:
    """True when the Generate form drawn is ``model_id``'s (its widget keys start with the model's key)."""
    prefix = model_key(browser_catalogue().get(model_id)) + "__"
    kinds = ("text_area", "file_uploader", "selectbox", "toggle", "number_input")
    return any((w.key or "").startswith(prefix) for kind in kinds for w in at.get(kind))


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_browser(at: AppTest) -> AppTest:
    """Press the header's "Change": the browser is folded whenever a model is chosen, the default included."""
    assert at.button(key="model_browser_toggle").label == "Change"
    at.button(key="model_browser_toggle").click()
    return run(at)


# --- finding ----------------------------------------------------------------------------------------------------------


def test_the_browser_lists_a_page_of_entries_with_inputs_run_time_and_price(browsing: Studio) -> None:
    at = open_browser(open_studio())
    assert len(listed(at)) == 10  # a page, not all 17 visible models
    assert RETIRED not in listed(at)
    text = " ".join(c.value for c in at.caption)
    assert "Takes an image and audio · typically" in text  # Fabric
    assert "$0.05–$0.13 per second" in text  # PixVerse's price line
    at.button(key="browser_more").click()
    run(at)
    assert len(listed(at)) == 17 and "browser_more" not in [b.key for b in at.button]


def test_a_task_filter_narrows_the_list(browsing: Studio) -> None:
    at = open_browser(open_studio())
    pills = at.get_by_key("browser_tasks")
    assert Task.MOTION.value not in pills.options  # only tasks some model has
    pills.set_value(Task.AVATAR)
    run(at)
    assert listed(at) == [FABRIC]


def test_one_task_at_a_time_and_picking_one_clears_the_search(browsing: Studio) -> None:
    at = open_browser(open_studio())
    at.get_by_key("browser_tasks").set_value(Task.TEXT)
    run(at)
    at.text_input(key="browser_search").input("minimax")
    run(at)
    assert listed(at) == [VIDEO01]
    at.get_by_key("browser_tasks").set_value(Task.IMAGE)  # "Animate a picture" after "From text"
    run(at)
    assert at.get_by_key("browser_tasks").value == Task.IMAGE  # one choice, not both
    assert at.text_input(key="browser_search").value == ""  # the old words are gone
    assert sorted(listed(at)) == sorted([VIDEO01, LIVE2D, PIXVERSE, KLING])  # and no text-only model is left
    at.get_by_key("browser_tasks").set_value(None)
    run(at)
    assert len(listed(at)) == 10  # no task: everything again


def test_search_finds_by_part_of_a_name_and_vendor_narrows(browsing: Studio) -> None:
    at = open_browser(open_studio())
    at.text_input(key="browser_search").input("live2")
    run(at)
    assert listed(at) == [LIVE2D]
    at.text_input(key="browser_search").input("")
    at.selectbox(key="browser_vendor").select("Acme")
    run(at)
    assert set(listed(at)) == {f"acme/clip-{i:02d}" for i in range(10)}  # a page of Acme's
    at.text_input(key="browser_search").input("nothing like this")
    run(at)
    assert not listed(at) and "No model matches" in at.info[0].value


def test_deprecated_models_show_only_when_asked(browsing: Studio) -> None:
    at = open_browser(open_studio())
    at.text_input(key="browser_search").input("retired")
    run(at)
    assert listed(at) == []
    at.toggle(key="browser_deprecated").set_value(True)
    run(at)
    assert listed(at) == [RETIRED]
    linked = open_studio({"model": RETIRED})  # a link still opens it, marked
    assert "deprecated" in header(linked) and linked.session_state["model_choice"] == RETIRED


# --- the first screen -------------------------------------------------------------------------------------------------


def test_a_fresh_studio_opens_on_the_default_model_with_its_prompt_and_the_browser_folded(studio: Studio) -> None:
    at = open_studio()  # the whole bundled catalogue, nothing patched
    assert at.session_state["model_choice"] == DEFAULT_MODEL
    assert at.query_params["model"] == DEFAULT_MODEL
    assert listed(at) == [] and at.button(key="model_browser_toggle").label == "Change"
    key = model_key(load_catalogue().get(DEFAULT_MODEL))
    assert at.text_area(key=f"{key}__prompt") is not None
    assert not [u for u in at.get("file_uploader") if (u.key or "").startswith(key)]  # no picture or clip to give
    assert not at.button(key="generate").disabled


# --- choosing ---------------------------------------------------------------------------------------------------------


def test_choosing_sets_the_model_and_the_url_and_folds_the_browser(browsing: Studio) -> None:
    at = open_browser(open_studio())
    at.text_input(key="browser_search").input("fabric")
    run(at)
    at.button(key=f"model_browser_choose__{FABRIC}").click()
    run(at)
    assert at.session_state["model_choice"] == FABRIC
    assert at.query_params["model"] == FABRIC
    assert listed(at) == []  # folded into the header
    assert at.button(key="model_browser_toggle").label == "Change"
    assert "**Model:** Fabric 1.0" in header(at)
    assert shows_form_of(at, FABRIC)
    at.button(key="model_browser_toggle").click()
    run(at)
    assert listed(at)  # open again


@pytest.mark.parametrize("name", [FABRIC, "MiniMax/Video-01"])
def test_a_link_with_a_model_opens_its_form(browsing: Studio, name: str) -> None:
    at = open_studio({"model": name})
    expected = FABRIC if name == FABRIC else VIDEO01
    assert at.session_state["model_choice"] == expected
    assert at.query_params["model"] == expected  # an alias is put right in the URL
    assert listed(at) == []  # straight to the form
    assert shows_form_of(at, expected)


def test_a_run_carrying_an_address_the_session_wrote_before_does_not_undo_a_later_choice(browsing: Studio) -> None:
    # A tray tick the browser asked for just before it learned the new address reruns the page with the old one.
    at = open_studio({"model": VIDEO01})
    open_browser(at).button(key=f"model_browser_choose__{FABRIC}").click()
    run(at)
    assert at.query_params["model"] == FABRIC
    at.query_params["model"] = VIDEO01  # the address the browser still had
    run(at)
    assert at.session_state["model_choice"] == FABRIC
    assert shows_form_of(at, FABRIC)
    assert at.query_params["model"] == FABRIC  # put right again
    at.query_params["model"] = KLING  # never written by this session: somebody's link, followed
    run(at)
    assert at.session_state["model_choice"] == KLING


def test_an_unknown_model_in_the_link_says_so_and_shows_the_default(browsing: Studio) -> None:
    at = open_studio({"model": "acme/no-such-model"})
    assert "does not know a model called “acme/no-such-model”" in at.warning[0].value
    default = at.session_state["model_choice"]
    assert default in browser_catalogue()
    assert at.query_params["model"] == default
    assert listed(at)  # the browser is open: the warning asks to choose another one below
    at.button(key=f"model_browser_choose__{listed(at)[1]}").click()
    run(at)
    assert not at.warning  # gone once a model is chosen


def test_recently_used_shows_the_models_of_past_jobs(browsing: Studio) -> None:
    at = open_browser(open_studio())
    assert not [b for b in at.button if (b.key or "").startswith("model_browser_recent__")]
    from components.shell import services

    now = utcnow()
    for model_id in (LIVE2D, FABRIC, LIVE2D):
        services.job_service().store.add(
            Job(model_id=model_id, backend="offline", status="completed", prompt="p", params={}, created_at=now)
        )
    at = open_browser(open_studio())
    recent = [b for b in at.button if (b.key or "").startswith("model_browser_recent__")]
    assert [b.label for b in recent] == ["MiniMax video-01-live2d", "Fabric 1.0"]  # newest first, once each
    recent[1].click()
    run(at)
    assert at.session_state["model_choice"] == FABRIC


def test_a_model_no_longer_offered_is_marked_and_cannot_be_sent(browsing: Studio) -> None:
    at = open_studio({"model": GONE})
    assert "no longer offered by the API" in header(at)
    assert at.button(key="generate").disabled
    assert any("cannot be sent" in c.value for c in at.caption)
    at.button(key="model_browser_toggle").click()
    run(at)
    at.text_input(key="browser_search").input("clip 01")
    run(at)
    at.button(key="model_browser_choose__acme/clip-01").click()
    run(at)
    assert not at.button(key="generate").disabled


# --- the Models page --------------------------------------------------------------------------------------------------


def test_models_page_filters_and_try_it_opens_the_form(browsing: Studio) -> None:
    at = open_studio()
    at.switch_page(MODELS_PAGE)
    run(at)
    assert len(listed(at, "models_try__")) == 10
    at.get_by_key("models_tasks").set_value(Task.IMAGE)
    run(at)
    assert sorted(listed(at, "models_try__")) == sorted([VIDEO01, LIVE2D, PIXVERSE, KLING])
    at.text_input(key="models_search").input("kling")
    run(at)
    assert listed(at, "models_try__") == [KLING]
    at.get_by_key("models_tasks").set_value(Task.AVATAR)  # a new task is a new search, here too
    run(at)
    assert at.text_input(key="models_search").value == "" and listed(at, "models_try__") == [FABRIC]
    at.get_by_key("models_tasks").set_value(Task.FIRST_LAST)
    run(at)
    assert listed(at, "models_try__") == [KLING]
    at.button(key=f"models_try__{KLING}").click()
    run(at)
    at.switch_page("pages/generate.py")  # AppTest does not follow st.switch_page; a browser does
    run(at)
    assert at.session_state["model_choice"] == KLING
    assert at.query_params["model"] == KLING


def test_models_page_says_when_the_live_list_could_not_be_read(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = browser_catalogue()
    catalogue.problems = [("broken.json", "not a readable JSON file")]  # as the catalogue lists unreadable files
    fallback = LiveCatalogue(
        catalogue,
        "bundle",
        note="The live model list could not be read: api.example did not answer in time.",
        skipped=("vendor/odd: its document is not JSON.",),
    )
    monkeypatch.setattr("components.shell.services.live_catalogue", lambda: fallback)
    at = open_studio()
    at.switch_page(MODELS_PAGE)
    run(at)
    text = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert "did not answer in time" in text and "vendor/odd: its document is not JSON." in text
    assert "`broken.json`: not a readable JSON file" in text


@pytest.mark.parametrize("backend", ["offline", "aimlapi"])
def test_the_studio_reads_the_backends_live_list_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """No patching: the backend in use serves /v1/models on 127.0.0.1; its prices reach the Models page."""
    import streamlit as st

    live = [
        {"id": m.id, "aliases": [], "type": "internal/video-generations/submit", "info": {"name": m.name}}
        for m in load_catalogue()
        if m.id != KLING
    ]
    priced = next(i for i in live if i["id"] == FABRIC)
    priced["pricing"] = {"kind": "fixed", "units": [{"measure": "second", "price": 0.07, "per": 1}]}
    with ScriptedServer() as server:
        server.add("GET", "/v1/models", 200, {"object": "list", "data": live}, {"ETag": '"e1"'})
        for name in ("AIMLAPI_API_KEY", "DATABASE_URL", "AIMLAPI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("VIDEO_STUDIO_HOME", str(tmp_path / "home"))
        # Both addresses are the loopback server: only the backend in use may ask it for the list.
        monkeypatch.setenv("VIDEO_STUDIO_OFFLINE_URL", server.url)
        monkeypatch.setenv("AIMLAPI_BASE_URL", server.url)
        if backend == "aimlapi":
            monkeypatch.setenv("AIMLAPI_API_KEY", "sk-live-catalogue-test")
        st.cache_resource.clear()
        try:
            at = open_studio()
            at.switch_page(MODELS_PAGE)
            run(at)
            at.text_input(key="models_search").input(FABRIC)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                run(at)
                if any("$0.07 per second" in c.value for c in at.caption):
                    break
                time.sleep(0.05)
            assert any("$0.07 per second" in c.value for c in at.caption)
            at.text_input(key="models_search").input(KLING)
            run(at)
            assert any("no longer offered by the API" in m.value for m in at.markdown)  # missing from the list
            [request] = server.requests_to("GET", "/v1/models")  # once per process, not per run
            assert request.header("Authorization") is None
            assert (tmp_path / "home" / "live-catalogue" / backend / "models.json").exists()
        finally:
            st.cache_resource.clear()
