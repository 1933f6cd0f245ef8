"""The preset bar on the Generate page, driven through AppTest (components/generate/presets.py)."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import choose_model_in_browser, open_fold
from tests.conftest import REPO, Studio, jpeg_bytes
from videostudio.workflows.preset_files import FORMAT

pytestmark = pytest.mark.apptest

APP = REPO / "app.py"
PIXVERSE = "pixverse/v5/image-to-video"
KEY = "pixverse-v5-image-to-video"
PROMPT = f"{KEY}__prompt"
CHOICE = f"presets_choice__{KEY}"


def open_pixverse() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    choose_model_in_browser(at, PIXVERSE)
    assert not at.exception, [e.value for e in at.exception]
    return at


def stored(studio: Studio, query: str, *args: object) -> list[tuple[object, ...]]:
    """Rows of the studio's history database, read directly (drafts and presets live there)."""
    with sqlite3.connect(studio.home / "history.sqlite3") as conn:
        return list(conn.execute(query, args))


def run_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def messages(at: AppTest) -> list[str]:
    """The messages on the page as a person reads them (they are drawn with Markdown's punctuation escaped)."""
    shown = [re.sub(r"\\(.)", r"\1", m.value) for m in [*at.success, *at.error, *at.warning, *at.info]]
    # Copy as code's hint lives in its popover, closed unless opened: not a message of the page.
    return [text for text in shown if not text.startswith("Fix the form first")]


def no_presets(at: AppTest, choice: str = CHOICE) -> bool:
    """The bar offers no preset: it says so in words, with no Preset list and no Load button."""
    return (
        not [s for s in at.selectbox if s.key == choice]
        and not [b for b in at.button if b.key == "presets_load"]
        and any("No presets for this model yet." in c.value for c in at.caption)
    )


def save_preset(at: AppTest, name: str) -> None:
    open_fold(at, "presets_save_open")  # its fields are drawn only while it is open, as in a browser
    at.text_input(key="presets_name").input(name).run()
    at.button(key="presets_save").click().run()
    run_ok(at)


def test_save_change_load_gives_the_saved_form_back_upload_included(studio: Studio) -> None:
    at = open_pixverse()
    photo = jpeg_bytes((800, 600), color=(10, 120, 200))
    next(w for w in at.get("file_uploader") if w.key == f"{KEY}__image_url__file").upload(
        "sea.jpg", photo, "image/jpeg"
    ).run()
    at.text_area(key=PROMPT).input("A lighthouse in a storm").run()
    at.selectbox(key=f"{KEY}__resolution").select("360p").run()
    save_preset(at, "Stormy")
    assert "Saved the preset “Stormy”." in messages(at)
    assert at.selectbox(key=CHOICE).options == ["Stormy"]

    at.text_area(key=PROMPT).input("Something else entirely").run()
    at.selectbox(key=f"{KEY}__resolution").select("720p").run()
    at.button(key=f"{KEY}__image_url__remove").click().run()
    assert not any("sea.jpg" in c.value for c in at.caption)

    at.selectbox(key=CHOICE).select("Stormy").run()
    at.button(key="presets_load").click().run()
    run_ok(at)
    assert at.text_area(key=PROMPT).value == "A lighthouse in a storm"
    assert at.selectbox(key=f"{KEY}__resolution").value == "360p"
    assert any("sea.jpg" in c.value for c in at.caption)  # the upload is back, with its preview
    assert "Loaded the preset “Stormy”." in messages(at)

    # The draft keeps what was loaded: a reload of this browser opens the loaded form.
    [params] = stored(studio, "SELECT params FROM drafts WHERE model_id = ?", PIXVERSE)
    assert json.loads(params[0])["prompt"] == "A lighthouse in a storm"


