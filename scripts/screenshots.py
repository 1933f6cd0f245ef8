"""Regenerate the README's screenshots: docs/generate.png, docs/video.png, docs/history.png, docs/models.png.

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

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    card_ids,
    chromium_missing_reason,
    fill_fabric,
    fill_pixverse,
    fill_video01,
    go_to,
    new_card,
    open_studio,
    press_generate,
    running_studio,
    screenshot,
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
