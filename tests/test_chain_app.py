"""Continue from here and Join clips through AppTest: the joined job in every place that shows jobs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.conftest import Studio, is_kept, jpeg_bytes, kept_file
from tests.media_samples import video_bytes
from tests.test_app import KEYS, PIXVERSE, choose, generate, image_of, open_studio, submitted_payloads, upload
from tests.test_history_page import GENERATE, add_job, click, history, prompts, rerun, select_row, store, text_of
from videostudio.catalogue import Task
from videostudio.history.store import Job, JobKind, utcnow
from videostudio.library.chain import JOINED_MODEL_ID, STUDIO_BACKEND, last_frame

pytestmark = pytest.mark.apptest


def finished_clip(studio: Studio, prompt: str, *, seconds: float = 1.0, minutes_ago: int = 60, **fields: Any) -> Job:
    """A finished offline job whose video is kept in the media folder (a sample clip that reddens as it plays)."""
    media = studio.home / "media"
    media.mkdir(parents=True, exist_ok=True)
    path = media / f"{prompt.replace(' ', '-')}.mp4"
    path.write_bytes(video_bytes(seconds=seconds, **fields.pop("clip", {})))
    return add_job(
        prompt,
        local_path=str(path),
        video_seconds=seconds,
        created=utcnow() - timedelta(minutes=minutes_ago),
        **fields,
    )


def settings_of(at: AppTest) -> dict[str, str]:
    """The opened job's Settings table, setting by setting."""
    [table] = at.table
    rows = table.value
    return dict(zip(rows["Setting"], rows["Value"], strict=True))


def panel_after_join_button(at: AppTest) -> list[str]:
    """The error messages in the Join clips panel after its Join button, in the order shown."""
    panel = next(node for node in _walk(at.main) if getattr(node, "key", None) == "join_panel")
    found, after = [], False
    for node in _walk(panel):
        after = after or (node.type == "button" and getattr(node, "label", "") == "Join")
        if after and node.type == "error":
            found.append(node.value)
    return found


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def join_in_history(at: AppTest, jobs: list[Job]) -> AppTest:
    click(at, "Join clips")
    at.multiselect(key="join_pick").set_value([j.id for j in jobs]).run()
    return click(at, "Join")


def continue_links(at: AppTest) -> list[str]:
    """The query strings of the page's "Continue from here" links (AppTest cannot follow a link)."""
    return [e.proto.query_string for e in at.get("page_link") if e.proto.label == "Continue from here"]


def follow_continue(at: AppTest) -> AppTest:
    """Follow the one "Continue from here" link on the page, as the browser would: Generate with ``?continue=``."""
    [query] = continue_links(at)
    name, job_id = query.split("=")
    at.query_params[name] = job_id
    at.switch_page(GENERATE)
    rerun(at)
    assert at.title[0].value == "Generate"
    assert "continue" not in at.query_params  # followed once: a reload does not take the frame again
    return at


def test_join_clips_makes_a_joined_history_item(studio: Studio) -> None:
    first = finished_clip(studio, "first take", seconds=1.0, minutes_ago=3)
    second = finished_clip(studio, "second take", seconds=2.0, minutes_ago=2)
    at = history()
    click(at, "Join clips")
    picker = at.multiselect(key="join_pick")
    picker.set_value([second.id]).run()
    assert "1 clip · 2.0 s in all" in text_of(at)
    picker.set_value([second.id, first.id]).run()  # the order chosen, not the history's order
    assert "2 clips · 3.0 s in all" in text_of(at)
    click(at, "Join")

    joined = store().list()[0]
    assert joined.kind == JobKind.JOINED and joined.backend == STUDIO_BACKEND and joined.model_id == JOINED_MODEL_ID
    assert joined.params["clips"] == [second.id, first.id]
    assert joined.prompt == "Joined 2 clips" and abs((joined.video_seconds or 0) - 3.0) < 0.05
    assert kept_file(joined.local_path).is_file() and kept_file(joined.poster_path).is_file()
    # The new item is open, says how it was made, and plays.
    assert any("Joined 2 clips into one 3.0 s video (streams copied as they were)." in s.value for s in at.success)
    assert at.get("video")
    # Its settings in words: the clips it was joined from, by model and prompt, and how; no ids, no "Method: copied".
    assert settings_of(at) == {
        "Joined from": "MiniMax video-01 (“second take”), then MiniMax video-01 (“first take”)",
        "How": "streams copied as they were",
    }
    assert "As sent (JSON)" not in [e.label for e in at.expander]  # nothing was sent
    page = text_of(at)
    assert "Joined clips" in page and "no charge" in page and "no longer" not in page
    labels = {b.label for b in at.button}
    assert "Use these settings" not in labels and "Run again" not in labels and "Try again" not in labels
    assert "Delete" in labels and continue_links(at) == [f"continue={joined.id}"]
    assert {m.label: m.value for m in at.metric}["Cost"] == "$0.00"
    # In the table: its own row, named and costed plainly.
    table = at.dataframe[0].value
    assert list(table["model"])[0] == "Joined clips" and list(table["cost"])[0] == "no charge"
    assert prompts(at)[0] == "Joined 2 clips"


