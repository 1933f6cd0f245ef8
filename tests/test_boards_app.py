"""Demo day under AppTest: a take's star and rating from History's job dialog and History's filters by them; the
Boards page (make, fill, order, note, link words, ZIP, delete); the showcase page shows only the show."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.boards.board_service import take_title
from components.shell import services
from tests.apptest import open_fold
from tests.conftest import Studio
from tests.test_app import open_studio
from tests.test_history_page import add_job, history, rerun, select_row, store, text_of
from videostudio.boards.store import BoardStore
from videostudio.boards.takeaway import board_zip
from videostudio.history.store import Job, utcnow
from videostudio.offline.render.video import RenderRequest, render_video

pytestmark = pytest.mark.apptest

BOARDS = "pages/boards.py"
SHOWCASE = "pages/showcase.py"


def finished_takes(studio: Studio, prompts: list[str]) -> list[Job]:
    """Finished takes with a real (short) video kept on this computer, newest last."""
    media = studio.home / "media"
    media.mkdir(parents=True, exist_ok=True)
    jobs = []
    for n, prompt in enumerate(prompts):
        video = media / f"take-{n}.mp4"
        render_video(RenderRequest(width=160, height=90, duration=1.0, scene=prompt), video)
        created = utcnow() - timedelta(minutes=len(prompts) - n)
        jobs.append(add_job(prompt, created=created, local_path=str(video), video_seconds=1.0))
    return jobs


def boards_page(at: AppTest | None = None) -> AppTest:
    at = at or open_studio()
    at.switch_page(BOARDS).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, key: str) -> Any:
    return at.button(key=key)


def test_star_and_rate_from_the_job_dialog_then_filter_history(studio: Studio) -> None:
    kite, boat, fox = finished_takes(studio, ["A red kite", "A boat at dawn", "A fox in snow"])
    at = history()
    select_row(at, 0)  # newest first: the fox
    button(at, f"star-history-{fox.id}").click()
    rerun(at)
    assert store().get(fox.id).favourite  # type: ignore[union-attr]
    assert at.button(key=f"star-history-{fox.id}").label == "Starred"
    at.feedback(key=f"rate-history-{fox.id}-0").set_value(3)  # the fourth star
    rerun(at)
    assert store().get(fox.id).rating == 4  # type: ignore[union-attr]
    BoardStore(store()).set_rating(kite.id, 2)
    at.toggle(key="history_favourites").set_value(True)
    rerun(at)
    assert list(at.dataframe[0].value["prompt"]) == ["A fox in snow"]
    at.toggle(key="history_favourites").set_value(False)
    at.selectbox(key="history_min_rating").set_value("★★ 2 or more")
    rerun(at)
    assert list(at.dataframe[0].value["prompt"]) == ["A fox in snow", "A red kite"]
    at.selectbox(key="history_min_rating").set_value("Any rating")
    at.selectbox(key="history_sort").set_value("Best rated")
    rerun(at)
    assert list(at.dataframe[0].value["prompt"]) == ["A fox in snow", "A red kite", "A boat at dawn"]
    assert boat.rating is None


def test_a_board_is_made_filled_ordered_noted_and_deleted(studio: Studio) -> None:
    kite, boat, fox = finished_takes(studio, ["A red kite", "A boat at dawn", "A fox in snow"])
    at = boards_page()
    assert "No boards yet" in text_of(at)
    at.text_input(key="boards_new_title").input("Client pitch, 12 Dec")
    button(at, "boards_create").click()
    rerun(at)
    [board] = BoardStore(store()).boards(None)
    assert board.title == "Client pitch, 12 Dec"
    picker = at.multiselect(key=f"board-add-pick-{board.id}")
    picker.set_value([boat.id, kite.id, fox.id])
    button(at, "board_add_button").click()
    rerun(at)
    button(at, f"board-up-{fox.id}").click()  # boat, fox, kite
    rerun(at)
    at.text_input(key=f"board-note-{board.id}-{fox.id}").input("The fox: our favourite")
    rerun(at)
    items = BoardStore(store()).items(board.id)
    assert [i.job.id for i in items] == [boat.id, fox.id, kite.id]
    assert items[1].note == "The fox: our favourite"
    shown = text_of(at)
    assert "Anyone who can reach this studio can open this link." in shown
    assert f"/showcase?board={board.share_token}" in "\n".join(c.value for c in at.code)
    assert at.button(key=f"board-up-{boat.id}").disabled and at.button(key=f"board-down-{kite.id}").disabled
    button(at, f"board-delete-{board.id}").click()
    rerun(at)
    button(at, "board_delete_yes").click()
    rerun(at)
    assert BoardStore(store()).boards(None) == [] and store().get(fox.id) is not None  # the takes stay


def test_the_zip_button_gives_the_videos_in_order(studio: Studio) -> None:
    kite, boat = finished_takes(studio, ["A red kite", "A boat at dawn"])
    boards = BoardStore(store())
    board = boards.create("Pitch", None)
    boards.add(board.id, boat.id)
    boards.add(board.id, kite.id)
    at = boards_page()
    [download] = [d for d in at.get("download_button") if d.proto.id and "board-zip" in d.proto.id]
    assert download.proto.label == "Download as ZIP"
    packed = board_zip(services.media_storage(), board, boards.items(board.id), take_title)
    names = zipfile.ZipFile(io.BytesIO(packed)).namelist()
    assert names == ["index.html", "01-video-01-a-boat-at-dawn.mp4", "02-video-01-a-red-kite.mp4"]


def test_the_showcase_shows_the_takes_and_nothing_of_the_studio(studio: Studio) -> None:
    kite, boat = finished_takes(studio, ["A red kite", "A boat at dawn"])
    boards = BoardStore(store())
    board = boards.create("Client pitch", None)
    boards.add(board.id, kite.id)
    boards.add(board.id, boat.id)
    boards.set_note(board.id, kite.id, "Opens the pitch")
    at = open_studio()
    at.query_params["board"] = board.share_token
    at.switch_page(SHOWCASE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Client pitch"
    assert not at.sidebar.button and not at.sidebar.caption  # no backend panel, no job tray
    assert [b.label for b in at.button] == []  # no Delete, no settings: the player's own buttons only
    at.query_params["board"] = "not-a-board"
    at.run()
    assert "doesn't open a board" in text_of(at)


def test_a_card_puts_its_take_on_a_new_board(studio: Studio) -> None:
    [fox] = finished_takes(studio, ["A fox in snow"])
    at = history()
    select_row(at, 0)
    assert not [t for t in at.text_input if t.key == f"board-new-history-{fox.id}"]  # shut: boards not read
    open_fold(at, f"board-history-{fox.id}")
    at.text_input(key=f"board-new-history-{fox.id}").input("Review")
    button(at, f"board-make-history-{fox.id}").click()
    rerun(at)
    [board] = BoardStore(store()).boards(None)
    assert board.title == "Review" and [i.job.id for i in BoardStore(store()).items(board.id)] == [fox.id]


def test_compare_stars_and_rates_each_take(studio: Studio) -> None:
    kite, boat = finished_takes(studio, ["A red kite", "A boat at dawn"])
    at = open_studio()
    at.query_params["jobs"] = f"{kite.id},{boat.id}"
    at.switch_page("pages/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key=f"star-compare-{boat.id}").click()
    rerun(at)
    at.feedback(key=f"rate-compare-{kite.id}-0").set_value(4)
    rerun(at)
    assert store().get(boat.id).favourite and store().get(kite.id).rating == 5  # type: ignore[union-attr]
    assert at.button(key=f"star-compare-{boat.id}").label == "Starred"


def test_an_opened_jobs_request_and_ids_wait_under_details(studio: Studio) -> None:
    [fox] = finished_takes(studio, ["A fox in snow"])
    at = history()
    select_row(at, 0)
    [details] = [e for e in at.expander if e.label == "Details"]
    assert len(details.json) == len(at.json) == 1  # the request as sent, folded
    inside = {c.value for c in details.caption}
    assert any(fox.id in value for value in inside)
    assert not [c.value for c in at.caption if fox.id in c.value and c.value not in inside]
    assert "As sent (JSON)" not in [e.label for e in at.expander]
