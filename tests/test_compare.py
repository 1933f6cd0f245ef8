"""Compare: the address's ids, which jobs can be compared, the settings side by side (unit), and the page (AppTest).

Playback in sync is a browser's business: tests/browser/test_compare.py plays, scrubs and pauses three videos.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.testing.v1 import AppTest

from components.compare.synced_player import SYNC_TOLERANCE
from tests.conftest import Studio
from tests.test_attention import open_as
from tests.test_history_page import add_job, history, select_row, text_of
from videostudio.history.store import Job, utcnow
from videostudio.offline.render.video import RenderRequest, render_video
from videostudio.workflows.compare import (
    MAX_JOBS,
    MISSING,
    SettingRow,
    compare_ids,
    differing,
    select_jobs,
    side_by_side,
)
from videostudio.workflows.drafts import new_draft_id

COMPARE = "pages/compare.py"


# --- the pure pieces ------------------------------------------------------------------------------------------------


def test_the_address_names_jobs_in_order_each_once() -> None:
    assert compare_ids("b2,a1,c3") == ["b2", "a1", "c3"]
    assert compare_ids(" a , b,,a, ") == ["a", "b"]
    assert compare_ids("") == [] and compare_ids(None) == []


def test_settings_side_by_side_mark_what_differs() -> None:
    rows = side_by_side(
        [
            [("Prompt", "A kite"), ("Length", "5 s"), ("Seed", "1")],
            [("Prompt", "A kite"), ("Length", "10 s"), ("Camera move", "zoom")],
        ]
    )
    assert [row.setting for row in rows] == ["Prompt", "Length", "Seed", "Camera move"]
    assert rows[0] == SettingRow("Prompt", ("A kite", "A kite")) and not rows[0].differs
    assert rows[1].values == ("5 s", "10 s") and rows[1].differs
    # A setting only one job has is a difference, shown as missing in the other column.
    assert rows[2].values == ("1", MISSING) and rows[3].values == (MISSING, "zoom")
    assert [row.setting for row in differing(rows)] == ["Length", "Seed", "Camera move"]


def test_the_same_settings_make_no_difference() -> None:
    rows = side_by_side([[("Prompt", "x"), ("Prompt", "ignored")], [("Prompt", "x")], [("Prompt", "x")]])
    assert rows == [SettingRow("Prompt", ("x", "x", "x"))]
    assert differing(rows) == []


def job(job_id: str, clip: Path | None, status: str = "completed") -> Job:
    return Job(id=job_id, model_id="video-01", backend="offline", status=status, local_path=str(clip) if clip else None)


def test_only_finished_videos_on_this_computer_are_compared_and_each_bad_id_is_told(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"not played here")
    known = {
        "done1": job("done1", clip),
        "done2": job("done2", clip),
        "running": job("running", None, "generating"),
        "failed": job("failed", None, "failed"),
        "not-kept": job("not-kept", None),
        "gone-file": job("gone-file", tmp_path / "deleted.mp4"),
    }
    ids = ["done2", "nope", "running", "failed", "not-kept", "gone-file", "done1"]
    selection = select_jobs(ids, known.get, lambda model_id: "MiniMax")
    assert [j.id for j in selection.jobs] == ["done2", "done1"]  # the address's order
    assert selection.ready
    said = "\n".join(selection.problems)
    assert len(selection.problems) == 5
    assert "No job nope" in said and "still running" in said and "failed" in said
    assert said.count("not on this computer") == 2


def test_at_most_four_are_compared(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    known = {str(n): job(str(n), clip) for n in range(6)}
    selection = select_jobs(list(known), known.get, str)
    assert [j.id for j in selection.jobs] == ["0", "1", "2", "3"]
    assert len(selection.problems) == 2 and f"at most {MAX_JOBS}" in selection.problems[0]
    assert not select_jobs(["0"], known.get, str).ready


# --- the page -------------------------------------------------------------------------------------------------------


def finished(prompt: str, tmp_path: Path, *, minutes_ago: int, **fields: Any) -> Job:
    clip = tmp_path / f"{prompt.replace(' ', '-')}.mp4"
    render_video(RenderRequest(width=160, height=96, duration=0.5, placeholder_title=prompt), clip)
    params = fields.pop("params", {"prompt": prompt, "resolution": "768P"})
    return add_job(
        prompt,
        created=utcnow() - timedelta(minutes=minutes_ago),
        local_path=str(clip),
        video_seconds=0.5,
        params=params,
        **fields,
    )


def compare(**query: str) -> AppTest:
    at = open_as(new_draft_id(), **query)
    at.switch_page(COMPARE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def player(at: AppTest) -> dict[str, Any] | None:
    """What the synced player was given, or None when the page shows none."""
    for element in at.get("bidi_component"):
        if element.proto.component_name == "videostudio.synced_player":
            return json.loads(element.proto.json)
    return None


@pytest.mark.apptest
def test_a_link_plays_its_jobs_in_order_with_their_settings(studio: Studio, tmp_path: Path) -> None:
    first = finished("A red kite", tmp_path, minutes_ago=3)
    second = finished("A blue kite", tmp_path, minutes_ago=2, params={"prompt": "A blue kite", "resolution": "1080P"})
    at = compare(jobs=f"{second.id},{first.id}")
    data = player(at)
    assert data is not None
    assert data["tolerance"] == SYNC_TOLERANCE
    tiles = data["tiles"]
    assert [t["prompt"] for t in tiles] == ["A blue kite", "A red kite"]
    assert [t["title"] for t in tiles] == ["1 · MiniMax video-01", "2 · MiniMax video-01"]
    # Each video's settings go under it, the differing ones marked; the prompt differs too.
    assert ["Resolution", "1080P", True] in tiles[0]["rows"]
    assert all(t["prompt_differs"] for t in tiles)
    # Served by Streamlit's media endpoint from the local copies, never inlined into the page.
    for tile, job_ in zip(tiles, (second, first), strict=True):
        # Streamlit names a media file by its content's hash: this address serves exactly the job's local copy.
        content_id = _calculate_file_id(Path(str(job_.local_path)).read_bytes(), "video/mp4", None)
        # (AppTest's media endpoint is "/mock/media"; a server's is "/media", as the browser test sees.)
        assert tile["src"].endswith(f"/media/{content_id}.mp4") and not tile["src"].startswith("data:")
    assert len(json.dumps(data)) < 5_000

    table = at.dataframe[0].value
    assert list(table.columns) == ["Setting", "1 · MiniMax video-01", "2 · MiniMax video-01", "Difference"]
    by_setting = {row["Setting"]: row for row in table.to_dict("records")}
    assert by_setting["Resolution"]["Difference"] == "differs"
    assert by_setting["Model"]["Difference"] == ""
    assert {"Cost", "Took", "Length", "Prompt"} <= set(by_setting)

    at.toggle(key="compare_only_differences").set_value(True).run()
    assert set(at.dataframe[0].value["Setting"]) == {"Prompt", "Resolution"}
    # The picker shows what the address names, and Copy link gives that address.
    assert at.multiselect(key="compare_pick").value == [second.id, first.id]
    assert [c.value for c in at.code] == [f"/compare?jobs={second.id},{first.id}"]


@pytest.mark.apptest
def test_bad_ids_get_a_plain_message_and_never_an_exception(studio: Studio, tmp_path: Path) -> None:
    good = finished("A kite", tmp_path, minutes_ago=5)
    running = add_job("Still going", status="generating")
    at = compare(jobs=f"nothing-here,{running.id},{good.id},<script>")
    said = "\n".join(w.value for w in at.warning)
    assert "No job nothing-here" in said and "still running" in said and "No job <script>" in said
    assert player(at) is None  # one playable video is not a comparison
    assert "Pick at least 2 videos" in text_of(at)
    assert at.multiselect(key="compare_pick").value == [good.id]


@pytest.mark.apptest
def test_the_picker_lists_finished_videos_newest_first_and_writes_the_address(studio: Studio, tmp_path: Path) -> None:
    old = finished("Old kite", tmp_path, minutes_ago=30)
    new = finished("New kite", tmp_path, minutes_ago=1)
    add_job("Failed kite", status="failed")
    add_job("Kite without its video")  # completed, but no local copy
    at = compare()
    assert player(at) is None
    picker = at.multiselect(key="compare_pick")
    assert picker.options[:2] and len(picker.options) == 2
    assert "New kite" in picker.options[0] and "Old kite" in picker.options[1]
    assert "MiniMax video-01" in picker.options[0]

    picker.set_value([new.id, old.id]).run()
    assert at.query_params["jobs"] == f"{new.id},{old.id}"
    data = player(at)
    assert data is not None and [t["prompt"] for t in data["tiles"]] == ["New kite", "Old kite"]


@pytest.mark.apptest
def test_no_finished_videos_says_so(studio: Studio) -> None:
    at = compare()
    assert "No finished videos yet" in text_of(at)


def compare_with(at: AppTest) -> Any:
    """The opened job's "Compare with…" link (a page link: AppTest cannot follow it, its target is checked)."""
    links = [e.proto for e in at.get("page_link") if e.proto.label == "Compare with…"]
    assert len(links) == 1
    return links[0]


@pytest.mark.apptest
def test_compare_with_in_history_links_to_compare_with_that_job(studio: Studio, tmp_path: Path) -> None:
    job_ = finished("Kite to compare", tmp_path, minutes_ago=2)
    at = history()
    select_row(at, 0)
    link = compare_with(at)
    assert not link.disabled
    assert link.page.endswith("compare") and link.query_string == f"jobs={job_.id}"
    # Following it: Compare opens with that job picked.
    at = compare(jobs=link.query_string.removeprefix("jobs="))
    assert at.multiselect(key="compare_pick").value == [job_.id]


@pytest.mark.apptest
def test_compare_with_waits_for_a_finished_video(studio: Studio) -> None:
    running = add_job("Still going", status="generating")
    at = history()
    select_row(at, 0)
    assert running.is_active and compare_with(at).disabled
