"""The History page through AppTest: finding, opening, reusing, deleting and exporting jobs, and what they cost."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.form.schema_form import ADVANCED_OPEN
from tests.apptest import open_fold
from tests.conftest import Studio, is_kept, jpeg_bytes, kept_file, studio_media
from tests.loopback import ScriptedServer
from tests.test_app import (
    KEYS,
    KLING,
    PIXVERSE,
    VIDEO01,
    choose,
    fill_kling_sunrise,
    generate,
    image_of,
    open_studio,
    upload,
    wait_for_video,
)
from videostudio.history.store import Job, JobStore, utcnow
from videostudio.offline.render.video import RenderRequest, render_video

pytestmark = pytest.mark.apptest

HISTORY = "pages/history.py"
GENERATE = "pages/generate.py"
FABRIC = "veed/fabric-1.0"


def submitted_payloads(studio: Studio) -> list[dict[str, Any]]:
    """What the offline backend received, oldest first."""
    records = [json.loads(p.read_text()) for p in Path(studio.backend.jobs_dir).glob("*.json")]
    return [r["payload"] for r in sorted(records, key=lambda r: r["created"])]


def store() -> JobStore:
    from components.shell import services

    return services.job_service().store


def add_job(
    prompt: str,
    *,
    model_id: str = VIDEO01,
    status: str = "completed",
    created: datetime | None = None,
    took: float = 60.0,
    backend: str = "offline",
    **fields: Any,
) -> Job:
    created = created or utcnow() - timedelta(hours=1)
    params = fields.pop("params", {"prompt": prompt, "enhance_prompt": True})
    finished = created + timedelta(seconds=took) if status in ("completed", "failed") else None
    return store().add(
        Job(
            model_id=model_id,
            backend=backend,
            status=status,
            prompt=prompt,
            params=params,
            created_at=created,
            updated_at=created,
            finished_at=finished,
            **fields,
        )
    )


def history(at: AppTest | None = None) -> AppTest:
    at = at or open_studio()
    at.switch_page(HISTORY).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def prompts(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["prompt"])


def select_row(at: AppTest, row: int) -> AppTest:
    # What a click on a row sends: the table's selection state (AppTest accepts it through session state).
    table = at.dataframe[0]
    at.session_state[table.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return rerun(at)


def button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


def click(at: AppTest, label: str) -> AppTest:
    button(at, label).click()
    return rerun(at)


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    parts += [s.value for s in at.success] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [t.value for t in at.text]  # prompts, shown as typed (st.text)
    return "\n".join(parts)


def use_these_settings(at: AppTest) -> AppTest:
    click(at, "Use these settings")
    assert at.title[0].value == "Generate"
    # AppTest keeps requesting the page its own switch_page named (History); a browser follows st.switch_page.
    at.switch_page(GENERATE)
    return at


def settings_table(at: AppTest) -> dict[str, str]:
    [table] = at.table
    frame = table.value
    return dict(zip(frame["Setting"], frame["Value"], strict=True))


def make_pixverse_job(at: AppTest, studio: Studio) -> Job:
    """A finished Pixverse job made through the Generate page: an uploaded image, a fixed seed, a 360p video."""
    choose(at, PIXVERSE)
    upload(at, PIXVERSE, "image_url", "cat.jpg", jpeg_bytes((640, 480), (20, 160, 220)), "image/jpeg")
    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("A cat surfing at dawn").run()
    at.selectbox(key=f"{KEYS[PIXVERSE]}__resolution").select("360p").run()
    open_fold(at, ADVANCED_OPEN)  # the seed sits under Advanced
    at.toggle(key=f"{KEYS[PIXVERSE]}__seed__random").set_value(False).run()
    at.number_input(key=f"{KEYS[PIXVERSE]}__seed").set_value(4242).run()
    generate(at)
    wait_for_video(at)
    [job] = store().list()
    assert job.local_path and job.poster_path and job.inputs_dir
    return job


# --- finding jobs -----------------------------------------------------------------------------------------------------


def test_filters_by_model_status_dates_and_prompt_text(studio: Studio) -> None:
    day = datetime(2026, 11, 10, 12, tzinfo=UTC)
    add_job("a red fox in snow", created=day)
    add_job("a red car at night", created=day + timedelta(days=2), model_id=PIXVERSE)
    add_job("blue whale song", created=day + timedelta(days=5), status="failed", error="Refused")
    add_job("red balloon", created=day + timedelta(days=9), model_id=KLING)
    at = history()
    assert prompts(at) == ["red balloon", "blue whale song", "a red car at night", "a red fox in snow"]

    at.text_input(key="history_text").input("RED").run()
    assert prompts(at) == ["red balloon", "a red car at night", "a red fox in snow"]
    at.multiselect(key="history_models").set_value([VIDEO01, PIXVERSE]).run()
    assert prompts(at) == ["a red car at night", "a red fox in snow"]
    at.text_input(key="history_text").input("").run()
    at.multiselect(key="history_models").set_value([]).run()
    at.multiselect(key="history_statuses").set_value(["Failed"]).run()
    assert prompts(at) == ["blue whale song"]
    at.multiselect(key="history_statuses").set_value([]).run()
    local = (day + timedelta(days=1)).astimezone().date()
    at.date_input(key="history_dates").set_value((local, local + timedelta(days=4))).run()
    assert prompts(at) == ["blue whale song", "a red car at night"]
    at.multiselect(key="history_statuses").set_value(["Running"]).run()
    assert not at.dataframe and "No jobs match these filters." in text_of(at)


def test_sorting(studio: Studio) -> None:
    start = utcnow() - timedelta(days=3)
    add_job("first", created=start, credits=30.0, took=50)
    add_job("second", created=start + timedelta(hours=1), credits=90.0, took=400, model_id=PIXVERSE)
    add_job("third", created=start + timedelta(hours=2), took=120, model_id=KLING)
    at = history()
    assert prompts(at) == ["third", "second", "first"]
    orders = {
        "Oldest first": ["first", "second", "third"],
        "Most credits": ["second", "first", "third"],  # no credits reported: last
        "Longest run": ["second", "third", "first"],
        "Model": ["third", "second", "first"],  # kling…, pixverse/…, video-01
    }
    for choice, expected in orders.items():
        at.selectbox(key="history_sort").select(choice).run()
        assert prompts(at) == expected, choice


def test_pages_of_fifty(studio: Studio) -> None:
    start = utcnow() - timedelta(days=1)
    for i in range(120):
        add_job(f"job {i:03d}", created=start + timedelta(minutes=i))
    at = history()
    assert len(prompts(at)) == 50 and prompts(at)[0] == "job 119"
    assert any("1–50 of 120" in c.value for c in at.caption)
    [pager] = at.get("pagination")
    assert pager.num_pages == 3
    pager.select(3).run()
    assert prompts(at) == [f"job {i:03d}" for i in range(19, -1, -1)]
    assert any("101–120 of 120" in c.value for c in at.caption)


# --- opening a job ----------------------------------------------------------------------------------------------------


def test_selecting_a_row_shows_the_kept_video_every_setting_and_the_cost(studio: Studio) -> None:
    at = open_studio()
    job = make_pixverse_job(at, studio)
    add_job("an older job")
    history(at)
    table = at.dataframe[0].value
    assert list(table["prompt"]) == ["A cat surfing at dawn", "an older job"]
    assert table["thumbnail"][0].startswith("data:image/jpeg;base64,")  # the poster, small
    assert table["duration"][0] == pytest.approx(5, abs=0.1)
    assert not at.get("video")

    select_row(at, 0)
    [video] = at.get("video")
    assert video.proto.url.startswith("/mock/media/")  # the local copy, served by Streamlit, not the provider link
    settings = settings_table(at)
    assert settings["Prompt"] == "A cat surfing at dawn"
    assert settings["Resolution"] == "360p"
    assert settings["Random seed"] == "4242"
    assert settings["Length"] == "5 s"
    assert settings["Start image"].startswith("cat.jpg, uploaded image")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Credits"] == f"{job.credits:,.0f}" and metrics["Length"] == "5.0 s"
    assert "Kept on this computer" in text_of(at)

    select_row(at, 1)
    assert settings_table(at)["Prompt"] == "an older job"
    assert not at.get("video")  # no video: it never had one


def test_a_failed_job_shows_its_error(studio: Studio) -> None:
    add_job("doomed", status="failed", error="The prompt was refused by the provider's filter.")
    at = select_row(history(), 0)
    assert "The prompt was refused by the provider's filter." in [e.value for e in at.error]


def test_without_a_local_copy_the_provider_link_plays(studio: Studio) -> None:
    add_job("remote only", video_url="https://cdn.example.com/v.mp4?sig=1", credits=7.0, usd=0.021)
    at = select_row(history(), 0)
    [video] = at.get("video")
    assert video.proto.url == "https://cdn.example.com/v.mp4?sig=1"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Credits"] == "7" and metrics["Cost"] == "$0.021"


def test_gallery_shows_posters_and_open_opens(studio: Studio) -> None:
    at = open_studio()
    make_pixverse_job(at, studio)
    add_job("text only")
    history(at)
    at.get_by_key("history_view").set_value("Gallery").run()
    images = at.get("image")
    assert len(images) == 1  # the poster; the text-only job has no picture
    assert not at.get("video")
    click(at, "Open")  # the first tile: the Pixverse job
    assert at.get("video")
    assert settings_table(at)["Prompt"] == "A cat surfing at dawn"
    assert button(at, "Opened").disabled


# --- actions ----------------------------------------------------------------------------------------------------------


def test_use_these_settings_fills_the_generate_form_uploads_included(studio: Studio) -> None:
    at = open_studio()
    make_pixverse_job(at, studio)
    # Change the form afterwards, and leave it on another model: the job's settings must win.
    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("something else").run()
    at.selectbox(key=f"{KEYS[PIXVERSE]}__style").select("anime").run()
    upload(at, PIXVERSE, "image_url", "dog.jpg", jpeg_bytes((500, 500), (250, 250, 0)), "image/jpeg")
    choose(at, VIDEO01)
    history(at)
    select_row(at, 0)

    use_these_settings(at)

    assert at.session_state["model_choice"] == PIXVERSE
    assert at.button(key="model_browser_toggle").label == "Change"  # the model browser folded: the form is on top
    assert at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").value == "A cat surfing at dawn"
    assert at.selectbox(key=f"{KEYS[PIXVERSE]}__resolution").value == "360p"
    assert at.selectbox(key=f"{KEYS[PIXVERSE]}__style").value is None
    assert any("cat.jpg" in c.value for c in at.caption)  # the kept image is back, with its preview
    assert "settings from the job are filled in" in at.toast[0].value
    open_fold(at, ADVANCED_OPEN)  # the seed sits under Advanced, shut again after the visit to History
    assert at.toggle(key=f"{KEYS[PIXVERSE]}__seed__random").value is False
    assert at.number_input(key=f"{KEYS[PIXVERSE]}__seed").value == 4242
    # The form equals the one just sent, but "Use these settings" was a deliberate choice: Generate sends it.
    assert at.button(key="generate").label == "Generate"
    generate(at)
    first, again = submitted_payloads(studio)
    assert again == first  # the very same request, image bytes included


def test_use_these_settings_restores_nested_camera_control_and_end_frame(studio: Studio) -> None:
    at = open_studio()
    fill_kling_sunrise(at)
    generate(at)
    # Then the form is changed, before the job is reused.
    at.toggle(key=f"{KEYS[KLING]}__camera_control__on").set_value(False).run()
    at.get_by_key(f"{KEYS[KLING]}__duration").set_value(5).run()
    history(at)
    select_row(at, 0)
    assert settings_table(at)["Camera movement › Config › Zoom"] == "4.5"

    use_these_settings(at)
    assert at.toggle(key=f"{KEYS[KLING]}__camera_control__on").value is True
    assert at.slider(key=f"{KEYS[KLING]}__camera_control.config.zoom").value == 4.5
    generate(at)
    first, again = submitted_payloads(studio)
    assert again == first
    assert image_of(again["tail_image_url"]).getpixel((5, 5))[0] > 150


def test_run_again_sends_one_new_job_with_a_fresh_seed(studio: Studio) -> None:
    at = open_studio()
    original = make_pixverse_job(at, studio)
    assert studio.backend_stats()["submits"] == 1
    studio.backend.speed = 1000  # the job run again keeps running while the test looks at the buttons
    history(at)
    select_row(at, 0)

    click(at, "Run again")
    assert "Started again" in text_of(at)
    assert "Random seed" not in settings_table(at)  # the new job is the one open now
    # A second press is the same intention while the new job runs: on the new job and on the original.
    assert button(at, "Run again").disabled
    assert "running" in (button(at, "Run again").help or "")
    select_row(at, [job.id for job in store().list()].index(original.id))
    assert button(at, "Run again").disabled

    assert studio.backend_stats()["submits"] == 2
    first, again = submitted_payloads(studio)
    assert "seed" in first and "seed" not in again  # the API picks a new one
    assert {k: v for k, v in first.items() if k != "seed"} == again  # the image goes again, byte for byte
    jobs = store().list()
    assert len(jobs) == 2
    new = next(j for j in jobs if j.id != original.id)
    assert new.inputs_dir == original.inputs_dir  # the same upload, kept once


def test_run_again_waits_for_its_run_after_a_reload_and_in_a_second_tab(studio: Studio) -> None:
    """Whether a run of this job is still going is read from the history: a press stopped right after its send,
    a reload or a second tab (a new session each) still finds it, so no second press pays again."""
    at = open_studio()
    original = make_pixverse_job(at, studio)
    studio.backend.speed = 1000  # the run keeps going while the test looks
    history(at)
    select_row(at, 0)
    click(at, "Run again")
    assert studio.backend_stats()["submits"] == 2

    other = select_row(history(), [job.id for job in store().list()].index(original.id))  # a new session
    assert button(other, "Run again").disabled
    assert "just run again" in (button(other, "Run again").help or "")
    assert studio.backend_stats()["submits"] == 2


def test_run_again_is_disabled_while_a_submit_is_in_flight(studio: Studio) -> None:
    add_job("a quiet forest", params={"prompt": "a quiet forest", "enhance_prompt": True})
    at = select_row(history(), 0)
    at.session_state["submitting"] = True
    rerun(at)
    assert button(at, "Run again").disabled
    with pytest.raises(Exception, match="disabled"):
        click(at, "Run again")
    assert studio.backend_stats()["submits"] == 0


def test_run_again_without_kept_uploads_is_refused(studio: Studio) -> None:
    add_job(
        "old job",
        model_id=PIXVERSE,
        params={"prompt": "old job", "image_url": "(uploaded image, sha256 abc…)"},
        media={"image_url": {"mime": "image/jpeg", "bytes": 1000, "sha256": "abc", "name": "old.jpg"}},
    )
    at = select_row(history(), 0)
    assert button(at, "Run again").disabled
    assert "not kept" in button(at, "Run again").help


def test_delete_asks_first_then_removes_the_row_and_its_files(studio: Studio) -> None:
    at = open_studio()
    job = make_pixverse_job(at, studio)
    add_job("stays")
    history(at)
    select_row(at, 0)

    click(at, "Delete")
    assert any("cannot be undone" in w.value for w in at.warning)
    click(at, "Keep it")
    assert store().get(job.id) is not None and is_kept(job.local_path)

    click(at, "Delete")
    click(at, "Delete for good")
    assert store().get(job.id) is None
    assert prompts(at) == ["stays"]
    for kept in (job.local_path, job.poster_path, job.inputs_dir):
        assert kept and not is_kept(kept), kept
    assert not list((studio.home / "media" / "inputs").glob("*.jpg"))  # the upload was this job's alone
    assert not at.get("video")


def test_a_running_job_cannot_be_deleted(studio: Studio) -> None:
    add_job("busy", status="generating", generation_id="g-1", next_poll_at=utcnow() + timedelta(hours=1))
    at = select_row(history(), 0)
    assert button(at, "Delete").disabled


def test_export_csv_and_json_of_the_filtered_jobs(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> None:
    exports = capture_deferred_downloads(monkeypatch)
    image_params = {"prompt": "fox", "image_url": "(uploaded image, sha256 abc…)"}
    add_job(
        "a red fox, in snow",
        model_id=PIXVERSE,
        credits=40.0,
        usd=0.12,
        params=image_params,
        thumbnail="data:image/jpeg;base64," + "A" * 400,
        media={"image_url": {"mime": "image/jpeg", "bytes": 1000, "sha256": "abc"}},
    )
    add_job("a blue whale", credits=10.0)
    at = history()
    at.text_input(key="history_text").input("fox").run()
    assert not at.exception

    rows = list(csv.DictReader(io.StringIO(exports["csv"]().decode("utf-8-sig"))))
    assert [r["prompt"] for r in rows] == ["a red fox, in snow"]
    assert rows[0]["model_id"] == PIXVERSE and rows[0]["credits"] == "40.0" and rows[0]["usd"] == "0.12"
    text = exports["json"]().decode()
    records = json.loads(text)
    assert [r["prompt"] for r in records] == ["a red fox, in snow"]
    assert records[0]["params"] == image_params and records[0]["credits"] == 40.0
    assert "base64" not in text and "thumbnail" not in records[0]

    select_row(at, 0)
    [single] = [b for b in at.download_button if b.proto.label == "Export"]
    assert single.proto.url  # the opened job's JSON


def capture_deferred_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """The History export buttons build their files when pressed; keep their builders (by file type) to call."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    captured: dict[str, Callable[[], bytes]] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):  # type: ignore[no-untyped-def]
        if file_name:
            captured[file_name.rsplit(".", 1)[-1]] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return captured