def test_joined_clips_of_different_formats_are_re_encoded(studio: Studio) -> None:
    first = finished_clip(studio, "with sound", seconds=1.0, minutes_ago=3, clip={"audio": "aac"})
    second = finished_clip(studio, "other codec", seconds=1.0, minutes_ago=2, clip={"codec": "mpeg4"})
    at = join_in_history(history(), [first, second])
    assert any("(re-encoded to 320×240)." in s.value for s in at.success)
    assert store().list()[0].params["how"] == "re-encoded to 320×240"


def test_join_takes_clips_of_different_sizes_letterboxed_to_the_first(studio: Studio) -> None:
    # Once refused ("All clips must be the same size"), below the table where nobody saw it.
    first = finished_clip(studio, "square", minutes_ago=3, clip={"size": (240, 240), "audio": "aac"})
    second = finished_clip(studio, "wide", minutes_ago=2, clip={"size": (320, 240)})
    at = join_in_history(history(), [first, second])
    how = "re-encoded to 240×240, clip 2 scaled to fit with black bars"
    assert any(f"Joined 2 clips into one 2.0 s video ({how})." in s.value for s in at.success)
    assert not at.error and store().count() == 3
    assert settings_of(at)["How"] == how


def test_a_join_that_fails_says_so_under_the_join_button(studio: Studio) -> None:
    first = finished_clip(studio, "good", minutes_ago=3)
    broken = finished_clip(studio, "broken", minutes_ago=2)
    Path(broken.local_path or "").write_bytes(b"not a video any more")
    at = join_in_history(history(), [first, broken])
    message = (
        "The clips were not joined. Clip 2 is not a video the studio can read. Open it in History to check that it "
        "plays, or remove it from the list."
    )
    assert panel_after_join_button(at) == [message]  # in the panel, right under Join: not below the list
    assert [e.value for e in at.error] == [message] and store().count() == 2
    assert at.multiselect(key="join_pick").value == [first.id, broken.id]  # the choice stays, to fix and retry
    # Shown once: the next run of the page has it no more.
    assert not rerun(at).error


