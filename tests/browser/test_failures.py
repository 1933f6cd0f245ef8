"""When the API fails, the person is told in plain words what happened and what to do; passing trouble is absorbed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    VIDEO01,
    Studio,
    badge,
    badges_seen,
    card_ids,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    running_studio,
    type_text,
    video_facts,
    wait_done,
    watch_badges,
)

pytestmark = pytest.mark.browser


NEXT_STEP = re.compile(r"try again|generate again|try a different|change|check|contact|support", re.I)
TECHNICAL = re.compile(r"Traceback|Exception|Error:|\bNone\b|\{|\}|HTTP \d{3}|\b5\d\d\b", re.I)


@pytest.fixture(scope="module")
def failing_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """Every generation ends in failure at the provider."""
    with running_studio(tmp_path_factory.mktemp("failing-studio"), faults="fail") as studio:
        yield studio


@pytest.fixture
def rate_limited_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """The first two polls of every job answer 429 Too Many Requests (Retry-After: 1)."""
    with running_studio(tmp_path_factory.mktemp("rate-limited-studio"), faults="rate-limit=2") as studio:
        yield studio


def generate_text_to_video(page: Page, studio: Studio, prompt: str) -> Locator:
    open_studio(page, studio.url)
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", prompt)
    watch_badges(page)
    before = card_ids(page)
    press_generate(page)
    return new_card(page, before)


def test_failed_generation_is_explained_plainly(page: Page, failing_studio: Studio) -> None:
    card = generate_text_to_video(page, failing_studio, "A lighthouse in a storm")
    expect(badge(card)).to_contain_text("Failed", timeout=30_000)
    message = card.locator("[data-testid='stAlertContentError']")
    expect(message).to_be_visible()
    expect(message).to_contain_text(re.compile(r"failed", re.I))
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    text = message.inner_text()
    assert not TECHNICAL.search(text), f"technical detail in the message: {text!r}"
    # Nothing else broke: the form is still there to try again.
    expect(page.get_by_role("button", name="Generate")).to_be_enabled()


def test_failed_generation_says_what_to_do_next(page: Page, failing_studio: Studio) -> None:
    card = generate_text_to_video(page, failing_studio, "A lighthouse in fog")
    expect(badge(card)).to_contain_text("Failed", timeout=30_000)
    message = card.locator("[data-testid='stAlertContentError']")
    expect(message).to_contain_text(NEXT_STEP, timeout=2_000)


def test_rate_limit_while_polling_is_absorbed(page: Page, rate_limited_studio: Studio) -> None:
    card = generate_text_to_video(page, rate_limited_studio, "A red kite over the dunes")
    wait_done(card, timeout=60_000)
    seen = badges_seen(page, card)
    assert "Failed" not in seen, seen
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(card.locator("[data-testid='stAlertContentError']")).to_have_count(0)
    assert video_facts(card)["duration"] == pytest.approx(6.0, abs=0.3)
    stats = rate_limited_studio.stats()
    assert stats["submits"] == 1, stats
    assert stats["polls"] >= 3, stats  # two answered 429, then the ones that saw it through
