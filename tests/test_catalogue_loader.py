"""The loader's rules on small made-up documents: choosing, endpoints, problems, aliases, deprecation, caching."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from videostudio.catalogue import (
    Catalogue,
    CatalogueError,
    Model,
    Task,
    derive_tasks,
    infer_media,
    load_catalogue,
    load_model,
    normalize_schema,
)
from videostudio.catalogue import cache as catalogue_cache
from videostudio.catalogue.loader import name_match

UNIVERSAL = "/v2/video/generations"


def request(model_ids: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"model": {"type": "string", "enum": model_ids}, "prompt": {"type": "string"}, **properties},
        "required": ["model", "prompt"],
    }


def document(schema: dict[str, Any], path: str = UNIVERSAL, **extra: Any) -> dict[str, Any]:
    body = {"content": {"application/json": {"schema": schema}}}
    return {
        "openapi": "3.0.0",
        "info": {"title": "AIML API", "version": "1.0.0"},
        "paths": {path: {"post": {"requestBody": body, "responses": {}}}},
        **extra,
    }


def write(folder: Path, name: str, content: Any) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


# --- A request body of any valid shape -------------------------------------------------------------------------------


def test_a_request_body_that_is_a_ref_loads(tmp_path: Path) -> None:
    doc = document({"$ref": "#/components/schemas/Request"})
    doc["components"] = {
        "schemas": {
            "Request": {"allOf": [{"$ref": "#/components/schemas/Common"}, request(["acme/ref-1"])]},
            "Common": {"type": "object", "properties": {"seed": {"type": "integer", "exclusiveMinimum": 0}}},
        }
    }
    write(tmp_path, "acme/ref-1.json", doc)
    catalogue = load_catalogue(tmp_path)
    assert catalogue.problems == []
    model = catalogue.get("acme/ref-1")
    assert set(model.properties) == {"model", "prompt", "seed"}
    assert model.properties["seed"]["exclusiveMinimum"] == 0
    assert model.required == {"model", "prompt"}


def test_a_request_body_object_that_is_a_ref_loads(tmp_path: Path) -> None:
    doc = document(request(["acme/x"]))
    body = doc["paths"][UNIVERSAL]["post"]["requestBody"]
    doc["paths"][UNIVERSAL]["post"]["requestBody"] = {"$ref": "#/components/requestBodies/Submit"}
    doc["components"] = {"requestBodies": {"Submit": body}}
    assert load_model(write(tmp_path, "x.json", doc)).id == "acme/x"


# --- One unreadable file takes nothing down --------------------------------------------------------------------------


def test_unreadable_files_are_skipped_and_listed_while_the_rest_loads(tmp_path: Path) -> None:
    write(tmp_path, "good.json", document(request(["acme/good"])))
    write(tmp_path, "Vendor/truncated.json", '{"openapi": "3.0.0", "paths": {')
    write(tmp_path, "Vendor/list.json", "[1, 2]")
    write(tmp_path, "Vendor/dangling-ref.json", document({"$ref": "#/components/schemas/Nope"}))
    write(tmp_path, "Vendor/get-only.json", {"openapi": "3.0.0", "paths": {UNIVERSAL: {"get": {}}}})
    write(tmp_path, "studio.json", {"id": "x", "schema": {"type": "object", "properties": []}})
    (tmp_path / "not-utf8.json").write_bytes(b"\xff\xfe\x00{")

    catalogue = load_catalogue(tmp_path)

    assert catalogue.ids() == ["acme/good"]
    reasons = dict(catalogue.problems)
    assert set(reasons) == {
        "Vendor/truncated.json",
        "Vendor/list.json",
        "Vendor/dangling-ref.json",
        "Vendor/get-only.json",
        "studio.json",
        "not-utf8.json",
    }
    assert reasons["Vendor/truncated.json"].startswith("not a readable JSON file")
    assert "points at nothing" in reasons["Vendor/dangling-ref.json"]
    assert "no POST operation" in reasons["Vendor/get-only.json"]
    assert all("Traceback" not in r for r in reasons.values())


def test_load_model_still_raises_for_a_single_bad_file(tmp_path: Path) -> None:
    path = write(tmp_path, "dangling.json", document({"$ref": "#/components/schemas/Nope"}))
    with pytest.raises(CatalogueError, match="dangling.json"):
        load_model(path)


# --- One document, several ids; where it is sent ---------------------------------------------------------------------


def test_one_document_several_ids_gives_one_narrowed_model_each(tmp_path: Path) -> None:
    schema = request(["acme/a", "acme/b"])
    schema["title"] = "acme/a"
    write(tmp_path, "both.json", document(schema, path="/v2/generate/video/acme/generation"))
    catalogue = load_catalogue(tmp_path)
    a, b = catalogue.get("acme/a"), catalogue.get("acme/b")
    assert a.properties["model"]["enum"] == ["acme/a"]
    assert b.properties["model"]["enum"] == ["acme/b"]
    assert (a.schema["title"], b.schema["title"]) == ("acme/a", "acme/b")
    assert a.endpoint == b.endpoint == "/v2/generate/video/acme/generation"


def test_a_document_with_the_universal_path_is_sent_there_even_with_others(tmp_path: Path) -> None:
    doc = document(request(["acme/u"]), path="/v2/generate/video/acme/generation")
    doc["paths"][UNIVERSAL] = doc["paths"]["/v2/generate/video/acme/generation"]
    assert load_model(write(tmp_path, "u.json", doc)).endpoint == UNIVERSAL


# --- Several documents, one id ---------------------------------------------------------------------------------------


def chosen(tmp_path: Path, files: dict[str, dict[str, Any]]) -> str:
    for name, content in files.items():
        write(tmp_path, name, content)
    (model,) = load_catalogue(tmp_path)
    return model.source


def test_the_universal_path_wins_over_a_richer_vendor_path_document(tmp_path: Path) -> None:
    rich = document(request(["acme/m"], a={}, b={}, c={}), path="/v2/generate/video/acme/generation")
    assert chosen(tmp_path, {"a-rich.json": rich, "z-plain.json": document(request(["acme/m"]))}) == "z-plain.json"


def test_then_the_most_properties(tmp_path: Path) -> None:
    files = {"acme-m.json": document(request(["acme/m"])), "zz.json": document(request(["acme/m"], seed={}))}
    assert chosen(tmp_path, files) == "zz.json"


@pytest.mark.parametrize(
    ("names", "winner"),
    [
        (["m.json", "acme-m.json"], "acme-m.json"),  # the whole id beats its end
        (["m-fast.json", "m.json"], "m.json"),  # the id's end beats another name (fabric-1.0-fast.json)
        (["b/M.JSON.json", "a/other.json"], "b/M.JSON.json"),
    ],
)
def test_then_the_file_named_like_the_id_whatever_the_file_order(tmp_path: Path, names: list[str], winner: str) -> None:
    model_id = "acme/m" if "M.JSON.json" not in winner else "acme/m.json"
    files = {name: document(request([model_id])) for name in names}
    assert chosen(tmp_path, files) == winner


def test_then_the_longer_schema(tmp_path: Path) -> None:
    described = request(["acme/m"])
    described["properties"]["prompt"]["description"] = "What to show."
    assert chosen(tmp_path, {"a.json": document(request(["acme/m"])), "b.json": document(described)}) == "b.json"


def test_a_studio_file_wins_over_every_document(tmp_path: Path) -> None:
    studio = {"id": "acme/m", "name": "Hand-made", "vendor": "Acme", "summary": "s", "schema": request(["acme/m"])}
    files = {"acme-m.json": document(request(["acme/m"], a={}, b={})), "studio.json": studio}
    assert chosen(tmp_path, files) == "studio.json"


@pytest.mark.parametrize(
    ("model_id", "stem", "match"),
    [
        ("veed/fabric-1.0", "fabric-1.0", 1),
        ("veed/fabric-1.0", "fabric-1.0-fast", 0),
        ("alibaba/wan-2-6-t2v", "alibaba-wan-2-6-t2v", 2),
        ("alibaba/wan-2-6-t2v", "wan2.6-t2v", 0),
        ("kling-video/v1.5/standard/image-to-video", "v1.5-standard-image-to-video", 1),
        ("kling-video/v1.5/standard/image-to-video", "v1.5-standard-text-to-video", 0),
        ("veo2", "Veo2", 2),
    ],
)
def test_name_match(model_id: str, stem: str, match: int) -> None:
    assert name_match(model_id, stem) == match


# --- Aliases and deprecation -----------------------------------------------------------------------------------------


def model(model_id: str, **fields: Any) -> Model:
    return Model(id=model_id, name=model_id, vendor="v", summary="", schema={}, **fields)


def test_get_matches_ids_and_aliases_case_insensitively() -> None:
    catalogue = Catalogue(
        [
            model("google/veo-2.0-generate-001", aliases=("veo-2.0-generate-001",)),
            model("acme/one", aliases=("acme/two",)),
            model("acme/two"),  # an alias never hides another model's own id
        ]
    )
    assert catalogue.get("VEO-2.0-Generate-001").id == "google/veo-2.0-generate-001"
    assert catalogue.get("Google/Veo-2.0-Generate-001").id == "google/veo-2.0-generate-001"
    assert catalogue.get("acme/two").id == "acme/two"
    assert "veo-2.0-GENERATE-001" in catalogue
    assert "nope" not in catalogue and 5 not in catalogue
    with pytest.raises(CatalogueError, match="nope"):
        catalogue.get("nope")


def test_visible_leaves_out_deprecated_models_unless_asked() -> None:
    catalogue = Catalogue([model("a"), model("b", deprecated=True), model("c")])
    assert [m.id for m in catalogue.visible()] == ["a", "c"]
    assert [m.id for m in catalogue.visible(include_deprecated=True)] == ["a", "b", "c"]
    assert catalogue.get("b").deprecated
    assert len(catalogue) == 3


def test_the_deprecated_list_marks_a_model_by_id_in_any_case(tmp_path: Path) -> None:
    write(tmp_path, "a.json", document(request(["ByteDance/Seedance-1-0-Lite-I2V"])))
    write(tmp_path, "b.json", document(request(["bytedance/seedance-1-0-pro-i2v"])))
    catalogue = load_catalogue(tmp_path)
    assert catalogue.get("bytedance/seedance-1-0-lite-i2v").deprecated
    assert not catalogue.get("bytedance/seedance-1-0-pro-i2v").deprecated


# --- Tasks, rule by rule ---------------------------------------------------------------------------------------------


URI = {"type": "string", "format": "uri"}
URIS = {"type": "array", "items": URI}


@pytest.mark.parametrize(
    ("model_id", "properties", "required", "tasks"),
    [
        ("a/t2v", {}, [], {Task.TEXT}),
        ("a/x", {"image_url": URI}, [], {Task.TEXT, Task.IMAGE}),  # prompt-only is possible
        ("a/x", {"image_url": URI}, ["image_url"], {Task.IMAGE}),
        ("a/x", {"first_frame_image": URI, "end_image_url": URI}, ["first_frame_image"], {Task.IMAGE, Task.FIRST_LAST}),
        ("a/x", {"image_urls": URIS}, ["image_urls"], {Task.REFERENCE}),
        ("a/x", {"reference_image_url": URI}, ["reference_image_url"], {Task.REFERENCE}),
        ("a/x", {"video_url": URI, "image_url": URI}, ["video_url"], {Task.EDIT}),
        ("a/video-extend", {"video_url": URI}, ["video_url"], {Task.EXTEND}),
        ("a/x", {"image_url": URI, "audio_url": URI}, ["image_url", "audio_url"], {Task.AVATAR}),
        (
            "a/x",
            {"image_url": URI, "lip_sync_tts_content": {"type": "string"}},
            ["image_url"],
            {Task.IMAGE, Task.AVATAR},
        ),
        ("a/x-motion-control", {"image_url": URI, "video_url": URI}, ["image_url", "video_url"], {Task.MOTION}),
        ("a/foley", {"video_url": URI}, ["video_url"], {Task.SOUND}),
        ("a/mask-only", {"static_mask": {"type": "string"}}, ["static_mask"], {Task.TEXT}),  # nothing fits: text
    ],
)
def test_task_rules(model_id: str, properties: dict[str, Any], required: list[str], tasks: set[Task]) -> None:
    schema = normalize_schema(
        {"type": "object", "properties": {"prompt": {"type": "string"}, **properties}, "required": required}
    )
    assert derive_tasks(model_id, schema, infer_media(schema)) == frozenset(tasks)


# --- Caching ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIDEO_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(catalogue_cache, "_memory", {})
    return tmp_path / "home" / "cache"


def test_the_catalogue_is_built_once_then_read_from_memory_then_from_disk(cache_home: Path) -> None:
    builds: list[int] = []

    def build() -> Catalogue:
        builds.append(1)
        return Catalogue([model("acme/a")])

    first = catalogue_cache.cached("k1", build)
    assert catalogue_cache.cached("k1", build) is first  # memory
    assert [p.name for p in cache_home.iterdir()] == ["catalogue-k1.pickle"]
    catalogue_cache._memory.clear()  # a new process
    from_disk = catalogue_cache.cached("k1", build)
    assert from_disk.ids() == ["acme/a"] and from_disk is not first
    assert len(builds) == 1
    catalogue_cache.cached("k2", build)  # another key: built again, and the old copy removed
    assert len(builds) == 2
    assert [p.name for p in cache_home.iterdir()] == ["catalogue-k2.pickle"]


def test_a_damaged_cache_file_is_ignored_and_rebuilt(cache_home: Path) -> None:
    cache_home.mkdir(parents=True)
    (cache_home / "catalogue-k1.pickle").write_bytes(b"not a pickle")
    assert catalogue_cache.cached("k1", lambda: Catalogue([model("acme/a")])).ids() == ["acme/a"]


def test_an_unwritable_cache_folder_does_not_stop_the_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("VIDEO_STUDIO_HOME", str(blocker))
    monkeypatch.setattr(catalogue_cache, "_memory", {})
    assert catalogue_cache.cached("k1", lambda: Catalogue([model("acme/a")])).ids() == ["acme/a"]


def test_the_fingerprint_changes_when_a_file_changes(tmp_path: Path) -> None:
    write(tmp_path, "a.json", "{}")
    before = catalogue_cache.fingerprint(catalogue_cache.json_files(tmp_path))
    write(tmp_path, "a.json", '{"x": 1}')
    resized = catalogue_cache.fingerprint(catalogue_cache.json_files(tmp_path))
    os.utime(tmp_path / "a.json", ns=(1, 1))
    touched = catalogue_cache.fingerprint(catalogue_cache.json_files(tmp_path))
    write(tmp_path, "sub/b.json", "{}")
    added = catalogue_cache.fingerprint(catalogue_cache.json_files(tmp_path))
    assert len({before, resized, touched, added}) == 4


def test_the_default_catalogue_is_cached_on_disk_and_reused(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_catalogue()
    assert load_catalogue() is first
    assert len(list(cache_home.glob("catalogue-*.pickle"))) == 1
    catalogue_cache._memory.clear()

    def no_build(*_: Any) -> Catalogue:
        raise AssertionError("built again although the disk copy is current")

    monkeypatch.setattr("videostudio.catalogue.loader.build_catalogue", no_build)
    again = load_catalogue()
    assert again.ids() == first.ids()
    assert again.get("veed/fabric-1.0").audio_rules == first.get("veed/fabric-1.0").audio_rules