def test_a_taken_name_asks_before_replacing(studio: Studio) -> None:
    at = open_pixverse()
    at.text_area(key=PROMPT).input("First").run()
    save_preset(at, "Mine")
    at.text_area(key=PROMPT).input("Second").run()
    save_preset(at, "mine")
    assert any("already exists" in m for m in messages(at))
    at.button(key="presets_replace_yes").click().run()
    run_ok(at)
    assert at.selectbox(key=CHOICE).options == ["Mine"]
    at.text_area(key=PROMPT).input("Third").run()
    at.selectbox(key=CHOICE).select("Mine").run()
    at.button(key="presets_load").click().run()
    assert at.text_area(key=PROMPT).value == "Second"


def test_rename_and_delete_with_confirmation(studio: Studio) -> None:
    at = open_pixverse()
    at.text_area(key=PROMPT).input("Keep").run()
    save_preset(at, "Old name")
    open_fold(at, "presets_manage_open")
    at.text_input(key="presets_new_name").input("New name").run()
    at.button(key="presets_rename").click().run()
    run_ok(at)
    assert at.selectbox(key=CHOICE).options == ["New name"] and at.selectbox(key=CHOICE).value == "New name"

    at.button(key="presets_delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    at.button(key="presets_delete_no").click().run()
    assert at.selectbox(key=CHOICE).options == ["New name"]
    at.button(key="presets_delete").click().run()
    at.button(key="presets_delete_yes").click().run()
    run_ok(at)
    assert no_presets(at)
    assert "Deleted the preset “New name”." in messages(at)


def _import(at: AppTest, name: str, data: bytes) -> None:
    open_fold(at, "presets_manage_open")
    uploader = next(w for w in at.get("file_uploader") if (w.key or "").startswith("presets_import_"))
    uploader.upload(name, data, "application/json").run()
    run_ok(at)


def test_importing_a_bad_file_says_why_and_adds_nothing(studio: Studio) -> None:
    at = open_pixverse()
    _import(at, "holiday.json", b'{"this is": "not a preset file"}')
    assert "Nothing was imported. This file is not a Video Studio preset file." in messages(at)
    _import(at, "broken.json", b"\x00\x01 not json")
    assert any("not JSON" in m for m in messages(at))
    assert no_presets(at)
    assert stored(studio, "SELECT name FROM presets") == []


def test_importing_a_good_file_adds_its_presets(studio: Studio) -> None:
    at = open_pixverse()
    shared = {
        "format": FORMAT,
        "version": 1,
        "presets": [{"name": "From a friend", "model": PIXVERSE, "values": {"prompt": "A friend's idea"}}],
    }
    _import(at, "friend.json", json.dumps(shared).encode())
    assert any("Imported 1 preset: “From a friend”" in m for m in messages(at))
    _import(at, "friend.json", json.dumps(shared).encode())
    assert at.selectbox(key=CHOICE).options == ["From a friend", "From a friend (2)"]


def test_no_api_key_reaches_a_preset(studio: Studio, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    key = "sk-test-PRESET-SECRET-123456"
    monkeypatch.setenv("AIMLAPI_API_KEY", key)
    at = open_pixverse()
    at.text_area(key=PROMPT).input("Secret-free").run()
    save_preset(at, "Clean")
    rows = stored(studio, "SELECT * FROM presets")
    files = [p.read_bytes() for p in (studio.home / "media").rglob("*") if p.is_file()]
    assert rows and not any(key in str(row) for row in rows) and not any(key.encode() in data for data in files)


def test_a_form_the_model_refuses_is_not_saved(studio: Studio) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    choose_model_in_browser(at, "video-01")
    at.text_area(key="video-01__prompt").input("x" * 2001).run()  # the model takes at most 2,000 characters
    save_preset(at, "Too long")
    assert any(m.startswith("Not saved: Prompt: Too long") for m in messages(at)), messages(at)
    assert no_presets(at, "presets_choice__video-01")


def test_a_name_is_shown_as_typed_never_as_markdown(studio: Studio) -> None:
    at = open_pixverse()
    at.text_area(key=PROMPT).input("Plain").run()
    save_preset(at, "**Bold** [link](https://example.com)")
    [raw] = [m.value for m in at.success]
    assert "\\*\\*Bold\\*\\* \\[link\\]\\(https\\://example\\.com\\)" in raw
    assert messages(at) == ["Saved the preset “**Bold** [link](https://example.com)”."]
