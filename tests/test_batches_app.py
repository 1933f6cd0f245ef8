"""Batches on the pages, driven through AppTest against a real offline backend: How many, its price, one press
is one batch, several start images, a failure in the middle, and the batch as one group on Generate and History."""

from __future__ import annotations

import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.generate.batch_controls import HOW_MANY_KEY, HOW_MANY_OPEN
from tests.apptest import open_fold
from tests.conftest import Studio, jpeg_bytes
from tests.test_app import APP, KEYS, PIXVERSE, VIDEO01, choose, generate, image_of, open_studio, submitted_payloads
from videostudio.api.errors import BadRequestError
from videostudio.catalogue.pricing import money

pytestmark = pytest.mark.apptest

PIX = KEYS[PIXVERSE]


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "error", "success") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def fill_pixverse(at: AppTest, prompt: str = "A fox in the snow") -> None:
    choose(at, PIXVERSE)
    uploader = next(w for w in at.get("file_uploader") if w.key == f"{PIX}__image_url__file")
    uploader.upload("fox.jpg", jpeg_bytes((640, 480)), "image/jpeg").run()
    at.text_area(key=f"{PIX}__prompt").input(prompt).run()


def how_many(at: AppTest, count: int) -> None:
    """Open How many beside Generate (drawn only while open) and press ``count``."""
    open_fold(at, HOW_MANY_OPEN)
    at.segmented_control(key=HOW_MANY_KEY).set_value(count).run()
    assert not at.exception, [e.value for e in at.exception]


def test_how_many_sends_that_many_jobs_with_distinct_seeds_as_one_group(studio: Studio) -> None:
    at = open_studio()
    fill_pixverse(at)
    (single,) = [m.value for m in at.markdown if "Price of this run" in m.value]
    one = float(re.search(r"\$([\d.]+)", single.replace("\\$", "$")).group(1))  # type: ignore[union-attr]
    how_many(at, 3)
    (tagged,) = [m.value for m in at.markdown if "Price of these 3 runs" in m.value]
    # "3 × $0.10 = $0.30 · 600,000 credits"
    assert f"3 × {money(one)} = {money(one * 3)}" in tagged.replace("\\$", "$")
    assert "each with its own seed" in texts(at)

    generate(at)

    payloads = submitted_payloads(studio)
    assert len(payloads) == 3
    assert len({p["seed"] for p in payloads}) == 3
    assert {p["prompt"] for p in payloads} == {"A fox in the snow"}
    jobs = _store_jobs()
    assert len({job.batch_id for job in jobs}) == 1 and jobs[0].batch_id
    # One group on the page: its heading, and each job once in Latest jobs.
    assert "Batch of 3" in texts(at)
    assert any(c.key == f"batch-card-{jobs[0].batch_id}" for c in at.get("flex_container") if c.key)


def test_a_second_press_on_the_same_batch_sends_nothing(studio: Studio) -> None:
    studio.backend.speed = 1000  # the jobs keep running while the test presses again
    at = open_studio()
    fill_pixverse(at)
    how_many(at, 3)
    generate(at)
    assert studio.backend_stats()["submits"] == 3
    assert at.button(key="generate").disabled
    # The second half of a double click that reached the server before the button was redrawn.
    at.session_state["generate_requested"] = (PIX, None)
    at.run()
    assert studio.backend_stats()["submits"] == 3
    # Another count is another intention: a plain Generate again.
    how_many(at, 2)
    assert not at.button(key="generate").disabled
    generate(at)
    assert studio.backend_stats()["submits"] == 5


def test_a_model_without_a_seed_says_its_results_may_be_alike(studio: Studio) -> None:
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("Fireworks").run()
    how_many(at, 2)
    assert "the results may be alike" in texts(at)
    generate(at)
    payloads = submitted_payloads(studio)
    assert len(payloads) == 2 and all("seed" not in p for p in payloads)


