"""Drafts (videostudio/workflows/drafts.py): saved per browser or person and model in the history's database, uploads
stored once by content, old ones cleaned."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import jpeg_bytes
from videostudio.history.store import JobStore, utcnow
from videostudio.storage.base import LocalFolderStorage
from videostudio.workflows.drafts import DraftStore, is_draft_id, new_draft_id

MODEL = "pixverse/v5/image-to-video"


@pytest.fixture
def drafts(tmp_path: Path) -> Iterator[DraftStore]:
    store = JobStore(f"sqlite:///{tmp_path / 'history.sqlite3'}")
    yield DraftStore(store, LocalFolderStorage(tmp_path / "media"))
    store.close()


def data_uri(data: bytes, mime: str = "image/jpeg") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def test_a_draft_keeps_the_form_and_its_upload(drafts: DraftStore) -> None:
    draft_id = new_draft_id()
    photo = jpeg_bytes()
    payload = {"model": MODEL, "prompt": "A cat", "image_url": data_uri(photo), "duration": 5}
    assert drafts.save(draft_id, MODEL, payload, {"image_url": "cat.jpg"})

    draft = drafts.load(draft_id, MODEL)
    assert draft is not None
    assert draft.params["prompt"] == "A cat" and draft.params["duration"] == 5
    assert "base64" not in str(draft.params)  # the blob is kept as a file, not in the draft
    assert draft.media["image_url"]["name"] == "cat.jpg"
    assert draft.inputs() == {"image_url": ("cat.jpg", photo, "image/jpeg")}
    assert drafts.last_model(draft_id) == MODEL


def test_an_unchanged_form_is_not_written_again(drafts: DraftStore) -> None:
    draft_id = new_draft_id()
    payload = {"model": MODEL, "prompt": "A cat"}
    assert drafts.save(draft_id, MODEL, payload)
    assert not drafts.save(draft_id, MODEL, payload)
    assert drafts.save(draft_id, MODEL, {**payload, "prompt": "A dog"})
    assert drafts.load(draft_id, MODEL).params["prompt"] == "A dog"


def test_drafts_are_per_browser_and_per_model(drafts: DraftStore) -> None:
    mine, theirs = new_draft_id(), new_draft_id()
    drafts.save(mine, MODEL, {"prompt": "mine"})
    drafts.save(mine, "video-01", {"prompt": "mine too"})
    assert drafts.load(theirs, MODEL) is None
    assert drafts.load(mine, MODEL).params == {"prompt": "mine"}
    assert drafts.load(mine, "video-01").params == {"prompt": "mine too"}
    assert drafts.last_model(mine) == "video-01"


def test_a_draft_id_is_random_and_cannot_name_a_path(drafts: DraftStore) -> None:
    assert new_draft_id() != new_draft_id()
    assert is_draft_id(new_draft_id())
    for bad in ("../../etc/passwd", "short", "", None, "a" * 65, "x/" + "a" * 20):
        assert not is_draft_id(bad)
    assert drafts.load("../" + "a" * 20, MODEL) is None
    with pytest.raises(ValueError):
        drafts.save("../" + "a" * 20, MODEL, {"prompt": "x"})


def test_old_drafts_and_their_unused_uploads_are_cleaned(drafts: DraftStore, tmp_path: Path) -> None:
    old, recent, other = new_draft_id(), new_draft_id(), new_draft_id()
    shared, own = jpeg_bytes(color=(1, 2, 3)), jpeg_bytes(color=(200, 10, 10))
    long_ago = utcnow() - timedelta(days=31)
    drafts.save(old, MODEL, {"image_url": data_uri(own), "prompt": "old"}, now=long_ago)
    drafts.save(other, MODEL, {"image_url": data_uri(shared), "prompt": "old too"}, now=long_ago)
    drafts.save(recent, MODEL, {"image_url": data_uri(shared), "prompt": "recent"})
    assert len(list((tmp_path / "media" / "drafts").iterdir())) == 2  # each picture stored once

    removed = drafts.clean(now=utcnow())

    assert removed == 3  # the two old drafts, and the picture only one of them used
    assert drafts.load(old, MODEL) is None and drafts.load(other, MODEL) is None
    kept = drafts.load(recent, MODEL)
    assert kept is not None and kept.inputs()["image_url"][1] == shared
    assert len(list((tmp_path / "media" / "drafts").iterdir())) == 1


def test_a_replaced_upload_is_removed_when_no_draft_uses_it(drafts: DraftStore, tmp_path: Path) -> None:
    browser = new_draft_id()
    first, second = jpeg_bytes(color=(1, 2, 3)), jpeg_bytes(color=(200, 10, 10))
    drafts.save(browser, MODEL, {"image_url": data_uri(first)})
    drafts.save(browser, MODEL, {"image_url": data_uri(second)})
    [stored] = (tmp_path / "media" / "drafts").iterdir()
    assert stored.read_bytes() == second
