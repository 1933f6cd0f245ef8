"""Presets on disk (videostudio/workflows/presets.py) and as files to share (videostudio/workflows/preset_files.py)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from tests.conftest import jpeg_bytes, wav_bytes
from videostudio.catalogue import Catalogue, CatalogueError, Model
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


def everything_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: what "changes nothing" compares."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the store ------------------------------------------------------------------------------------------------------


def test_a_preset_keeps_the_form_and_its_upload(tmp_path: Path) -> None:
    presets = PresetStore(tmp_path)
    photo = jpeg_bytes()
    presets.save("Surf", PIXVERSE, {"model": PIXVERSE, **pixverse_values(photo)}, {"image_url": "cat.jpg"})

    preset = presets.get(PIXVERSE, "surf")  # names are found whatever their case
    assert preset is not None and preset.name == "Surf" and preset.model_id == PIXVERSE
    assert preset.form.params["prompt"] == "A cat surfing" and preset.form.params["resolution"] == "540p"
    assert preset.form.inputs() == {"image_url": ("cat.jpg", photo, "image/jpeg")}
    values, names, missing = preset.form.request()
    assert values == pixverse_values(photo) and names == {"image_url": "cat.jpg"} and missing == []
    assert "base64" not in (tmp_path / "presets.json").read_text()  # the upload is a file of its own


def test_presets_are_listed_per_model_and_all_together(tmp_path: Path) -> None:
    presets = PresetStore(tmp_path)
    presets.save("b portrait", PIXVERSE, {"prompt": "one"})
    presets.save("A landscape", PIXVERSE, {"prompt": "two"})
    presets.save("Portrait", VIDEO01, {"prompt": "three"})  # the same name for another model is fine

    assert [p.name for p in presets.presets(PIXVERSE)] == ["A landscape", "b portrait"]
    assert [p.name for p in presets.presets(VIDEO01)] == ["Portrait"]
    assert len(presets.presets()) == 3


def test_a_taken_name_asks_before_replacing(tmp_path: Path) -> None:
    presets = PresetStore(tmp_path)
    presets.save("Surf", PIXVERSE, {"prompt": "first"})
    with pytest.raises(NameTaken, match="already exists"):
        presets.save(" surf ", PIXVERSE, {"prompt": "second"})
    assert presets.get(PIXVERSE, "Surf").form.params["prompt"] == "first"

    presets.save("surf", PIXVERSE, {"prompt": "second"}, replace=True)
    [only] = presets.presets(PIXVERSE)
    assert only.name == "surf" and only.form.params["prompt"] == "second"


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_name_must_be_given_and_short(tmp_path: Path, name: str) -> None:
    with pytest.raises(PresetError):
        PresetStore(tmp_path).save(name, PIXVERSE, {"prompt": "x"})
    assert PresetStore(tmp_path).presets() == []


def test_rename(tmp_path: Path) -> None:
    presets = PresetStore(tmp_path)
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


def test_delete_removes_the_preset_and_the_uploads_only_it_used(tmp_path: Path) -> None:
    presets = PresetStore(tmp_path)
    shared, own = jpeg_bytes(color=(1, 2, 3)), jpeg_bytes(color=(200, 10, 10))
    presets.save("Shared one", PIXVERSE, pixverse_values(shared))
    presets.save("Shared two", PIXVERSE, {**pixverse_values(shared), "prompt": "another"})
    presets.save("Own", PIXVERSE, pixverse_values(own))
    files_before = set((tmp_path / "inputs").iterdir())

    assert presets.delete(PIXVERSE, "own")
    assert not presets.delete(PIXVERSE, "own")
    assert [p.name for p in presets.presets()] == ["Shared one", "Shared two"]
    assert len(files_before - set((tmp_path / "inputs").iterdir())) == 2  # its manifest and its picture

    presets.delete(PIXVERSE, "Shared one")
    assert presets.get(PIXVERSE, "Shared two").form.inputs()["image_url"][1] == shared


def test_writes_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    presets = PresetStore(tmp_path)
    presets.save("Kept", PIXVERSE, {"prompt": "kept"})
    before = (tmp_path / "presets.json").read_bytes()

    def full_disk(self: Path, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(PresetError, match="disk refused"):
        presets.save("Lost", PIXVERSE, {"prompt": "lost"})
    monkeypatch.undo()
    # The index is whole and as before, and no temporary file is left beside it.
    assert (tmp_path / "presets.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["presets.json"]


def test_a_damaged_index_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "presets.json").write_text("{ half a file")
    presets = PresetStore(tmp_path)
    assert presets.presets() == []
    with pytest.raises(PresetError, match="cannot be read"):
        presets.save("New", PIXVERSE, {"prompt": "x"})
    assert (tmp_path / "presets.json").read_text() == "{ half a file"


def test_free_name() -> None:
    assert free_name("Surf", []) == "Surf"
    assert free_name("Surf", ["surf"]) == "Surf (2)"
    assert free_name("Surf", ["Surf", "Surf (2)"]) == "Surf (3)"


# --- export and import ----------------------------------------------------------------------------------------------


def test_export_is_self_contained_and_imports_back(tmp_path: Path, catalogue: Catalogue) -> None:
    presets = PresetStore(tmp_path / "mine")
    photo = jpeg_bytes()
    presets.save("Surf", PIXVERSE, pixverse_values(photo), {"image_url": "cat.jpg"})
    exported = export_presets(presets.presets(PIXVERSE))
    document = json.loads(exported)
    assert document["format"] == FORMAT and document["version"] == 1
    [item] = document["presets"]
    assert item["model"] == PIXVERSE and item["values"]["image_url"] == data_uri(photo)
    assert export_file_name(presets.presets(PIXVERSE)) == "preset-surf.json"

    theirs = PresetStore(tmp_path / "theirs")  # another studio: nothing of ours on its disk
    added = theirs.add_all(read_preset_file(exported, find(catalogue)))
    assert [p.name for p in added] == ["Surf"]
    values, names, _missing = theirs.get(PIXVERSE, "Surf").form.request()
    assert values == pixverse_values(photo) and names == {"image_url": "cat.jpg"}


def test_an_upload_list_whose_files_are_gone_is_left_out_of_the_export(tmp_path: Path, catalogue: Catalogue) -> None:
    seedance = "bytedance/seedance-2-0"  # image_urls: a list of at least one picture
    presets = PresetStore(tmp_path / "mine")
    presets.save("Refs", seedance, {"prompt": "Waves", "image_urls": [data_uri(jpeg_bytes())]})
    for kept in (tmp_path / "mine").rglob("*"):
        if kept.is_file() and kept.name != "presets.json":
            kept.unlink()  # the kept pictures are gone
    [item] = json.loads(export_presets(presets.presets(seedance)))["presets"]
    assert item["values"] == {"prompt": "Waves"}  # not "image_urls": [], which the model would refuse
    [incoming] = read_preset_file(export_presets(presets.presets(seedance)), find(catalogue))
    assert incoming.name == "Refs"


def test_importing_a_taken_name_adds_a_number(tmp_path: Path, catalogue: Catalogue) -> None:
    presets = PresetStore(tmp_path)
    presets.save("Surf", PIXVERSE, {"prompt": "mine"})
    file = export_presets(presets.presets())
    added = presets.add_all(read_preset_file(file, find(catalogue)))
    added += presets.add_all(read_preset_file(file, find(catalogue)))
    assert [p.name for p in added] == ["Surf (2)", "Surf (3)"]
    assert presets.get(PIXVERSE, "Surf").form.params == {"prompt": "mine"}  # the original is untouched


def test_an_export_of_all_presets_holds_every_model(tmp_path: Path, catalogue: Catalogue) -> None:
    presets = PresetStore(tmp_path)
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
def test_a_bad_file_gets_one_message_and_changes_nothing(tmp_path: Path, catalogue: Catalogue, case: str) -> None:
    presets = PresetStore(tmp_path)
    presets.save("Surf", PIXVERSE, pixverse_values(jpeg_bytes()))
    before = everything_in(tmp_path)
    data, message = BAD_FILES[case]

    with pytest.raises(PresetError, match=re.escape(message)):
        presets.add_all(read_preset_file(data, find(catalogue)))

    assert everything_in(tmp_path) == before


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path, catalogue: Catalogue) -> None:
    presets = PresetStore(tmp_path)
    file = _file(_preset({"prompt": "x" * 2000}))
    with pytest.raises(PresetError, match="too large"):
        presets.add_all(read_preset_file(file, find(catalogue), max_bytes=1000))
    assert presets.presets() == []


def test_one_bad_preset_stops_the_whole_file(tmp_path: Path, catalogue: Catalogue) -> None:
    presets = PresetStore(tmp_path)
    file = _file(_preset({"prompt": "good"}, name="Good"), _preset({"prompt": "x", "seed": "abc"}, name="Bad"))
    with pytest.raises(PresetError, match="“Bad”"):
        presets.add_all(read_preset_file(file, find(catalogue)))
    assert presets.presets() == []


def test_an_audio_upload_round_trips(tmp_path: Path, catalogue: Catalogue) -> None:
    fabric = "veed/fabric-1.0"
    presets = PresetStore(tmp_path)
    voice = wav_bytes(1.0)
    values = {"image_url": data_uri(jpeg_bytes()), "audio_url": data_uri(voice, "audio/wav"), "resolution": "480p"}
    presets.save("Talk", fabric, values, {"audio_url": "voice.wav"})
    [incoming] = read_preset_file(export_presets(presets.presets()), find(catalogue))
    assert incoming.values["audio_url"] == data_uri(voice, "audio/wav")
    assert incoming.upload_names["audio_url"] == "voice.wav"


def test_a_preset_may_leave_required_fields_empty(tmp_path: Path, catalogue: Catalogue) -> None:
    # Settings without the prompt and the picture: a person fills those in each time.
    file = _file(_preset({"resolution": "540p", "duration": 5}))
    [incoming] = read_preset_file(file, find(catalogue))
    assert isinstance(incoming, Incoming) and incoming.values == {"resolution": "540p", "duration": 5}