def test_one_job_per_image_sends_each_image_times_the_count(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    at.segmented_control(key=f"{PIX}__image_url__source").set_value("One job per image").run()
    uploader = next(w for w in at.get("file_uploader") if w.key == f"{PIX}__image_url__several__files")
    uploader.upload("wide.jpg", jpeg_bytes((800, 600)), "image/jpeg")
    uploader.upload("tall.jpg", jpeg_bytes((600, 800), (20, 200, 20)), "image/jpeg").run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_area(key=f"{PIX}__prompt").input("A fox").run()
    how_many(at, 2)
    assert "2 images × 2 (4 jobs)" in texts(at)

    generate(at)

    sizes = [image_of(p["image_url"]).size for p in submitted_payloads(studio)]
    assert sorted(sizes) == [(600, 800), (600, 800), (800, 600), (800, 600)]
    names = sorted(job.media["image_url"]["name"] for job in _store_jobs())
    assert names == ["tall.jpg", "tall.jpg", "wide.jpg", "wide.jpg"]


def test_a_failure_in_the_middle_names_the_job_and_the_rest_run(studio: Studio, monkeypatch: Any) -> None:
    from videostudio.api.client import VideoClient

    real_submit = VideoClient.submit
    calls: list[int] = []

    def second_refused(self: VideoClient, payload: dict[str, Any], **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise BadRequestError("The provider refused this request.", "")
        return real_submit(self, payload, **kwargs)

    monkeypatch.setattr(VideoClient, "submit", second_refused)
    at = open_studio()
    fill_pixverse(at)
    how_many(at, 3)
    generate(at)

    assert len(calls) == 3 and studio.backend_stats()["submits"] == 2
    errors = "\n".join(e.value for e in at.error)
    assert "Job 2 of 3 was not sent: The provider refused this request." in errors
    assert "The other 2 are running." in errors
    statuses = sorted(job.status for job in _store_jobs())
    assert statuses.count("failed") == 1 and len(statuses) == 3


def test_history_shows_each_jobs_place_in_its_batch_and_its_siblings(studio: Studio) -> None:
    at = open_studio()
    fill_pixverse(at)
    how_many(at, 3)
    generate(at)
    jobs = sorted(_store_jobs(), key=lambda job: job.created_at)

    history = AppTest.from_file(str(APP), default_timeout=60)
    history.query_params["job"] = jobs[1].id
    history.run()
    history.switch_page("pages/history.py").run()
    assert not history.exception, [e.value for e in history.exception]
    frame = history.dataframe[0].value
    assert sorted(frame["batch"].tolist()) == ["1 of 3", "2 of 3", "3 of 3"]
    assert "This job is 2 of 3 of a batch" in texts(history)
    # Its two siblings can be opened from its dialog; itself is already open.
    opens = [b.key for b in history.button if b.key and b.key.startswith("open-sibling-")]
    assert sorted(opens) == sorted(f"open-sibling-{job.id}" for job in (jobs[0], jobs[2]))


def _store_jobs() -> list[Any]:
    from components.shell import services

    return services.job_service().store.list()


def test_the_gallery_keeps_a_batchs_posters_together(studio: Studio) -> None:
    from datetime import timedelta

    from tests.test_history_page import add_job, history
    from videostudio.history.store import utcnow

    at = open_studio()
    now = utcnow()
    first = add_job("Take one", batch_id="b1", created=now - timedelta(minutes=3))
    add_job("Something else", created=now - timedelta(minutes=2))
    second = add_job("Take two", batch_id="b1", created=now - timedelta(minutes=1))
    history(at)
    at.get_by_key("history_view").set_value("Gallery").run()
    assert not at.exception, [e.value for e in at.exception]
    tiles = [
        c.key.removeprefix("history_tile_") for c in at.get("flex_container") if c.key and "history_tile_" in c.key
    ]
    assert tiles[:2] == [second.id, first.id]  # newest first, its batch sibling right beside it
    captions = texts(at)
    assert "batch 1 of 2" in captions and "batch 2 of 2" in captions


def test_a_batch_refused_alike_says_it_once(studio: Studio, monkeypatch: Any) -> None:
    from videostudio.api.client import VideoClient

    calls: list[int] = []

    def refused(self: VideoClient, payload: dict[str, Any], **kwargs: Any) -> Any:
        calls.append(1)
        raise BadRequestError("The provider refused this request.", "")

    monkeypatch.setattr(VideoClient, "submit", refused)
    at = open_studio()
    fill_pixverse(at)
    how_many(at, 3)
    generate(at)

    assert len(calls) == 3  # each job sent once, none again
    errors = "\n".join(e.value for e in at.error)
    assert "None of the 3 jobs was sent: The provider refused this request." in errors
    assert "Job 1 of 3" not in errors


def test_a_takes_more_panel_is_drawn_only_while_it_is_open(studio: Studio) -> None:
    """A batch card's More (Continue from here, its link, its request as code) costs nothing on a run while shut."""
    from tests.apptest import open_fold

    at = open_studio()
    fill_pixverse(at)
    how_many(at, 2)
    generate(at)

    def panels() -> dict[str, Any]:
        return {p.key: p for p in at.get("popover") if (p.key or "").startswith("more-")}

    shut = panels()
    assert len(shut) >= 2 and all(len(p.children) == 0 for p in shut.values())  # under Generate, in Latest jobs
    first = sorted(shut)[0]
    open_fold(at, first)
    opened = panels()
    assert len(opened[first].children) > 0
    inside = "\n".join(str(m.value) for m in opened[first].get("markdown"))
    assert "Copy as code" in inside
    assert all(len(p.children) == 0 for key, p in opened.items() if key != first)