def test_a_library_error_in_a_join_reaches_the_log_not_the_page(
    studio: Studio, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from components.history import join_clips

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device", "/media/.part-1f0c-joined.mp4")

    monkeypatch.setattr(join_clips, "record_joined", disk_full)
    clips = [finished_clip(studio, f"take {n}", minutes_ago=10 - n) for n in range(2)]
    with caplog.at_level(logging.ERROR, logger="components.history.join_clips"):
        at = join_in_history(history(), clips)
    assert panel_after_join_button(at) == [
        "The joined video could not be kept. Check that the disk has room, then try again."
    ]
    assert "No space left" not in text_of(at) and ".part-" not in text_of(at)
    assert "No space left on device" in caplog.text


def test_joined_job_on_generate_in_spending_and_deleted_with_its_file(studio: Studio) -> None:
    clips = [finished_clip(studio, f"take {n}", minutes_ago=10 - n) for n in range(2)]
    at = join_in_history(history(), clips)
    joined = store().list()[0]
    # The follower never takes it up: it is finished from the start.
    from components.shell import services

    assert services.follower().run_once() == []
    assert store().get(joined.id).status == "completed"  # type: ignore[union-attr]
    # Spending: real and simulated costs leave it out.
    at.switch_page("pages/history.py")
    at.get_by_key("history_view").set_value("Spending").run()
    assert "Joined clips" not in [str(v) for d in at.dataframe for v in d.value.get("model", [])]
    # The Generate page's latest jobs show it as a card that plays.
    generate_page = open_studio()
    assert "Joined clips" in text_of(generate_page) and "no charge" in text_of(generate_page)
    # Delete removes its video and poster.
    at = select_row(history(), 0)
    click(at, "Delete")
    click(at, "Delete for good")
    assert store().get(joined.id) is None
    assert joined.local_path and not is_kept(joined.local_path) and not is_kept(joined.poster_path)


def test_join_this_chain_preselects_the_chain_in_order(studio: Studio) -> None:
    # The studio's own chain, of models of two sizes (a 1080p model continued by a 720p one, scaled down here).
    root = finished_clip(studio, "root", minutes_ago=5, clip={"audio": "aac"})
    child = finished_clip(studio, "child", minutes_ago=4, parent_id=root.id, clip={"size": (160, 120)})
    grandchild = finished_clip(studio, "grandchild", minutes_ago=3, parent_id=child.id)
    finished_clip(studio, "unrelated", minutes_ago=2)
    at = history()
    select_row(at, prompts(at).index("child"))
    click(at, "Join this chain")
    assert at.multiselect(key="join_pick").value == [root.id, child.id, grandchild.id]
    assert "3 clips · 3.0 s in all" in text_of(at)
    click(at, "Join")
    assert store().list()[0].params["clips"] == [root.id, child.id, grandchild.id]
    how = "re-encoded to 320×240, clip 2 scaled to fit"
    assert any(f"Joined 3 clips into one 3.0 s video ({how})." in s.value for s in at.success)
    # A job on its own has no chain to join.
    at = history()
    select_row(at, prompts(at).index("unrelated"))
    assert "Join this chain" not in {b.label for b in at.button}


def test_continue_from_here_puts_the_last_frame_into_an_image_to_video_model(studio: Studio) -> None:
    source = finished_clip(studio, "a fox runs through snow", seconds=1.0)
    at = history()
    select_row(at, 0)
    at = follow_continue(at)
    [note] = [i.value for i in at.info if "Continuing from" in i.value]
    assert note.startswith("Continuing from MiniMax video-01, ")
    assert at.session_state["browser_tasks"] == Task.IMAGE
    assert at.session_state["model_browser_open"] is True

    choose(at, PIXVERSE)
    rerun(at)
    key = KEYS[PIXVERSE]
    assert at.session_state[f"{key}__image_url__prepared"] is not None
    assert at.text_area(key=f"{key}__prompt").value == "a fox runs through snow"
    generate(at)
    sent = submitted_payloads(studio)[-1]
    expected = np.asarray(Image.open(io.BytesIO(last_frame(source.local_path or ""))).convert("RGB"), dtype=float)
    received = np.asarray(image_of(sent["image_url"]).convert("RGB").resize((320, 240)), dtype=float)
    assert np.abs(received - expected).mean() < 6  # the same picture, give or take the JPEG the model takes
    new = store().list()[0]
    assert new.parent_id == source.id and new.model_id == PIXVERSE


def test_only_a_job_sent_with_the_frame_records_its_parent(studio: Studio) -> None:
    finished_clip(studio, "a fox", seconds=1.0)
    at = follow_continue(select_row(history(), 0))
    choose(at, PIXVERSE)
    rerun(at)
    assert any("its last frame is the start image of PixVerse" in i.value for i in at.info)
    # Another picture in the start image: the job no longer starts from the video's last frame.
    upload(at, PIXVERSE, "image_url", "own.jpg", jpeg_bytes((640, 480), (10, 200, 30)), "image/jpeg")
    generate(at)
    assert store().list()[0].parent_id is None
    # Stopping the continuation leaves the form as it is and the note goes.
    click(at, "Stop continuing")
    assert not any("Continuing from" in i.value for i in at.info)


def test_continue_into_a_start_image_inside_a_group(studio: Studio) -> None:
    # Luma's start image is keyframes.frame0.url, a choice of shapes inside a group: the frame goes there too.
    source = finished_clip(studio, "a lantern in the fog", seconds=1.0)
    at = follow_continue(select_row(history(), 0))
    choose(at, "luma/ray-2")
    rerun(at)
    generate(at)
    sent = submitted_payloads(studio)[-1]
    frame0 = sent["keyframes"]["frame0"]
    assert frame0["type"] == "image" and frame0["url"].startswith("data:image/")
    assert sent["prompt"] == "a lantern in the fog"
    assert store().list()[0].parent_id == source.id


def test_run_again_of_a_continued_job_still_continues_its_parent(studio: Studio) -> None:
    root = finished_clip(studio, "root", minutes_ago=5)
    finished_clip(studio, "continued", minutes_ago=4, parent_id=root.id)
    at = history()
    select_row(at, prompts(at).index("continued"))
    click(at, "Run again")
    new = store().list()[0]
    assert new.prompt == "continued" and new.parent_id == root.id


def test_history_filters_joined_clips_by_model(studio: Studio) -> None:
    clips = [finished_clip(studio, f"take {n}", minutes_ago=10 - n) for n in range(2)]
    at = join_in_history(history(), clips)
    at = history()
    at.multiselect(key="history_models").set_value([JOINED_MODEL_ID]).run()
    assert prompts(at) == ["Joined 2 clips"]


def test_a_continue_link_to_a_job_that_cannot_be_continued_says_so(studio: Studio) -> None:
    running = add_job("still going", status="generating")
    for job_id in ("no-such-job", running.id):
        at = open_studio()
        at.query_params["continue"] = job_id
        rerun(at)
        assert any("That video cannot be continued" in w.value for w in at.warning)
        assert not any("Continuing from" in i.value for i in at.info)
        assert "continue" not in at.query_params
