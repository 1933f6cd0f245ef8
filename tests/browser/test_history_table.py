"""History's table in a real browser at 1440×900: a model's whole name fits its column, and Cost stays narrow.

The table is a canvas (Glide Data Grid), so what it draws is read where it is drawn: every ``fillText`` call is
recorded with its position and measured width, and a cell's text must end before the next column's header begins.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Studio, open_studio, running_studio, screenshot
from videostudio.catalogue import load_catalogue
from videostudio.history.store import Job, JobStore, utcnow

pytestmark = pytest.mark.browser

LONGEST_ID = "kling-video/v1.6/standard/multi-image-to-video"
DESKTOP = {"width": 1440, "height": 900}
# Veo as the newcomer met it, and the longest name of the catalogue.
MODELS = {"google/veo-3.1-t2v": "Veo 3.1 Text-to-video", LONGEST_ID: "Kling v1.6 Standard Multi Image-to-video"}
LONG_PROMPT = "A red fox runs through fresh snow at dawn while the camera tracks beside it, low and steady"
# Record what the table's canvas draws: the text, where it starts and how wide it is, in canvas pixels.
RECORD_TEXT = """
window.__drawn = [];
const fill = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  const at = this.getTransform();
  window.__drawn.push({text: String(text), x: at.a * x + at.e, width: at.a * this.measureText(text).width,
                       scale: at.a});
  return fill.call(this, text, x, y, ...rest);
};
"""


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    with running_studio(tmp_path_factory.mktemp("history-table-studio")) as running:
        store = JobStore(f"sqlite:///{running.server.home / 'history.sqlite3'}")
        try:
            for number, model_id in enumerate(MODELS):
                created = utcnow() - timedelta(minutes=10 - number)
                store.add(
                    Job(
                        id=uuid.uuid4().hex,
                        model_id=model_id,
                        backend="offline",
                        status="completed",
                        prompt=LONG_PROMPT,
                        params={"prompt": LONG_PROMPT},
                        credits=840_000.0,
                        created_at=created,
                        updated_at=created,
                        finished_at=created + timedelta(seconds=40),
                    )
                )
        finally:
            store.close()
        yield running


def test_the_longest_name_is_the_catalogues_longest() -> None:
    names = [model.name for model in load_catalogue()]
    assert max(len(n) for n in names) == len(MODELS[LONGEST_ID])


def drawn(page: Page) -> list[dict[str, Any]]:
    return list(page.evaluate("() => window.__drawn"))


def first(items: list[dict[str, Any]], text: str) -> dict[str, Any]:
    return next(item for item in items if item["text"] == text)


def test_model_names_are_whole_and_cost_is_narrow(page: Page, studio: Studio) -> None:
    page.set_viewport_size(DESKTOP)
    page.add_init_script(RECORD_TEXT)
    open_studio(page, studio.server.url, "history")
    table = page.locator("[data-testid='stDataFrame']")
    table.wait_for()
    page.wait_for_function("() => window.__drawn.filter(d => d.text === 'Done').length >= 2")  # both rows
    screenshot(page, "history_table_1440.png")
    items = drawn(page)
    prompt_header = first(items, "Prompt")
    cost_header = first(items, "Cost")
    batch_header = first(items, "Batch")
    for name in MODELS.values():
        drawn_name = [item["text"] for item in items if item["text"].startswith(name[:3])]
        assert name in drawn_name, f"{name!r} is drawn as {drawn_name}"
        cell = first(items, name)
        assert cell["x"] + cell["width"] < prompt_header["x"], f"{name!r} is cut: {cell} vs {prompt_header}"
    # The prompt shows its first words, not two.
    cost_left = cost_header["x"]
    prompt_cell = next(item for item in items if item["text"].startswith("A red fox"))
    assert cost_left - prompt_cell["x"] > 250 * prompt_cell["scale"]
    # Cost is a short dollar figure, whole, in a narrow column.
    cost = first(items, "$0.42 (simulated)")
    assert cost["x"] + cost["width"] < batch_header["x"]
    assert batch_header["x"] - cost_left <= 130 * cost_header["scale"]