# --- cost and time ----------------------------------------------------------------------------------------------------


def test_spending_sums_per_day_and_per_model(studio: Studio) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    real = {"backend": "aimlapi"}
    add_job("a", credits=840_000.0, created=today, **real)  # no dollars reported: $0.42 at 2,000,000 a dollar
    add_job("b", credits=100_000.0, usd=0.05, created=today, model_id=PIXVERSE, **real)
    add_job("c", credits=2_000_000.0, created=today - timedelta(days=1), model_id=PIXVERSE, **real)
    add_job("d", status="failed", credits=504_000.0, created=today - timedelta(days=1), **real)  # billed nothing
    add_job("e", credits=1_000_000.0, created=today)  # the offline demo: simulated
    at = history()
    at.get_by_key("history_view").set_value("Spending").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Spent"] == "$1.47" and metrics["Credits"] == "2,940,000" and metrics["Jobs charged"] == "3"
    assert metrics["Simulated cost"] == "$0.50" and metrics["Demo jobs"] == "1"
    per_day, per_model, simulated = (d.value for d in at.dataframe)
    assert list(per_day.columns) == ["day", "usd", "credits"]  # dollars first
    assert {str(d): round(u, 2) for d, u in zip(per_day["day"], per_day["usd"], strict=True)} == {
        str(today.date()): 0.47,
        str((today - timedelta(days=1)).date()): 1.0,
    }
    assert list(per_model["model"]) == ["PixVerse v5 image-to-video", "MiniMax video-01"]
    assert list(per_model["usd"].round(2)) == [1.05, 0.42] and list(per_model["jobs"]) == [2, 1]
    assert list(simulated["model"]) == ["MiniMax video-01"] and list(simulated["usd"]) == [0.5]
    assert "Offline demo: simulated costs" in text_of(at)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_eta_shows_only_once_the_model_has_history(studio: Studio) -> None:
    running = dict(status="generating", generation_id="g-1", next_poll_at=utcnow() + timedelta(hours=1))
    add_job("running", created=utcnow() - timedelta(seconds=40), **running)
    at = open_studio()
    [bar] = at.get("progress")
    assert "left" not in bar.text and "usually" in bar.text

    for took in (100, 120, 200):
        add_job("done", took=took)
    rerun(at)
    [bar] = at.get("progress")
    # The median run is 120 s and this one has run 40 s (and a few more while the test ran).
    left = re.search(r"about 1 min (\d+) s left", bar.text)
    assert left and 10 <= int(left.group(1)) <= 20, bar.text

    add_job("late", created=utcnow() - timedelta(seconds=500), **{**running, "generation_id": "g-2"})
    rerun(at)
    texts = [b.text for b in at.get("progress")]
    assert any("any moment now" in t for t in texts)
    assert not any("-" in t.split("…")[-1] for t in texts)


