"""Kling's motion brush in the browser: a mask painted with the mouse on the start image, and a path drawn
on it, reach the API as a black-and-white mask of the image's size and a list of points within the image."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    KLING,
    Studio,
    card_ids,
    css_key,
    keyed,
    new_card,
    open_expander,
    open_studio,
    paint,
    pick_model,
    press_generate,
    settle,
    upload,
)

pytestmark = pytest.mark.browser

PHOTO_SIZE = (960, 640)  # media_files["photo"]


def mask_image(data_uri: str) -> Image.Image:
    header, encoded = data_uri.split(",", 1)
    assert header == "data:image/png;base64", header
    return Image.open(io.BytesIO(base64.b64decode(encoded))).convert("L")


def test_painting_a_mask_and_a_path_on_the_start_image(
    page: Page, shared_studio: Studio, media_files: dict[str, Path]
) -> None:
    open_studio(page, shared_studio.url)
    pick_model(page, "kling-video/v1/standard/image-to-video")
    open_expander(page, "Advanced")
    # Nothing to paint on yet: the mask says so and still takes a ready-made mask.
    expect(page.get_by_text("Upload the start image first to paint on it").first).to_be_visible()
    expect(keyed(page, f"{KLING}__static_mask__file")).to_be_visible()

    upload(page, f"{KLING}__image_url", media_files["photo"])
    open_expander(page, "Advanced")
    # The area that stays still: a horizontal stroke across the left half, at mid-height.
    paint(page, f"{KLING}__static_mask", [(0.2, 0.5), (0.3, 0.5), (0.4, 0.5)])

    count = keyed(page, f"{KLING}__dynamic_masks__count").locator("input")
    count.fill("1")
    count.press("Enter")
    settle(page)
    # A motion area on the right, and the path it moves along: from the right edge towards the top.
    paint(page, f"{KLING}__dynamic_masks.0.mask", [(0.75, 0.6), (0.8, 0.6), (0.85, 0.65)])
    paint(page, f"{KLING}__dynamic_masks.0.trajectories", [(0.8, 0.6), (0.7, 0.4), (0.6, 0.2)])
    expect(page.locator(f".{css_key(KLING + '__dynamic_masks.0.trajectories')}")).to_have_count(0)

    before = card_ids(page)
    press_generate(page)
    new_card(page, before)
    request = shared_studio.backend.received()[-1]
    payload = request["payload"]
    assert request["model"] == "kling-video/v1/standard/image-to-video"

    still = mask_image(payload["static_mask"])
    assert still.size == PHOTO_SIZE
    width, height = PHOTO_SIZE
    assert still.getpixel((int(0.3 * width), int(0.5 * height))) == 255, "no white where the stroke went"
    assert still.getpixel((int(0.8 * width), int(0.2 * height))) == 0, "white where nothing was painted"
    assert still.getpixel((5, 5)) == 0

    [motion] = payload["dynamic_masks"]
    moving = mask_image(motion["mask"])
    assert moving.size == PHOTO_SIZE
    assert moving.getpixel((int(0.8 * width), int(0.6 * height))) == 255
    assert moving.getpixel((int(0.3 * width), int(0.5 * height))) == 0

    path = motion["trajectories"]
    assert 2 <= len(path) <= 77
    assert all(0 <= p["x"] < width and 0 <= p["y"] < height for p in path)
    # It runs the way it was drawn: from the lower right towards the top.
    first, last = path[0], path[-1]
    assert abs(first["x"] - 0.8 * width) < 0.05 * width and abs(first["y"] - 0.6 * height) < 0.05 * height
    assert abs(last["x"] - 0.6 * width) < 0.05 * width and abs(last["y"] - 0.2 * height) < 0.05 * height
