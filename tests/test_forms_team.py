"""Drafts and presets in a team: kept in the history's database, so replicas share them; owned by a person; presets
shared with the team; an older studio's files imported once (videostudio/workflows/drafts.py, presets.py,
old_forms.py).

Runs on SQLite and, when reachable, PostgreSQL (see tests/test_store.py for how to point it at one).
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import jpeg_bytes
from tests.test_store import BACKENDS, database
from videostudio.config import Settings
from videostudio.history.store import JobStore, utcnow
from videostudio.library.kept_inputs import keep_inputs
from videostudio.storage import storage_from
from videostudio.storage.base import LocalFolderStorage
from videostudio.studio import studio_drafts, studio_presets
from videostudio.team.people import LOCAL_PERSON, Person
from videostudio.team.roles import Role
from videostudio.workflows.drafts import DraftStore, draft_key, new_draft_id
from videostudio.workflows.kept_forms import upload_keys
from videostudio.workflows.old_forms import MARK, import_old_drafts, import_old_presets
from videostudio.workflows.presets import Incoming, NameTaken, PresetError, PresetStore, preset_label

PIXVERSE = "pixverse/v5/image-to-video"
VIDEO01 = "video-01"
ANA = Person("ana@example.com", Role.CREATOR)
BEN = Person("ben@example.com", Role.CREATOR)
BOSS = Person("boss@example.com", Role.ADMIN)
VERA = Person("vera@example.com", Role.VIEWER)


def data_uri(data: bytes, mime: str = "image/jpeg") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


class Replica:
    """One studio process: its own connections to the shared database, the shared media storage."""

    def __init__(self, url: str, media: Path) -> None:
        self.store = JobStore(url)
        storage = LocalFolderStorage(media)
        self.drafts = DraftStore(self.store, storage)
        self.presets = PresetStore(self.store, storage)


@pytest.fixture(params=BACKENDS)
def replicas(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Replica]]:
    """Make replicas of one studio: one database (SQLite file or PostgreSQL schema), one media storage."""
    made: list[Replica] = []
    with database(request.param, tmp_path) as url:

        def make() -> Replica:
            made.append(Replica(url, tmp_path / "media"))
            return made[-1]

        yield make
        for replica in made:
            replica.store.close()


# --- replicas share them --------------------------------------------------------------------------------------------


def test_two_replicas_see_each_others_drafts_and_presets_at_once(replicas: Callable[[], Replica]) -> None:
    one, two = replicas(), replicas()
    photo = jpeg_bytes()
    one.drafts.save(
        ANA.email, PIXVERSE, {"prompt": "Typed on one", "image_url": data_uri(photo)}, {"image_url": "a.jpg"}
    )
    draft = two.drafts.load(ANA.email, PIXVERSE)
    assert draft is not None and draft.params["prompt"] == "Typed on one"
    assert draft.inputs() == {"image_url": ("a.jpg", photo, "image/jpeg")}
    assert two.drafts.last_model(ANA.email) == PIXVERSE

    two.drafts.save(ANA.email, VIDEO01, {"prompt": "Then on two"})
    assert one.drafts.last_model(ANA.email) == VIDEO01

    one.presets.save("Surf", PIXVERSE, {"prompt": "waves", "image_url": data_uri(photo)}, owner=ANA.email)
    [seen] = two.presets.presets(PIXVERSE, viewer=ANA)
    assert seen.name == "Surf" and seen.form.inputs()["image_url"][1] == photo
    two.presets.rename(PIXVERSE, "Surf", "Big surf", owner=ANA.email, by=ANA)
    assert [p.name for p in one.presets.presets(viewer=ANA)] == ["Big surf"]
    assert one.presets.delete(PIXVERSE, "Big surf", owner=ANA.email, by=ANA)
    assert two.presets.presets(viewer=ANA) == []


def test_two_replicas_saving_one_name_at_once_keep_one_preset_and_refuse_the_other(
    replicas: Callable[[], Replica],
) -> None:
    one, two = replicas(), replicas()
    names = [f"Race {n}" for n in range(8)]
    outcomes: dict[str, list[str]] = {name: [] for name in names}
    start = threading.Barrier(2)

    def save_all(replica: Replica, prompt: str) -> None:
        for name in names:
            start.wait(timeout=30)
            try:
                replica.presets.save(name, VIDEO01, {"prompt": prompt}, owner=ANA.email)
                outcomes[name].append(f"saved {prompt}")
            except NameTaken:
                outcomes[name].append("refused")

    threads = [threading.Thread(target=save_all, args=(r, p)) for r, p in ((one, "one"), (two, "two"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    kept = {p.name: p.form.params["prompt"] for p in one.presets.presets(VIDEO01, viewer=ANA)}
    assert sorted(kept) == names
    for name in names:
        assert sorted(outcomes[name])[0] == "refused" and len(outcomes[name]) == 2, outcomes[name]
        assert outcomes[name][1 - outcomes[name].index("refused")] == f"saved {kept[name]}"  # the winner's form


def test_two_replicas_importing_one_name_at_once_number_the_second(replicas: Callable[[], Replica]) -> None:
    one, two = replicas(), replicas()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def add(replica: Replica, prompt: str) -> None:
        try:
            start.wait(timeout=30)
            replica.presets.add_all([Incoming("Shared look", VIDEO01, {"prompt": prompt}, {})], owner=ANA.email)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(r, p)) for r, p in ((one, "one"), (two, "two"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    presets = one.presets.presets(VIDEO01, viewer=ANA)
    assert [p.name for p in presets] == ["Shared look", "Shared look (2)"]
    assert sorted(p.form.params["prompt"] for p in presets) == ["one", "two"]


# --- ownership ------------------------------------------------------------------------------------------------------


def test_a_members_drafts_follow_them_and_nobody_else_sees_them(replicas: Callable[[], Replica]) -> None:
    studio = replicas()
    laptop, phone = new_draft_id(), new_draft_id()
    studio.drafts.save(draft_key(ANA.owner, laptop), VIDEO01, {"prompt": "Ana's idea"})
    assert studio.drafts.load(draft_key(ANA.owner, phone), VIDEO01).params == {"prompt": "Ana's idea"}
    assert studio.drafts.load(draft_key(BEN.owner, laptop), VIDEO01) is None  # Ben on Ana's laptop
    assert studio.drafts.load(draft_key(None, laptop), VIDEO01) is None  # the browser signed out


def test_each_person_sees_their_own_presets_and_the_shared_ones_admins_all(replicas: Callable[[], Replica]) -> None:
    presets = replicas().presets
    presets.save("Portrait", VIDEO01, {"prompt": "ana's"}, owner=ANA.email)
    presets.save("Portrait", VIDEO01, {"prompt": "ben's"}, owner=BEN.email)  # the same name, another person: fine
    presets.save("Team look", VIDEO01, {"prompt": "for all"}, owner=BEN.email, shared=True)

    def seen(person: Person) -> list[str]:
        return [preset_label(p, person) for p in presets.presets(VIDEO01, viewer=person)]

    assert seen(ANA) == ["Portrait", "Team look · shared by ben@example.com"]
    assert seen(BEN) == ["Portrait", "Team look"]
    assert seen(VERA) == ["Team look · shared by ben@example.com"]
    assert sorted(seen(BOSS)) == [
        "Portrait · ana@example.com",
        "Portrait · ben@example.com",
        "Team look · shared by ben@example.com",
    ]


def test_only_the_owner_or_an_admin_changes_a_preset(replicas: Callable[[], Replica]) -> None:
    presets = replicas().presets
    presets.save("Team look", VIDEO01, {"prompt": "for all"}, owner=BEN.email, shared=True)
    for stranger in (ANA, VERA):
        with pytest.raises(PresetError, match="Only the person who saved"):
            presets.rename(VIDEO01, "Team look", "Mine now", owner=BEN.email, by=stranger)
        with pytest.raises(PresetError, match="Only the person who saved"):
            presets.set_shared(VIDEO01, "Team look", False, owner=BEN.email, by=stranger)
        with pytest.raises(PresetError, match="Only the person who saved"):
            presets.delete(VIDEO01, "Team look", owner=BEN.email, by=stranger)
    assert presets.get(VIDEO01, "Team look", owner=BEN.email).shared

    assert not presets.set_shared(VIDEO01, "Team look", False, owner=BEN.email, by=BEN).shared
    assert presets.presets(VIDEO01, viewer=ANA) == []
    presets.rename(VIDEO01, "Team look", "Boss's pick", owner=BEN.email, by=BOSS)
    assert presets.delete(VIDEO01, "Boss's pick", owner=BEN.email, by=BOSS)


def test_an_import_gives_the_presets_to_the_importer(replicas: Callable[[], Replica]) -> None:
    presets = replicas().presets
    presets.save("Mine", VIDEO01, {"prompt": "ben's"}, owner=BEN.email)
    [added] = presets.add_all([Incoming("Mine", VIDEO01, {"prompt": "from a file"}, {})], owner=ANA.email)
    assert (added.name, added.owner, added.shared) == ("Mine", ANA.email, False)  # Ben's name is not Ana's
    assert [p.form.params["prompt"] for p in presets.presets(VIDEO01, viewer=ANA)] == ["from a file"]


# --- an older studio's files ----------------------------------------------------------------------------------------


def old_studio_files(home: Path) -> tuple[str, bytes]:
    """Drafts and presets as the studio before revision 0008 kept them under ``home``; the browser id, the photo."""
    photo = jpeg_bytes(color=(5, 90, 160))
    payload = {"prompt": "Old draft", "image_url": data_uri(photo)}
    browser = new_draft_id()
    for folder in ("drafts", "presets"):
        manifest = keep_inputs(payload, {"image_url": "old.jpg"}, LocalFolderStorage(home / folder))
        assert manifest is not None
        form = {
            "params": {"prompt": "Old draft", "image_url": "(uploaded image)"},
            "media": {"image_url": {"mime": "image/jpeg", "name": "old.jpg"}},
            "inputs": Path(manifest).name,
            "saved_at": (utcnow() - timedelta(days=2)).isoformat(),
        }
        if folder == "drafts":
            models = {PIXVERSE: {**form, "fingerprint": "f" * 64}, VIDEO01: {"params": {"prompt": "x"}, **_at(3)}}
            document = {"version": 1, "last_model": PIXVERSE, "models": models}
            (home / folder / f"{browser}.json").write_text(json.dumps(document))
        else:
            presets = [{"name": "Old look", "model": PIXVERSE, **form}]
            (home / folder / "presets.json").write_text(json.dumps({"version": 1, "presets": presets}))
    return browser, photo


def _at(days_ago: int) -> dict[str, str]:
    return {"saved_at": (utcnow() - timedelta(days=days_ago)).isoformat()}


def test_an_older_studios_drafts_and_presets_are_imported_once(replicas: Callable[[], Replica], tmp_path: Path) -> None:
    home = tmp_path / "home"
    browser, photo = old_studio_files(home)
    studio = replicas()

    assert import_old_drafts(home / "drafts", studio.drafts) == 2
    assert import_old_presets(home / "presets", studio.presets) == 1
    draft = studio.drafts.load(browser, PIXVERSE)
    assert draft is not None and draft.params["prompt"] == "Old draft"
    assert draft.inputs() == {"image_url": ("old.jpg", photo, "image/jpeg")}
    assert studio.drafts.last_model(browser) == PIXVERSE  # the browser's last model, as before
    [preset] = studio.presets.presets(viewer=LOCAL_PERSON)
    assert (preset.name, preset.owner) == ("Old look", None)
    assert preset.form.request()[0] == {"prompt": "Old draft", "image_url": data_uri(photo)}
    assert (home / "drafts" / MARK).is_file() and (home / "presets" / "presets.json").is_file()  # kept as a backup

    # Once: a preset deleted afterwards never comes back, even from a second process starting later.
    studio.presets.delete(PIXVERSE, "Old look")
    again = replicas()
    assert import_old_drafts(home / "drafts", again.drafts) == 0
    assert import_old_presets(home / "presets", again.presets) == 0
    assert again.presets.presets() == []


def test_importing_again_copies_nothing_twice(replicas: Callable[[], Replica], tmp_path: Path) -> None:
    home = tmp_path / "home"
    browser, _photo = old_studio_files(home)
    studio = replicas()
    import_old_drafts(home / "drafts", studio.drafts)
    import_old_presets(home / "presets", studio.presets)
    for folder in ("drafts", "presets"):
        (home / folder / MARK).unlink()  # as if the process stopped right after copying, before its note

    assert import_old_drafts(home / "drafts", studio.drafts) == 0
    assert import_old_presets(home / "presets", studio.presets) == 0
    assert [p.name for p in studio.presets.presets()] == ["Old look"]
    assert studio.drafts.load(browser, VIDEO01) is not None


def test_a_damaged_old_presets_file_is_left_alone_and_tried_again(
    replicas: Callable[[], Replica], tmp_path: Path
) -> None:
    folder = tmp_path / "home" / "presets"
    folder.mkdir(parents=True)
    (folder / "presets.json").write_text("{ half a file")
    studio = replicas()
    assert import_old_presets(folder, studio.presets) == 0
    assert (folder / "presets.json").read_text() == "{ half a file" and not (folder / MARK).exists()
    assert studio.presets.presets() == []


# --- uploads as media in S3 -----------------------------------------------------------------------------------------


@pytest.mark.s3
def test_with_s3_media_a_replica_whose_folders_are_empty_has_the_uploads(
    s3_env: dict[str, str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'shared' / 'history.sqlite3'}"
    stores = [JobStore(url), JobStore(url)]
    try:
        settings = [
            Settings.from_env({**os.environ, "VIDEO_STUDIO_HOME": str(tmp_path / name), "DATABASE_URL": url})
            for name in ("one", "two", "three")  # three: a replica that only looks
        ]
        assert all(s.media_url.startswith("s3://") for s in settings)
        one, two = (studio_presets(s, store) for s, store in zip(settings[:2], stores, strict=True))
        photo = jpeg_bytes(color=(30, 160, 90))
        one.save("Surf", PIXVERSE, {"prompt": "waves", "image_url": data_uri(photo)}, owner=ANA.email)
        drafts_one, drafts_two = (studio_drafts(s, store) for s, store in zip(settings[:2], stores, strict=True))
        drafts_one.save(ANA.email, PIXVERSE, {"prompt": "draft", "image_url": data_uri(photo)}, {"image_url": "p.jpg"})

        [preset] = two.presets(PIXVERSE, viewer=ANA)
        assert preset.form.inputs()["image_url"][1] == photo
        assert drafts_two.load(ANA.email, PIXVERSE).inputs() == {"image_url": ("p.jpg", photo, "image/jpeg")}
        # Each replica has only its own cache folder: what two read came from the bucket, and no media folder was made.
        assert not any((tmp_path / name / "media").exists() for name in ("one", "two", "three"))
        [key] = upload_keys(preset.form.uploads)
        assert key.startswith("presets/") and two.storage.exists(key)

        assert two.delete(PIXVERSE, "Surf", owner=ANA.email, by=ANA)
        assert not storage_from(settings[2]).exists(key)  # the object only it used is gone from the bucket
        # Replica one still remembers the picture; saving it again stores it again, for every replica to read.
        one.save("Surf again", PIXVERSE, {"image_url": data_uri(photo)}, owner=ANA.email)
        assert storage_from(settings[2]).get_bytes(key) == photo
    finally:
        for store in stores:
            store.close()