# --- the library hooks ---------------------------------------------------------------------------------------------


def test_a_generated_job_keeps_its_upload_for_reuse(studio: Studio) -> None:
    from videostudio.library.kept_inputs import load_inputs

    at = open_studio()
    job = make_pixverse_job(at, studio)
    [(name, data, mime)] = load_inputs(job.inputs_dir, studio_media()).values()
    assert (name, mime) == ("cat.jpg", "image/jpeg")
    sent = submitted_payloads(studio)[0]["image_url"]
    assert base64.b64decode(sent.split(",", 1)[1]) == data  # the very bytes that were sent


def test_a_page_load_retries_videos_not_kept_yet(studio: Studio, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    render_video(RenderRequest(width=320, height=180, duration=1.0, placeholder_title="late"), clip)
    with ScriptedServer() as server:
        server.add("GET", "/late.mp4", 200, clip.read_bytes())
        job = add_job("late copy", video_url=f"{server.url}/late.mp4")
        st.cache_resource.clear()  # a restarted studio: its first page load retries, in the background
        open_studio()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (store().get(job.id) or job).local_path:
            time.sleep(0.1)
    kept = store().get(job.id)
    assert kept and kept.local_path and kept_file(kept.local_path).read_bytes() == clip.read_bytes()
    assert kept.poster_path and kept.video_seconds == pytest.approx(1.0, abs=0.05)
