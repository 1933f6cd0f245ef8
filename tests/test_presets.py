"""Presets in the history's database (videostudio/workflows/presets.py) and as files to share
(videostudio/workflows/preset_files.py)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import jpeg_bytes, wav_bytes
from videostudio.catalogue import Catalogue, CatalogueError, Model
from videostudio.history.store import JobStore
from videostudio.storage.base import LocalFolderStorage
from videostudio.workflows.preset_files import FORMAT, export_file_name, export_presets, read_preset_file
from videostudio.workflows.presets import Incoming, NameTaken, PresetError, PresetStore, free_name

PIXVERSE = "pixverse/v5/image-to-video"
VIDEO01 = "video-01"


def find(catalogue: Catalogue):  # type: ignore[no-untyped-def]
    def model_or_none(model_id: str) -> Model | None:
        try:
            return catalogue.get(model_id)
        except CatalogueError:
            return None

    return model_or_none


def data_uri(data: bytes, mime: str = "image/jpeg") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def pixverse_values(photo: bytes, prompt: str = "A cat surfing") -> dict[str, object]:
    return {"image_url": data_uri(photo), "prompt": prompt, "resolution": "540p", "duration": 5}


def everything_in(presets: PresetStore) -> list[tuple[object, ...]]:
    """Every preset row and stored upload: what "changes nothing" compares."""
    with presets.store.engine.connect() as conn:
        rows = sorted(tuple(row) for row in conn.exec_driver_sql("SELECT * FROM presets"))
    folder = presets.storage.root  # type: ignore[attr-defined]
    return rows + [(str(p), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


@pytest.fixture
def make_presets(tmp_path: Path) -> Iterator[Callable[[Path], PresetStore]]:
    """Presets of a studio whose database and media live in a folder."""
    stores: list[JobStore] = []

    def make(folder: Path) -> PresetStore:
        stores.append(JobStore(f"sqlite:///{folder / 'history.sqlite3'}"))
        return PresetStore(stores[-1], LocalFolderStorage(folder / "media"))

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def presets(make_presets: Callable[[Path], PresetStore], tmp_path: Path) -> PresetStore:
    return make_presets(tmp_path)


# --- the store ------------------------------------------------------------------------------------------------------


def test_a_preset_keeps_the_form_and_its_upload(presets: PresetStore) -> None:
    photo = jpeg_bytes()
    presets.save("Surf", PIXVERSE, {"model": PIXVERSE, **pixverse_values(photo)}, {"image_url": "cat.jpg"})

    preset = presets.get(PIXVERSE, "surf")  # names are found whatever their case
    assert preset is not None and preset.name == "Surf" and preset.model_id == PIXVERSE
    assert preset.form.params["prompt"] == "A cat surfing" and preset.form.params["resolution"] == "540p"
    assert preset.form.inputs() == {"image_url": ("cat.jpg", photo, "image/jpeg")}
    values, names, missing = preset.form.request()
    assert values == pixverse_values(photo) and names == {"image_url": "cat.jpg"} and missing == []
    assert "base64" not in str(everything_in(presets)[0])  # the upload is stored apart from the row, once
    [stored] = (presets.storage.root / "presets").iterdir()  # type: ignore[attr-defined]
    assert stored.read_bytes() == photo


def test_presets_are_listed_per_model_and_all_together(presets: PresetStore) -> None:
    presets.save("b portrait", PIXVERSE, {"prompt": "one"})
    presets.save("A landscape", PIXVERSE, {"prompt": "two"})
    presets.save("Portrait", VIDEO01, {"prompt": "three"})  # the same name for another model is fine

    assert [p.name for p in presets.presets(PIXVERSE)] == ["A landscape", "b portrait"]
    assert [p.name for p in presets.presets(VIDEO01)] == ["Portrait"]
    assert len(presets.presets()) == 3


def test_a_taken_name_asks_before_replacing(presets: PresetStore) -> None:
    presets.save("Surf", PIXVERSE, {"prompt": "first"})
    with pytest.raises(NameTaken, match="already exists"):
        presets.save(" surf ", PIXVERSE, {"prompt": "second"})
    assert presets.get(PIXVERSE, "Surf").form.params["prompt"] == "first"

    presets.save("surf", PIXVERSE, {"prompt": "second"}, replace=True)
    [only] = presets.presets(PIXVERSE)
    assert only.name == "surf" and only.form.params["prompt"] == "second"


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_name_must_be_given_and_short(presets: PresetStore, name: str) -> None:
    with pytest.raises(PresetError):
        presets.save(name, PIXVERSE, {"prompt": "x"})
    assert presets.presets() == []


def test_rename(presets: PresetStore) -> None:
    photo = jpeg_bytes()
    presets.save("Surf", PIXVERSE, pixverse_values(photo), {"image_url": "cat.jpg"})
    presets.save("Beach", PIXVERSE, {"prompt": "sand"})

    presets.rename(PIXVERSE, "Surf", "Big waves")
    assert presets.get(PIXVERSE, "Surf") is None
    renamed = presets.get(PIXVERSE, "Big waves")
    assert renamed is not None and renamed.form.inputs()["image_url"][1] == photo
    with pytest.raises(PresetError, match="already exists"):
        presets.rename(PIXVERSE, "Big waves", "beach")
    with pytest.raises(PresetError, match="no preset"):
        presets.rename(PIXVERSE, "Surf", "Again")
    presets.rename(PIXVERSE, "Big waves", "BIG WAVES")  # a change of case alone
    assert [p.name for p in presets.presets(PIXVERSE)] == ["Beach", "BIG WAVES"]


def test_delete_removes_the_preset_and_the_uploads_only_it_used(presets: PresetStore) -> None:
    shared, own = jpeg_bytes(color=(1, 2, 3)), jpeg_bytes(color=(200, 10, 10))
    presets.save("Shared one", PIXVERSE, pixverse_values(shared))
    presets.save("Shared two", PIXVERSE, {**pixverse_values(shared), "prompt": "another"})
    presets.save("Own", PIXVERSE, pixverse_values(own))
    stored = presets.storage.root / "presets"  # type: ignore[attr-defined]
    files_before = set(stored.iterdir())

    assert presets.delete(PIXVERSE, "own")
    assert not presets.delete(PIXVERSE, "own")
    assert [p.name for p in presets.presets()] == ["Shared one", "Shared two"]
    assert len(files_before - set(stored.iterdir())) == 1  # its picture

    presets.delete(PIXVERSE, "Shared one")
    assert presets.get(PIXVERSE, "Shared two").form.inputs()["image_url"][1] == shared


def test_a_save_whose_upload_cannot_be_stored_changes_nothing(
    presets: PresetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    presets.save("Kept", PIXVERSE, {"prompt": "kept"})
    before = everything_in(presets)

    def full_disk(key: str, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(presets.storage, "put_bytes", full_disk)
    with pytest.raises(PresetError, match="could not store its uploads"):
        presets.save("Lost", PIXVERSE, pixverse_values(jpeg_bytes()))
    monkeypatch.undo()
    assert everything_in(presets) == before


def test_free_name() -> None:
    assert free_name("Surf", []) == "Surf"
    assert free_name("Surf", ["surf"]) == "Surf (2)"
    assert free_name("Surf", ["Surf", "Surf (2)"]) == "Surf (3)"


# --- export and import ----------------------------------------------------------------------------------------------


def test_export_is_self_contained_and_imports_back(
    make_presets: Callable[[Path], PresetStore], tmp_path: Path, catalogue: Catalogue
) -> None:
    presets = make_presets(tmp_path / "mine")
    photo = jpeg_bytes()
    presets.save("Surf", PIXVERSE, pixverse_values(photo), {"image_url": "cat.jpg"})
    exported = export_presets(presets.presets(PIXVERSE))
    document = json.loads(exported)
    assert document["format"] == FORMAT and document["version"] == 1
    [item] = document["presets"]
    assert item["model"] == PIXVERSE and item["values"]["image_url"] == data_uri(photo)
    assert export_file_name(presets.presets(PIXVERSE)) == "preset-surf.json"

    theirs = make_presets(tmp_path / "theirs")  # another studio: nothing of ours on its disk
    added = theirs.add_all(read_preset_file(exported, find(catalogue)))
    assert [p.name for p in added] == ["Surf"]
    values, names, _missing = theirs.get(PIXVERSE, "Surf").form.request()
    assert values == pixverse_values(photo) and names == {"image_url": "cat.jpg"}


def test_an_upload_list_whose_files_are_gone_is_left_out_of_the_export(
    presets: PresetStore, tmp_path: Path, catalogue: Catalogue
) -> None:
    seedance = "bytedance/seedance-2-0"  # image_urls: a list of at least one picture
    presets.save("Refs", seedance, {"prompt": "Waves", "image_urls": [data_uri(jpeg_bytes())]})
    for kept in (tmp_path / "media").rglob("*"):
        if kept.is_file():
            kept.unlink()  # the kept pictures are gone
    [item] = json.loads(export_presets(presets.presets(seedance)))["presets"]
    assert item["values"] == {"prompt": "Waves"}  # not "image_urls": [], which the model would refuse
    [incoming] = read_preset_file(export_presets(presets.presets(seedance)), find(catalogue))
    assert incoming.name == "Refs"


def test_importing_a_taken_name_adds_a_number(presets: PresetStore, catalogue: Catalogue) -> None:
    presets.save("Surf", PIXVERSE, {"prompt": "mine"})
    file = export_presets(presets.presets())
    added = presets.add_all(read_preset_file(file, find(catalogue)))
    added += presets.add_all(read_preset_file(file, find(catalogue)))
    assert [p.name for p in added] == ["Surf (2)", "Surf (3)"]
    assert presets.get(PIXVERSE, "Surf").form.params == {"prompt": "mine"}  # the original is untouched


def test_an_export_of_all_presets_holds_every_model(presets: PresetStore, catalogue: Catalogue) -> None:
    presets.save("One", PIXVERSE, {"prompt": "one"})
    presets.save("Two", VIDEO01, {"prompt": "two", "enhance_prompt": True})
    incoming = read_preset_file(export_presets(presets.presets()), find(catalogue))
    assert {(i.model_id, i.name) for i in incoming} == {(PIXVERSE, "One"), (VIDEO01, "Two")}


def _file(*presets: dict[str, object], **document: object) -> bytes:
    return json.dumps({"format": FORMAT, "version": 1, "presets": list(presets), **document}).encode()


def _preset(values: dict[str, object], model: str = PIXVERSE, name: str = "Shared") -> dict[str, object]:
    return {"name": name, "model": model, "values": values}


BAD_FILES = {
    "not JSON": (b"\x89PNG\r\n\x1a\n not a preset", "not JSON"),
    "another JSON": (json.dumps({"jobs": []}).encode(), "not a Video Studio preset file"),
    "newer version": (_file(_preset({"prompt": "x"}), version=2), "newer Video Studio"),
    "no presets": (_file(), "holds no presets"),
    "incomplete": (_file({"name": "Half"}), "incomplete"),
    "unknown model": (_file(_preset({"prompt": "x"}, model="acme/imaginary-video")), "does not know"),
    "unknown setting": (_file(_preset({"prompt": "x", "api_key": "sk-123"})), "does not have (api_key)"),
    "wrong value": (_file(_preset({"prompt": "x", "resolution": "8K"})), "Resolution: Pick one of"),
    "wrong type": (_file(_preset({"prompt": "x", "duration": "five"})), "Length"),
    "broken upload": (_file(_preset({"image_url": "data:image/jpeg;base64,@@@not base64@@@"})), "damaged"),
    "not a picture": (
        _file(_preset({"image_url": data_uri(b"Shopping list: milk, eggs")})),
        "Start image",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_gets_one_message_and_changes_nothing(presets: PresetStore, catalogue: Catalogue, case: str) -> None:
    presets.save("Surf", PIXVERSE, pixverse_values(jpeg_bytes()))
    before = everything_in(presets)
    data, message = BAD_FILES[case]

    with pytest.raises(PresetError, match=re.escape(message)):
        presets.add_all(read_preset_file(data, find(catalogue)))

    assert everything_in(presets) == before


def test_a_file_too_large_is_refused_before_it_is_read(presets: PresetStore, catalogue: Catalogue) -> None:
    file = _file(_preset({"prompt": "x" * 2000}))
    with pytest.raises(PresetError, match="too large"):
        presets.add_all(read_preset_file(file, find(catalogue), max_bytes=1000))
    assert presets.presets() == []


def test_one_bad_preset_stops_the_whole_file(presets: PresetStore, catalogue: Catalogue) -> None:
    file = _file(_preset({"prompt": "good"}, name="Good"), _preset({"prompt": "x", "seed": "abc"}, name="Bad"))
    with pytest.raises(PresetError, match="“Bad”"):
        presets.add_all(read_preset_file(file, find(catalogue)))
    assert presets.presets() == []


def test_an_audio_upload_round_trips(presets: PresetStore, catalogue: Catalogue) -> None:
    fabric = "veed/fabric-1.0"
    voice = wav_bytes(1.0)
    values = {"image_url": data_uri(jpeg_bytes()), "audio_url": data_uri(voice, "audio/wav"), "resolution": "480p"}
    presets.save("Talk", fabric, values, {"audio_url": "voice.wav"})
    [incoming] = read_preset_file(export_presets(presets.presets()), find(catalogue))
    assert incoming.values["audio_url"] == data_uri(voice, "audio/wav")
    assert incoming.upload_names["audio_url"] == "voice.wav"


def test_a_preset_may_leave_required_fields_empty(catalogue: Catalogue) -> None:
    # Settings without the prompt and the picture: a person fills those in each time.
    file = _file(_preset({"resolution": "540p", "duration": 5}))
    [incoming] = read_preset_file(file, find(catalogue))
    assert isinstance(incoming, Incoming) and incoming.values == {"resolution": "540p", "duration": 5}
