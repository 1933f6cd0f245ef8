"""Regenerate the README's screenshots: docs/generate.png, video.png, history.png, models.png, browser.png,
kling.png (the motion brush), phone.png (History at 390×844), batch.png (a batch of 3 as one group) and
compare.png (that batch side by side in Compare).

Run from anywhere:  .venv/bin/python scripts/screenshots.py [--out docs]

It does what the browser tests do (tests/browser): starts the studio as a real server on an offline backend
with empty temporary folders, drives Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through a
few jobs with Playwright, and photographs the main screens. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from components.form.widgets.brush import canvas_key  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    KLING,
    VIEWPORT,
    card_ids,
    choose,
    chromium_missing_reason,
    fill_fabric,
    fill_pixverse,
    fill_video01,
    go_to,
    keyed,
    new_card,
    open_expander,
    open_studio,
    paint,
    pick_model,
    press_generate,
    running_studio,
    screenshot,
    settle,
    upload,
    video_facts,
    wait_done,
    write_photo,
    write_wav,
)


def generate(page: Page) -> None:
    """Press Generate and wait for the job's video."""
    before = card_ids(page)
    press_generate(page)
    wait_done(new_card(page, before))


def no_toasts(page: Page) -> None:
    """Let the "your video is ready" toasts fade, so they do not cover the pictures."""
    expect(page.locator("[data-testid='stToast']")).to_have_count(0, timeout=15_000)


PHONE = {"width": 390, "height": 844}


def model_browser(page: Page, out: Path) -> Path:
    """The model browser on Generate, opened and searched for image-to-video models."""
    toggle = keyed(page, "model_browser_toggle").locator("button")
    if "Change" in toggle.inner_text():
        toggle.click()
        settle(page)
    search = keyed(page, "browser_search").locator("input")
    search.fill("")  # the model picked last is still searched for
    search.press("Enter")
    settle(page)
    page.locator("[data-testid='stMain']").evaluate("main => main.scrollTo(0, 0)")
    return screenshot(page, "browser.png", out)


def motion_brush(page: Page, photo: Path, out: Path) -> Path:
    """Kling's motion brush: the area that stays still painted on the start image."""
    pick_model(page, "kling-video/v1/standard/image-to-video")
    upload(page, f"{KLING}__image_url", photo)
    open_expander(page, "Advanced")
    paint(page, f"{KLING}__static_mask", [(0.1, 0.75), (0.3, 0.7), (0.5, 0.78), (0.7, 0.72), (0.9, 0.76)])
    field = keyed(page, f"{KLING}__static_mask__how")
    field.evaluate("element => element.scrollIntoView({block: 'start'})")
    # Just the field: its choice, the brush size and the painted canvas, in the form's column.
    top, canvas = field.bounding_box(), keyed(page, canvas_key(f"{KLING}__static_mask")).bounding_box()
    column = page.locator("[data-testid='stExpander']").filter(has_text="Advanced").first.bounding_box()
    assert top and canvas and column
    out.mkdir(parents=True, exist_ok=True)
    path = out / "kling.png"
    bottom = canvas["y"] + canvas["height"] + 12
    page.screenshot(
        path=str(path),
        clip={"x": column["x"], "y": top["y"] - 12, "width": column["width"], "height": bottom - top["y"] + 12},
    )
    return path


def batch_and_compare(page: Page, photo: Path, out: Path) -> list[Path]:
    """A batch of 3 on PixVerse as one group on Generate, then the three side by side in Compare, paused mid-way."""
    prompt = "Three takes of a surfer at golden hour"
    keyed(page, "model_browser_toggle").locator("button").wait_for()
    settle(page)
    fill_pixverse(page, photo, prompt=prompt)
    choose(page, "generate_how_many", "3")
    press_generate(page)
    group = page.locator("div[class*='st-key-batch-card-']").filter(has_text=prompt).first
    cards = group.locator("div[class*='st-key-card-']:not([class*='st-key-card-download-'])")
    expect(cards).to_have_count(3, timeout=30_000)
    for index in range(3):
        wait_done(cards.nth(index))
    no_toasts(page)
    settle(page)
    shots = [screenshot(group, "batch.png", out)]
    group.get_by_role("link", name="Compare").click()
    page.get_by_role("button", name="Play all").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('*')].filter(n => n.shadowRoot)"
        ".flatMap(n => [...n.shadowRoot.querySelectorAll('video')]).every(v => v.readyState >= 2)"
    )
    page.get_by_role("button", name="Play all").click()
    page.wait_for_timeout(1_500)  # a moment in, so each video shows a frame of the same instant
    page.get_by_role("button", name="Pause all").click()
    settle(page)
    shots.append(screenshot(page, "compare.png", out))
    return shots


def take(out: Path) -> list[Path]:
    shots: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="video-studio-screens-") as temp, sync_playwright() as playwright:
        folder = Path(temp)
        photo = write_photo(folder / "beach.jpg", (1280, 720))
        portrait = write_photo(folder / "portrait.jpg", (720, 960), evening=True)
        voice = write_wav(folder / "voice.wav", 4.0)
        with running_studio(folder / "studio", speed=0.2) as studio:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport=VIEWPORT)
                page.set_default_timeout(30_000)
                open_studio(page, studio.url)
                # A little history first, so History has something to show.
                fill_video01(page, photo, prompt="A drone shot gliding over a quiet beach at dawn")
                generate(page)
                fill_fabric(page, portrait, voice)
                generate(page)
                open_studio(page, studio.url)
                fill_pixverse(page, photo, prompt="A surfer riding a wave at golden hour")
                generate(page)
                no_toasts(page)
                card = page.locator(f"div.{card_ids(page)[0]}")
                video_facts(card)  # plays it for a moment, so the player shows a frame with its time
                page.locator("[data-testid='stMain']").evaluate("main => main.scrollTo(0, 0)")
                shots.append(screenshot(page, "generate.png", out))
                shots.append(screenshot(card, "video.png", out))
                go_to(page, "History")
                shots.append(screenshot(page, "history.png", out))
                go_to(page, "Models")
                shots.append(screenshot(page, "models.png", out))
                go_to(page, "Generate")
                shots.append(model_browser(page, out))
                shots.append(motion_brush(page, photo, out))
                open_studio(page, studio.url)
                shots.extend(batch_and_compare(page, photo, out))
                phone = browser.new_page(viewport=PHONE)
                open_studio(phone, studio.url, "history")
                shots.append(screenshot(phone, "phone.png", out))
            finally:
                browser.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where to write the PNGs (default docs/)")
    args = parser.parse_args(argv)
    reason = chromium_missing_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    for path in take(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
