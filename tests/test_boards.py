"""Demo day's core: a take's star and rating and History's filters by them, boards in order with notes, who may see a
board, and the ZIP that plays offline (tested directly, no Streamlit)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.test_store import database
from videostudio.boards.access import can_change_board, can_make_boards, can_mark, can_put_on_board, can_see_board
from videostudio.boards.store import BoardError, BoardStore
from videostudio.boards.takeaway import INDEX_NAME, board_zip, index_page, packed_takes, zip_name
from videostudio.history.store import Job, JobStore, utcnow
from videostudio.storage.base import LocalFolderStorage
from videostudio.team.people import LOCAL_PERSON, Person
from videostudio.team.roles import Role

ANA = Person("ana@example.com", Role.CREATOR)
BEN = Person("ben@example.com", Role.CREATOR)
VIC = Person("vic@example.com", Role.VIEWER)
ADA = Person("ada@example.com", Role.ADMIN)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with database(request.param, tmp_path) as url:
        opened = JobStore(url)
        yield opened
        opened.close()


def take(store: JobStore, prompt: str, minutes_ago: int = 0, video: Path | None = None, **fields: object) -> Job:
    created = utcnow() - timedelta(minutes=minutes_ago)
    job = Job(
        "video-01",
        "offline",
        status="completed",
        prompt=prompt,
        created_at=created,
        local_path=str(video) if video else None,
        **fields,  # type: ignore[arg-type]
    )
    return store.add(job)


# --- Favourites and ratings -------------------------------------------------------------------------------------------


def test_stars_and_ratings_are_kept_and_filter_and_sort_history(store: JobStore) -> None:
    boards = BoardStore(store)
    a, b, c, d = (take(store, p, minutes_ago=n) for n, p in enumerate(["a kite", "a boat", "a fox", "a cat"]))
    boards.set_favourite(a.id, True)
    boards.set_favourite(c.id, True)
    boards.set_rating(a.id, 3)
    boards.set_rating(b.id, 5)
    boards.set_rating(c.id, 4)
    assert (store.get(a.id).favourite, store.get(a.id).rating) == (True, 3)  # type: ignore[union-attr]
    assert store.get(d.id).rating is None  # type: ignore[union-attr]
    assert [j.id for j in store.search(favourites_only=True)] == [a.id, c.id]
    assert [j.id for j in store.search(min_rating=4)] == [b.id, c.id]
    assert store.count_matching(favourites_only=True, min_rating=4) == 1
    # Best first; the unrated come last either way.
    assert [j.id for j in store.search(order_by="rating")] == [b.id, c.id, a.id, d.id]
    assert [j.id for j in store.search(order_by="rating", descending=False)] == [a.id, c.id, b.id, d.id]
    boards.set_rating(a.id, None)
    boards.set_favourite(a.id, False)
    assert store.get(a.id).rating is None and not store.get(a.id).favourite  # type: ignore[union-attr]


def test_a_rating_outside_one_to_five_is_refused_in_words(store: JobStore) -> None:
    job = take(store, "a kite")
    with pytest.raises(BoardError, match="1 to 5"):
        BoardStore(store).set_rating(job.id, 6)


# --- Boards ---------------------------------------------------------------------------------------------------------


def test_a_board_keeps_its_takes_in_the_chosen_order_with_notes(store: JobStore) -> None:
    boards = BoardStore(store)
    board = boards.create("  Client pitch,   12 Dec ", owner="ana@example.com")
    assert board.title == "Client pitch, 12 Dec"
    a, b, c = (take(store, p) for p in ("a kite", "a boat", "a fox"))
    for job in (a, b, c):
        assert boards.add(board.id, job.id)
    assert not boards.add(board.id, a.id)  # once per board
    boards.move(board.id, c.id, -1)  # a c b
    boards.move(board.id, a.id, +5)  # c b a: stops at the end
    boards.set_note(board.id, b.id, "The boat: the client's favourite")
    items = boards.items(board.id)
    assert [(i.job.id, i.position) for i in items] == [(c.id, 0), (b.id, 1), (a.id, 2)]
    assert items[1].note == "The boat: the client's favourite"
    boards.reorder(board.id, [a.id, c.id])
    assert [i.job.id for i in boards.items(board.id)] == [a.id, c.id, b.id]
    boards.remove(board.id, c.id)
    assert [(i.job.id, i.position) for i in boards.items(board.id)] == [(a.id, 0), (b.id, 1)]


def test_a_take_sits_on_several_boards_and_a_deleted_take_leaves_them(store: JobStore) -> None:
    boards = BoardStore(store)
    first, second = boards.create("Pitch", "ana@example.com"), boards.create("Review", "ana@example.com")
    kite, boat = take(store, "a kite"), take(store, "a boat")
    for board in (first, second):
        boards.add(board.id, kite.id)
    boards.add(first.id, boat.id)
    assert boards.boards_holding(kite.id) == {first.id, second.id}
    store.delete([kite.id])
    assert [i.job.id for i in boards.items(first.id)] == [boat.id]
    assert boards.items(second.id) == []


def test_boards_are_renamed_shared_found_by_token_listed_by_owner_and_deleted(store: JobStore) -> None:
    boards = BoardStore(store)
    mine, theirs = boards.create("Pitch", "ana@example.com"), boards.create("Other", "ben@example.com")
    boards.rename(mine.id, "Pitch, final")
    boards.set_shared(mine.id, True)
    found, by_token = boards.find(mine.share_token)
    assert found is not None and by_token and (found.title, found.shared) == ("Pitch, final", True)
    assert boards.find(mine.id) == (boards.get(mine.id), False)
    assert boards.find("no-such-board") == (None, False)
    assert [b.id for b in boards.boards("ana@example.com")] == [mine.id]
    assert {b.id for b in boards.boards(everyone=True)} == {mine.id, theirs.id}
    with pytest.raises(BoardError, match="title"):
        boards.rename(mine.id, "   ")
    boards.add(mine.id, take(store, "a kite").id)
    boards.delete(mine.id)
    assert boards.get(mine.id) is None and [b.id for b in boards.boards(everyone=True)] == [theirs.id]


def test_a_studio_without_sign_in_keeps_its_boards_unowned(store: JobStore) -> None:
    boards = BoardStore(store)
    board = boards.create("Pitch", LOCAL_PERSON.owner)
    assert [b.id for b in boards.boards(None)] == [board.id]
    assert can_change_board(LOCAL_PERSON, board) and can_see_board(LOCAL_PERSON, board, through_link=False)


def test_who_may_see_change_and_mark(store: JobStore) -> None:
    boards = BoardStore(store)
    board = boards.create("Pitch", ANA.owner)
    assert can_change_board(ANA, board) and can_change_board(ADA, board)
    assert not can_change_board(BEN, board) and not can_change_board(VIC, board)
    assert not can_see_board(VIC, board, through_link=True)  # not shared yet
    boards.set_shared(board.id, True)
    shared = boards.get(board.id)
    assert shared is not None
    assert can_see_board(VIC, shared, through_link=True) and can_see_board(BEN, shared, through_link=True)
    assert not can_see_board(VIC, shared, through_link=False)  # the board page itself stays the owner's
    assert not can_make_boards(VIC) and can_make_boards(BEN)
    own, other = Job("m", "offline", owner=BEN.owner), Job("m", "offline", owner=ANA.owner)
    assert can_put_on_board(BEN, own) and not can_put_on_board(BEN, other)
    assert can_mark(BEN, own) and not can_mark(BEN, other) and not can_mark(VIC, own) and can_mark(ADA, other)


# --- Take it away ---------------------------------------------------------------------------------------------------


def test_the_zip_holds_the_videos_in_board_order_and_an_index_that_plays_them(store: JobStore, tmp_path: Path) -> None:
    boards = BoardStore(store)
    board = boards.create("Client pitch, 12 Dec", None)
    videos = {}
    for name in ("kite", "boat", "fox"):
        videos[name] = tmp_path / f"{name}.mp4"
        videos[name].write_bytes(f"video of a {name}".encode())
    kite = take(store, "A red kite over the dunes", video=videos["kite"])
    boat = take(store, "Un bateau à voile", video=videos["boat"])
    gone = take(store, "A video no longer here", video=tmp_path / "missing.mp4")
    fox = take(store, "A fox </script> in snow", video=videos["fox"])
    for job in (fox, kite, gone, boat):
        boards.add(board.id, job.id)
    boards.set_note(board.id, fox.id, "Open with this one")
    packed = board_zip(LocalFolderStorage(tmp_path / "media"), board, boards.items(board.id), lambda job: job.prompt)
    archive = zipfile.ZipFile(io.BytesIO(packed))
    names = archive.namelist()
    assert names == [
        INDEX_NAME,
        "01-video-01-a-fox-script-in-snow.mp4",
        "02-video-01-a-red-kite-over-the.mp4",
        "03-video-01-un-bateau-a-voile.mp4",
    ]
    assert [archive.read(n) for n in names[1:]] == [b"video of a fox", b"video of a kite", b"video of a boat"]
    page = archive.read(INDEX_NAME).decode()
    playlist = json.loads(re.search(r"const takes = (.*);", page).group(1).replace("<\\/", "</"))  # type: ignore[union-attr]
    assert [t["src"] for t in playlist] == names[1:]  # relative links, in order
    assert playlist[0] == {"src": names[1], "title": "A fox </script> in snow", "note": "Open with this one"}
    assert "</script> in snow" not in page  # the typed title can't end the script
    assert "1 take had no video" in page
    assert zip_name(board) == "client-pitch-12-dec.zip"


def test_numbers_widen_past_ninety_nine_takes(store: JobStore, tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"v")
    boards = BoardStore(store)
    board = boards.create("Many", None)
    for n in range(100):
        boards.add(board.id, take(store, f"take {n}", video=video).id)
    names = [t.name for t in packed_takes(LocalFolderStorage(tmp_path), boards.items(board.id), lambda job: job.prompt)]
    assert names[0].startswith("001-") and names[-1].startswith("100-") and names == sorted(names)


def test_an_empty_board_gives_an_index_that_says_nothing_is_there() -> None:
    page = index_page("Empty", [], missing=2)
    assert "2 takes had no video" in page and "const takes = [];" in page
