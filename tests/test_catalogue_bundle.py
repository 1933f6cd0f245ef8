"""The bundled catalogue: every official video-model document loads, and the catalogue is the API's 143 ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from videostudio.api.contract import GENERATIONS_PATH
from videostudio.catalogue import (
    MODELS_DIR,
    OPENAPI_DIR,
    Catalogue,
    Task,
    load_catalogue,
    load_model,
    models_from_openapi,
)
from videostudio.catalogue.loader import candidates_from_file

# The fact sheet's list of video-model ids (api_contract.md §1e: 143 unique ``model`` enum values), by vendor.
FACT_SHEET_IDS: dict[str, tuple[str, ...]] = {
    "Alibaba": (
        "alibaba/happyhorse-1-0",
        "alibaba/happyhorse-1.1",
        "alibaba/wan-2-6-i2v",
        "alibaba/wan-2-6-image-to-video-flash",
        "alibaba/wan-2-6-r2v",
        "alibaba/wan-2-6-t2v",
        "alibaba/wan-2-7-i2v",
        "alibaba/wan-2-7-r2v",
        "alibaba/wan-2-7-t2v",
        "alibaba/wan2.1-t2v-plus",
        "alibaba/wan2.1-t2v-turbo",
        "alibaba/wan2.2-14b-animate-move",
        "alibaba/wan2.2-14b-animate-replace",
        "alibaba/wan2.2-i2v-plus",
        "alibaba/wan2.2-t2v-plus",
        "alibaba/wan2.2-vace-fun-a14b-depth",
        "alibaba/wan2.2-vace-fun-a14b-inpainting",
        "alibaba/wan2.2-vace-fun-a14b-outpainting",
        "alibaba/wan2.2-vace-fun-a14b-pose",
        "alibaba/wan2.2-vace-fun-a14b-reframe",
        "alibaba/wan2.5-i2v-preview",
        "alibaba/wan2.5-t2v-preview",
        "wan/v2.1/1.3b/text-to-video",
    ),
    "Beeble": ("beeble/switchx-video-to-video",),
    "Black Forest Labs": (
        "blackforestlabs/flux-3-video-draft-i2v",
        "blackforestlabs/flux-3-video-draft-t2v",
        "blackforestlabs/flux-3-video-draft-v2v",
        "blackforestlabs/flux-3-video-i2v",
        "blackforestlabs/flux-3-video-t2v",
        "blackforestlabs/flux-3-video-v2v",
    ),
    "ByteDance": (
        "bytedance/dreamina-seedance-2-0-mini",
        "bytedance/dreamina-seedance-2-5",
        "bytedance/omnihuman",
        "bytedance/omnihuman/v1.5",
        "bytedance/seedance-1-0-lite-i2v",
        "bytedance/seedance-1-0-lite-t2v",
        "bytedance/seedance-1-0-pro-fast",
        "bytedance/seedance-1-0-pro-i2v",
        "bytedance/seedance-1-0-pro-t2v",
        "bytedance/seedance-1-5-pro",
        "bytedance/seedance-2-0",
        "bytedance/seedance-2-0-fast",
        "bytedance/seedance-2-5",
    ),
    "Google": (
        "google/gemini-omni-flash-preview",
        "google/veo-3-1-lite-generate-preview",
        "google/veo-3.0-fast",
        "google/veo-3.0-i2v",
        "google/veo-3.0-i2v-fast",
        "google/veo-3.1-first-last-image-to-video",
        "google/veo-3.1-first-last-image-to-video-fast",
        "google/veo-3.1-i2v",
        "google/veo-3.1-i2v-fast",
        "google/veo-3.1-reference-to-video",
        "google/veo-3.1-t2v",
        "google/veo-3.1-t2v-fast",
        "google/veo3",
        "google/veo3-1-extend-video",
        "google/veo3-1-fast-extend-video",
        "veo-3.1-lite-generate-001",
        "veo2",
        "veo2/image-to-video",
    ),
    "Kling AI": (
        "kling-video/v1/standard/image-to-video",
        "kling-video/v1/standard/text-to-video",
        "kling-video/v1/pro/image-to-video",
        "kling-video/v1/pro/text-to-video",
        "kling-video/v1.5/standard/image-to-video",
        "kling-video/v1.5/pro/image-to-video",
        "kling-video/v1.5/pro/text-to-video",
        "kling-video/v1.6/standard/image-to-video",
        "kling-video/v1.6/standard/multi-image-to-video",
        "kling-video/v1.6/standard/text-to-video",
        "kling-video/v1.6/pro/image-to-video",
        "kling-video/v1.6/pro/text-to-video",
        "kling-video/v2.1/standard/image-to-video",
        "kling-video/v2.1/pro/image-to-video",
        "klingai/avatar-standard",
        "klingai/avatar-pro",
        "klingai/kling-video-v1.6-standard-effects",
        "klingai/kling-video-v1.6-pro-effects",
        "klingai/v2-master-image-to-video",
        "klingai/v2-master-text-to-video",
        "klingai/v2.1-master-image-to-video",
        "klingai/v2.1-master-text-to-video",
        "klingai/v2.5-turbo/pro/image-to-video",
        "klingai/v2.5-turbo/pro/text-to-video",
        "klingai/video-o1-image-to-video",
        "klingai/video-o1-reference-to-video",
        "klingai/video-o1-video-to-video-edit",
        "klingai/video-o1-video-to-video-reference",
        "klingai/video-v2-6-motion-control",
        "klingai/video-v2-6-pro-image-to-video",
        "klingai/video-v2-6-pro-text-to-video",
        "klingai/video-v3-motion-control",
        "klingai/video-v3-omni-1080p-image-to-video",
        "klingai/video-v3-omni-1080p-text-to-video",
        "klingai/video-v3-omni-720p-image-to-video",
        "klingai/video-v3-omni-720p-text-to-video",
        "klingai/video-v3-pro-image-to-video",
        "klingai/video-v3-pro-text-to-video",
        "klingai/video-v3-standard-image-to-video",
        "klingai/video-v3-standard-text-to-video",
        "klingai/video-v3-standard-turbo-image-to-video",
        "klingai/video-v3-standard-turbo-text-to-video",
        "klingai/video-v3-turbo-pro-image-to-video",
        "klingai/video-v3-turbo-pro-text-to-video",
    ),
    "Krea": (
        "krea/krea-wan-14b/text-to-video",
        "krea/krea-wan-14b/video-to-video",
    ),
    "LTXV": (
        "ltxv/ltxv-2",
        "ltxv/ltxv-2-fast",
    ),
    "Luma AI": (
        "luma/ray-1-6",
        "luma/ray-2",
        "luma/ray-3.2",
        "luma/ray-flash-2",
    ),
    "Magic": (
        "magic/image-to-video",
        "magic/text-to-video",
        "magic/video-to-video",
    ),
    "MiniMax": (
        "video-01",
        "video-01-live2d",
        "minimax/hailuo-02",
        "minimax/hailuo-2.3",
        "minimax/hailuo-2.3-fast",
        "minimax/h3",
    ),
    "OpenAI": (
        "openai/sora-2-t2v",
        "openai/sora-2-i2v",
        "openai/sora-2-pro-t2v",
        "openai/sora-2-pro-i2v",
    ),
    "PixVerse": (
        "pixverse/v5/image-to-video",
        "pixverse/v5/text-to-video",
        "pixverse/v5/transition",
        "pixverse/v5.5/image-to-video",
        "pixverse/v5.5/text-to-video",
        "pixverse/lip-sync",
    ),
    "Runway": (
        "gen3a_turbo",
        "runway/gen4_turbo",
        "runway/gen4_aleph",
        "runway/act_two",
        "runway-gen3/turbo/image-to-video",
    ),
    "Sber AI": (
        "sber-ai/kandinsky5-t2v",
        "sber-ai/kandinsky5-distill-t2v",
    ),
    "Tencent": ("tencent/hunyuan-video-foley",),
    "VEED": ("veed/fabric-1.0",),
    "xAI": (
        "x-ai/grok-imagine-video",
        "x-ai/grok-imagine-video-1.5-preview",
    ),
}
ALL_IDS = {model_id for ids in FACT_SHEET_IDS.values() for model_id in ids}
DOCUMENTS = sorted(p.relative_to(OPENAPI_DIR).as_posix() for p in OPENAPI_DIR.rglob("*.json"))
REFERENCE_DOCUMENTS = Path("/work/shared/reference/openapi/video-models")


def test_the_fact_sheet_list_has_143_ids() -> None:
    assert sum(len(ids) for ids in FACT_SHEET_IDS.values()) == len(ALL_IDS) == 143


def test_the_catalogue_is_exactly_the_143_ids_and_nothing_is_unreadable(catalogue: Catalogue) -> None:
    assert catalogue.problems == []
    assert set(catalogue.ids()) == ALL_IDS
    assert len(catalogue) == 143


def test_all_156_documents_are_bundled() -> None:
    assert len(DOCUMENTS) == 156
    # Case-duplicate folders stay apart under names that no case-insensitive filesystem merges.
    folders = {d.split("/")[0] for d in DOCUMENTS}
    assert len({f.casefold() for f in folders}) == len(folders)
    assert {"Kling-AI", "kling-ai-2", "kling", "ByteDance", "bytedance-2"} <= folders


def test_the_bundle_is_small() -> None:
    size = sum(p.stat().st_size for p in OPENAPI_DIR.rglob("*.json"))
    assert size < 1_500_000, f"the bundle is {size:,} bytes"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_bundled_document_loads_with_a_valid_schema(document: str) -> None:
    candidates = candidates_from_file(OPENAPI_DIR / document, f"openapi/{document}")
    assert candidates
    for candidate in candidates:
        model = candidate.model
        Draft202012Validator.check_schema(model.schema)
        assert model.properties["model"]["enum"] == [model.id]
        assert model.id in ALL_IDS
        assert model.tasks, model.id


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_bundled_document_keeps_the_official_request_schema(document: str) -> None:
    official = REFERENCE_DOCUMENTS / document.replace("kling-ai-2/", "kling-ai/").replace("bytedance-2/", "bytedance/")
    if not official.is_file():
        pytest.skip(f"reference document {official} is not present on this machine")
    ours = json.loads((OPENAPI_DIR / document).read_text(encoding="utf-8"))
    theirs = json.loads(official.read_text(encoding="utf-8"))
    for path, item in ours["paths"].items():
        assert item["post"] == theirs["paths"][path]["post"]  # trimming only drops what the operation does not use


def test_every_model_has_a_task_a_vendor_a_name_and_a_summary(catalogue: Catalogue) -> None:
    vendor_by_id = {model_id: vendor for vendor, ids in FACT_SHEET_IDS.items() for model_id in ids}
    for model in catalogue:
        assert model.tasks, model.id
        assert model.vendor == vendor_by_id[model.id], model.id
        assert model.name and model.name != "AIML API", model.id
        assert model.summary and "\n" not in model.summary and "`" not in model.summary, model.id
        assert 30 <= model.typical_seconds <= 600, model.id
        assert model.output_seconds > 0 and model.output_short_side >= 240, model.id


@pytest.mark.parametrize(
    ("model_id", "tasks"),
    [
        ("google/veo-3.1-t2v", {Task.TEXT}),
        ("google/veo-3.1-i2v", {Task.IMAGE}),
        ("google/veo-3.1-first-last-image-to-video", {Task.IMAGE, Task.FIRST_LAST}),
        ("google/veo-3.1-reference-to-video", {Task.REFERENCE}),
        ("google/veo3-1-extend-video", {Task.EXTEND}),
        ("kling-video/v1.6/standard/multi-image-to-video", {Task.REFERENCE}),
        ("video-01", {Task.TEXT, Task.IMAGE}),
        ("kling-video/v1/standard/image-to-video", {Task.IMAGE, Task.FIRST_LAST}),
        ("runway/gen4_aleph", {Task.EDIT, Task.REFERENCE}),
        ("krea/krea-wan-14b/video-to-video", {Task.EDIT}),
        ("magic/video-to-video", {Task.EDIT}),
        ("alibaba/wan2.2-vace-fun-a14b-depth", {Task.EDIT}),
        ("alibaba/wan-2-6-r2v", {Task.REFERENCE}),
        ("veed/fabric-1.0", {Task.AVATAR}),
        ("bytedance/omnihuman", {Task.AVATAR}),
        ("klingai/avatar-pro", {Task.AVATAR}),
        ("pixverse/lip-sync", {Task.AVATAR}),
        ("klingai/video-v3-motion-control", {Task.MOTION}),
        ("alibaba/wan2.2-14b-animate-move", {Task.MOTION}),
        ("runway/act_two", {Task.MOTION}),
        ("tencent/hunyuan-video-foley", {Task.SOUND}),
        ("luma/ray-2", {Task.TEXT, Task.IMAGE, Task.FIRST_LAST}),
        ("openai/sora-2-t2v", {Task.TEXT}),
    ],
)
def test_tasks_of_known_models(catalogue: Catalogue, model_id: str, tasks: set[Task]) -> None:
    assert catalogue.get(model_id).tasks == frozenset(tasks)


def test_every_task_has_models(catalogue: Catalogue) -> None:
    found = {task for model in catalogue for task in model.tasks}
    assert found == set(Task)


@pytest.mark.parametrize(
    ("model_id", "vendor", "name"),
    [
        ("google/veo-3.1-t2v", "Google", "Veo 3.1 Text-to-video"),
        ("klingai/video-v3-pro-image-to-video", "Kling AI", "Kling v3 Pro Image-to-video"),
        ("alibaba/wan-2-6-t2v", "Alibaba", "Wan 2.6 Text-to-video"),
        ("bytedance/seedance-1-0-pro-fast", "ByteDance", "Seedance 1.0 Pro Fast"),
        ("openai/sora-2-pro-i2v", "OpenAI", "Sora 2 Pro Image-to-video"),
        ("runway/gen4_aleph", "Runway", "Runway Gen4 Aleph"),
        ("luma/ray-flash-2", "Luma AI", "Luma Ray Flash 2"),
        ("veo2", "Google", "Veo2"),
        ("gen3a_turbo", "Runway", "Gen3a Turbo"),
    ],
)
def test_readable_names_and_vendors(catalogue: Catalogue, model_id: str, vendor: str, name: str) -> None:
    model = catalogue.get(model_id)
    assert (model.vendor, model.name) == (vendor, name)


@pytest.mark.parametrize(
    ("model_id", "seconds", "short_side"),
    [
        ("google/veo-3.1-t2v", 8, 1080),  # duration default "8" (a string in the document), resolution 1080p
        ("minimax/h3", 6, 1440),  # 2K
        ("runway/act_two", 5, 720),  # frame_size 1280:720
        ("alibaba/wan2.2-vace-fun-a14b-depth", 5.1, 480),  # 81 frames at 16 per second
        ("krea/krea-wan-14b/text-to-video", 4.9, 720),  # 78 frames, no rate stated: 16 per second assumed
        ("video-01", 6, 720),  # a seed: its hand-written output hint
    ],
)
def test_default_output_length_and_size(catalogue: Catalogue, model_id: str, seconds: float, short_side: int) -> None:
    model = catalogue.get(model_id)
    assert (model.output_seconds, model.output_short_side) == (seconds, short_side)


# --- One document, several ids ---------------------------------------------------------------------------------------


def test_the_legacy_kling_dump_gives_one_model_per_id_each_narrowed() -> None:
    document = json.loads((OPENAPI_DIR / "Kling-AI/kling-video-image-to-video.json").read_text(encoding="utf-8"))
    models = models_from_openapi(document, source="openapi/Kling-AI/kling-video-image-to-video.json")
    assert [m.id for m in models] == [
        "kling-video/v1.6/pro/image-to-video",
        "kling-video/v1.6/standard/image-to-video",
        "kling-video/v1/pro/image-to-video",
        "kling-video/v1/standard/image-to-video",
    ]
    for model in models:
        assert model.properties["model"]["enum"] == [model.id]
        assert model.endpoint == "/v2/generate/video/kling/generation"
        request = {"model": model.id, "prompt": "a boat", "image_url": "https://x.test/a.png"}
        assert Draft202012Validator(model.schema).is_valid(request)
        other = next(m.id for m in models if m is not model)
        assert not Draft202012Validator(model.schema).is_valid({**request, "model": other})
    # The narrowing copies only the model field: the rest of the schema is one shared, unchanged object.
    assert models[0].properties["prompt"] is models[1].properties["prompt"]


# --- Several documents, one id ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "chosen", "why"),
    [
        # The universal path beats a vendor-path dump, although the dump lists more properties.
        ("kling-video/v1.5/standard/image-to-video", "Kling-AI/v1.5-standard-image-to-video.json", "name"),
        ("kling-video/v2.1/standard/image-to-video", "Kling-AI/v2.1-standard-image-to-video.json", "universal"),
        ("veo2", "Google/veo2.json", "universal"),
        ("kling-video/v1.6/standard/text-to-video", "Kling-AI/v1.6-standard-text-to-video.json", "universal"),
        # Same schema twice (fabric-1.0-fast.json's enum says veed/fabric-1.0): the file named like the id.
        ("veed/fabric-1.0", "VEED/fabric-1.0.json", "name"),
        # Both universal: the one with more properties.
        ("klingai/video-o1-video-to-video-reference", "Kling-AI/video-o1-video-to-video-reference.json", "count"),
        ("klingai/video-v2-6-pro-text-to-video", "Kling-AI/video-v2-6-pro-text-to-video.json", "count"),
        # Both universal, as many properties: the file whose name is the whole id.
        ("alibaba/wan-2-6-t2v", "Alibaba-Cloud/alibaba-wan-2-6-t2v.json", "name"),
        ("bytedance/seedance-1-0-pro-fast", "bytedance-2/bytedance-seedance-1-0-pro-fast.json", "name"),
        ("klingai/video-v2-6-pro-image-to-video", "kling-ai-2/klingai-video-v2-6-pro-image-to-video.json", "name"),
    ],
)
def test_several_documents_one_id_the_stated_rule_chooses(model_id: str, chosen: str, why: str) -> None:
    # Without the studio files, so the bundled documents compete among themselves (fabric is also a seed).
    catalogue = load_catalogue(OPENAPI_DIR)
    assert catalogue.get(model_id).source == chosen, why


def test_the_choice_does_not_depend_on_the_order_files_are_read(tmp_path: Path) -> None:
    from videostudio.catalogue import build_catalogue

    files = [(p, p.relative_to(OPENAPI_DIR).as_posix()) for p in sorted(OPENAPI_DIR.rglob("*.json"))]
    forward = build_catalogue(files)
    backward = build_catalogue(list(reversed(files)))
    assert {m.id: m.source for m in forward} == {m.id: m.source for m in backward}


def test_the_seed_studio_file_wins_over_the_official_documents(catalogue: Catalogue) -> None:
    assert catalogue.get("veed/fabric-1.0").source == "models/veed-fabric-1.0.json"
    assert catalogue.get("kling-video/v1/standard/image-to-video").labels["tail_image_url"] == "End frame"
    seed = load_model(MODELS_DIR / "veed-fabric-1.0.json")
    assert catalogue.get("veed/fabric-1.0").audio_rules == seed.audio_rules


# --- Where a model is sent -------------------------------------------------------------------------------------------


def test_documents_on_a_vendor_path_only_are_sent_there(catalogue: Catalogue) -> None:
    vendor_path = {m.id: m.endpoint for m in catalogue if m.endpoint != GENERATIONS_PATH}
    assert vendor_path == {
        "wan/v2.1/1.3b/text-to-video": "/v2/generate/video/alibaba/generation",
        "runway-gen3/turbo/image-to-video": "/v2/generate/video/kling/generation",
    }
    # The seeds keep their legacy endpoint for the person's "send to the vendor endpoint" choice.
    assert catalogue.get("video-01").legacy_endpoint == "/v2/generate/video/minimax/generation"
    assert catalogue.get("video-01").endpoint == GENERATIONS_PATH


# --- Deprecated ------------------------------------------------------------------------------------------------------


def test_the_fact_sheets_deprecated_ids_are_marked_and_hidden(catalogue: Catalogue) -> None:
    deprecated = {m.id for m in catalogue if m.deprecated}
    assert deprecated == {
        "bytedance/seedance-1-0-lite-i2v",
        "bytedance/seedance-1-0-lite-t2v",
        "wan/v2.1/1.3b/text-to-video",
    }
    visible = {m.id for m in catalogue.visible()}
    assert visible == ALL_IDS - deprecated
    assert {m.id for m in catalogue.visible(include_deprecated=True)} == ALL_IDS
    # Still found by id, for old jobs in the history.
    assert catalogue.get("bytedance/seedance-1-0-lite-i2v").deprecated
    assert [m.id for m in catalogue.visible()] == [m.id for m in catalogue if not m.deprecated]  # same order


def test_the_deprecated_list_names_its_source() -> None:
    data = json.loads((OPENAPI_DIR.parent / "deprecated.json").read_text(encoding="utf-8"))
    assert "api_contract.md" in data["source"]
    assert {"kling-video/v1.5/standard/text-to-video", "luma/ray-1.6"} <= set(data["ids"])


# --- Media -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "path", "kind"),
    [
        ("runway/act_two", "character.url", "video"),  # the first branch of character's oneOf is the video one
        ("runway/act_two", "reference.url", "video"),
        ("luma/ray-2", "keyframes.frame0.url", "image"),
        ("luma/ray-2", "keyframes.frame1.url", "image"),
        ("beeble/switchx-video-to-video", "alpha_url", "image"),
        ("beeble/switchx-video-to-video", "video_url", "video"),
        ("klingai/kling-video-v1.6-pro-effects", "image_url", "image"),  # a string or a list of two
        ("google/veo-3.1-reference-to-video", "image_urls", "image"),
        ("bytedance/omnihuman", "audio_url", "audio"),
    ],
)
def test_media_of_bundled_models(catalogue: Catalogue, model_id: str, path: str, kind: str) -> None:
    assert catalogue.get(model_id).media_kind(path) == kind
