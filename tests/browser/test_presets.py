"""Presets in a real browser: save a form with an upload, change it, load the preset back; export, delete, import."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    VIDEO01,
    Studio,
    choose,
    fill_video01,
    keyed,
    open_studio,
    running_studio,
    settle,
    type_text,
)

pytestmark = pytest.mark.browser

CHOICE = f"presets_choice__{VIDEO01}"
PROMPT = "A drone shot over a quiet beach at dawn"


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    with running_studio(tmp_path_factory.mktemp("presets-studio")) as running:
        yield running


def open_popover(page: Page, key: str) -> Locator:
    """Open the popover drawn with ``key`` and return its body."""
    keyed(page, key).locator("button").first.click()
    settle(page)  # its inside is drawn by the run that opening it starts (components/shell/folds.py)
    body = page.locator("[data-testid='stPopoverBody']").last
    expect(body).to_be_visible()
    return body


def close_popover(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid='stPopoverBody']")).to_have_count(0)


def prompt_box(page: Page) -> Locator:
    return keyed(page, f"{VIDEO01}__prompt").locator("textarea")


def load(page: Page, name: str) -> None:
    choose(page, CHOICE, name)
    keyed(page, "presets_load").locator("button").first.click()
    settle(page)


def upload_is_back(page: Page, file_name: str) -> None:
    expect(keyed(page, f"{VIDEO01}__image_url__remove")).to_be_visible()  # a kept upload's preview
    expect(page.get_by_text(file_name).first).to_be_visible()


def test_a_preset_round_trip_with_an_upload(
    page: Page, studio: Studio, media_files: dict[str, Path], tmp_path: Path
) -> None:
    open_studio(page, studio.url)
    fill_video01(page, media_files["photo"], PROMPT)
    expect(page.get_by_text(re.compile(r"\d+×\d+ px")).first).to_be_visible()  # read and prepared

    body = open_popover(page, "presets_save_open")
    type_text(page, "presets_name", "Beach at dawn")
    keyed(page, "presets_save").locator("button").click()
    settle(page)
    expect(body).to_contain_text("Saved the preset “Beach at dawn”.")
    close_popover(page)

    # Change the prompt and take the picture away, then load the preset: both come back.
    type_text(page, f"{VIDEO01}__prompt", "Something else entirely")
    keyed(page, f"{VIDEO01}__image_url__remove").locator("button").click()
    settle(page)
    expect(keyed(page, f"{VIDEO01}__image_url__remove")).to_have_count(0)
    load(page, "Beach at dawn")
    expect(prompt_box(page)).to_have_value(PROMPT)
    upload_is_back(page, media_files["photo"].name)
    expect(page.get_by_text("Loaded the preset “Beach at dawn”.")).to_be_visible()

    # Export it as a file of its own.
    body = open_popover(page, "presets_manage_open")
    with page.expect_download() as info:
        keyed(page, "presets_export_one").locator("button").click()
    download = info.value
    assert download.failure() is None, download.failure()
    exported = tmp_path / download.suggested_filename
    download.save_as(str(exported))
    assert exported.suffix == ".json"
    document = json.loads(exported.read_text())
    [item] = document["presets"]
    assert document["format"] == "video-studio-presets" and item["model"] == "video-01"
    assert item["values"]["prompt"] == PROMPT
    header, encoded = item["values"]["image_url"].split(",", 1)
    assert header.startswith("data:image/") and len(base64.b64decode(encoded)) > 1000  # the picture itself

    # Delete it (after a confirmation), then import the file: the preset is back, upload included.
    keyed(page, "presets_delete").locator("button").click()
    settle(page)
    keyed(page, "presets_delete_yes").locator("button").click()
    settle(page)
    expect(body).to_contain_text("Deleted the preset “Beach at dawn”.")
    uploader = body.locator("[class*='st-key-presets_import_'] [data-testid='stFileUploaderDropzoneInput']")
    uploader.set_input_files(str(exported))
    settle(page)
    expect(body).to_contain_text("Imported 1 preset: “Beach at dawn”")
    close_popover(page)

    type_text(page, f"{VIDEO01}__prompt", "Changed once more")
    load(page, "Beach at dawn")
    expect(prompt_box(page)).to_have_value(PROMPT)
    upload_is_back(page, media_files["photo"].name)


def test_importing_a_bad_file_says_so(page: Page, studio: Studio, tmp_path: Path) -> None:
    open_studio(page, studio.url, "?model=video-01")
    bad = tmp_path / "holiday-notes.json"
    bad.write_text('{"packing": ["towel", "sunscreen"]}')
    body = open_popover(page, "presets_manage_open")
    body.locator("[class*='st-key-presets_import_'] [data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(bad)
    )
    settle(page)
    expect(body).to_contain_text("Nothing was imported. This file is not a Video Studio preset file.")
