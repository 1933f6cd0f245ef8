"""The offline backend's live-catalogue endpoints: /v1/models, /model/{id}, /docs-json, and prices that match jobs."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.offline_payloads import make_model
from videostudio.catalogue import Catalogue, Task, load_catalogue
from videostudio.offline.server import UNIVERSAL_PATH, OfflineBackend
from videostudio.offline.vendor import CREDITS_PER_USD, MAX_RATE, MIN_RATE, pricing_of

AUTH = {"Authorization": "Bearer test-key"}
VIDEO_TYPE = "internal/video-generations/submit"


TEXT = make_model(
    "acme/text-to-video",
    {
        "prompt": {"type": "string"},
        "resolution": {"type": "string", "enum": ["480p", "720p", "1080p"], "default": "720p"},
        "generate_audio": {"type": "boolean", "default": False},
        "duration": {"type": "integer", "enum": [4, 8], "default": 4},
    },
    required=("prompt",),
    tasks=frozenset({Task.TEXT}),
    aliases=("acme/t2v-old",),
)
EDIT = make_model(
    "acme/video-edit",
    {"prompt": {"type": "string"}, "video_url": {"type": "string", "format": "uri"}},
    required=("video_url",),
    tasks=frozenset({Task.EDIT}),
)
AVATAR = make_model(
    "other/avatar",
    {"image_url": {"type": "string", "format": "uri"}, "audio_url": {"type": "string", "format": "uri"}},
    required=("image_url", "audio_url"),
    tasks=frozenset({Task.AVATAR, Task.IMAGE}),
    endpoint="/v2/generate/video/other/generation",
)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfflineBackend]:
    catalogue = Catalogue([TEXT, EDIT, AVATAR])
    with OfflineBackend(tmp_path_factory.mktemp("offline"), catalogue=catalogue, speed=0) as started:
        yield started


def models(backend: OfflineBackend, **params) -> list[dict]:
    response = requests.get(backend.url + "/v1/models", params=params, timeout=5)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["object"] == "list"
    return body["data"]


def test_list_needs_no_key_and_has_the_documented_item_shape(backend: OfflineBackend) -> None:
    items = {item["id"]: item for item in models(backend) if item["type"] == VIDEO_TYPE}
    assert set(items) == {TEXT.id, EDIT.id, AVATAR.id}
    item = items[TEXT.id]
    assert set(item) == {"id", "aliases", "type", "info", "tags"}  # no optional section unless asked for
    assert item["aliases"] == ["acme/t2v-old"]
    assert item["type"] == VIDEO_TYPE and item["tags"] == ["playground:video"]
    assert item["info"]["name"] == "text-to-video" and item["info"]["developer"] == "acme"
    docs = urlsplit(item["info"]["docsJson"])
    assert docs.path == "/docs-json" and f"{docs.scheme}://{docs.netloc}" == backend.url
    assert parse_qs(docs.query) == {"model": [TEXT.id], "endpoint": [VIDEO_TYPE]}
    assert "endpoint=internal%2Fvideo-generations%2Fsubmit" in item["info"]["docsJson"]


def test_include_adds_the_asked_sections_and_ignores_unknown_words(backend: OfflineBackend) -> None:
    only_pricing = models(backend, include="pricing,nonsense")[0]
    assert "pricing" in only_pricing and "capabilities" not in only_pricing and "modalities" not in only_pricing
    for params in ({"include": "all"}, {"details": "true"}, {"include": ["pricing", "capabilities,modalities"]}):
        items = {i["id"]: i for i in models(backend, **params)}
        assert items[TEXT.id]["capabilities"] == ["text_to_video"]
        assert items[AVATAR.id]["capabilities"] == ["image_to_video", "lip_sync"]
        assert items[TEXT.id]["modalities"] == {"input": ["text"], "output": ["video"]}
        assert items[EDIT.id]["modalities"] == {"input": ["text", "video"], "output": ["video"]}
        assert items[AVATAR.id]["modalities"] == {"input": ["image", "audio"], "output": ["video"]}


def test_filters_are_case_insensitive_or_within_and_across(backend: OfflineBackend) -> None:
    def ids(**params) -> set[str]:
        return {item["id"] for item in models(backend, **params)}

    assert ids(id="ACME/T2V-OLD") == {TEXT.id}  # an alias finds the model
    assert ids(id="no/such") == set()
    assert ids(capabilities="text_to_video,lip_sync") == {TEXT.id, AVATAR.id}
    assert ids(capabilities=["video_to_video", "LIP_SYNC"]) == {EDIT.id, AVATAR.id}
    assert ids(capabilities="lip_sync", input_modalities="video") == set()
    assert ids(type=VIDEO_TYPE, input_modalities="audio") == {AVATAR.id}
    assert ids(type="no-such-type") == set()
    assert "gpt-4o-mini" in ids(type="chat-completion") and TEXT.id not in ids(type="chat-completion")
    assert ids(output_modalities="video", tags="playground:video") == {TEXT.id, EDIT.id, AVATAR.id}


def test_etag_and_if_none_match_give_304_with_an_empty_body(backend: OfflineBackend) -> None:
    first = requests.get(backend.url + "/v1/models", params={"include": "pricing"}, timeout=5)
    etag = first.headers["ETag"]
    again = requests.get(
        backend.url + "/v1/models", params={"include": "pricing"}, headers={"If-None-Match": etag}, timeout=5
    )
    assert again.status_code == 304 and again.content == b""
    other = requests.get(backend.url + "/v1/models", headers={"If-None-Match": etag}, timeout=5)
    assert other.status_code == 200 and other.headers["ETag"] != etag  # another answer, another tag


def test_one_model_by_id_or_alias_and_404(backend: OfflineBackend) -> None:
    response = requests.get(f"{backend.url}/model/{TEXT.id}", params={"include": "pricing"}, timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "model" and body["data"]["id"] == TEXT.id and "pricing" in body["data"]
    assert requests.get(f"{backend.url}/model/acme/t2v-old", timeout=5).json()["data"]["id"] == TEXT.id
    missing = requests.get(f"{backend.url}/model/acme/none", timeout=5)
    assert missing.status_code == 404 and missing.json()["statusCode"] == 404
    assert requests.get(f"{backend.url}/v1/model/{TEXT.id}", timeout=5).status_code == 404  # not under /v1


def test_docs_json_is_the_models_openapi_document(backend: OfflineBackend) -> None:
    item = next(i for i in models(backend) if i["id"] == AVATAR.id)
    document = requests.get(item["info"]["docsJson"], timeout=5).json()
    assert document["openapi"].startswith("3.")
    operation = document["paths"]["/v2/generate/video/other/generation"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == AVATAR.schema
    assert requests.get(backend.url + "/docs-json", params={"model": "acme/none"}, timeout=5).status_code == 404
    assert requests.get(backend.url + "/docs-json", timeout=5).status_code == 400


def test_bundled_documents_are_served_as_shipped() -> None:
    catalogue = load_catalogue()
    from videostudio.offline.catalogue_api import docs_json

    for model in catalogue:
        document = docs_json(catalogue, model.id)
        schema = next(iter(document["paths"].values()))["post"]["requestBody"]["content"]["application/json"]
        assert "schema" in schema and document["openapi"].startswith("3.")


def test_pricing_has_all_three_kinds_within_plausible_rates() -> None:
    text = pricing_of(TEXT)
    assert text["kind"] == "variants" and text["currency"] == "USD"
    assert text["dimensions"] == ["resolution", "generate_audio"]
    whens = [v["when"] for v in text["variants"]]
    assert len(whens) == 6 and {w["resolution"] for w in whens} == {"480p", "720p", "1080p"}
    by_when = {(v["when"]["resolution"], v["when"]["generate_audio"]): v for v in text["variants"]}
    assert by_when[("1080p", False)]["price"] > by_when[("720p", False)]["price"] > by_when[("480p", False)]["price"]
    assert by_when[("720p", True)]["price"] > by_when[("720p", False)]["price"]
    assert all(v["unit"] == "second" and v["per"] == 1 for v in text["variants"])
    fixed = pricing_of(EDIT)
    assert fixed["kind"] == "fixed"
    assert [set(u) for u in fixed["units"]] == [{"name", "measure", "price", "per"}]
    assert fixed["units"][0]["measure"] == "second" and fixed["units"][0]["per"] == 1
    assert pricing_of(AVATAR) == {"kind": "variable", "currency": "USD"}  # its length follows the audio
    prices = [v["price"] for v in text["variants"]] + [fixed["units"][0]["price"]]
    assert all(MIN_RATE <= p <= MAX_RATE for p in prices)
    assert pricing_of(TEXT) == pricing_of(TEXT)  # deterministic


def test_a_completed_job_costs_what_the_catalogue_quoted(backend: OfflineBackend) -> None:
    body = {"model": TEXT.id, "prompt": "Waves", "resolution": "480p", "duration": 4, "generate_audio": True}
    job_id = requests.post(backend.url + UNIVERSAL_PATH, json=body, headers=AUTH, timeout=10).json()["id"]
    pricing = requests.get(f"{backend.url}/model/{TEXT.id}", params={"include": "pricing"}, timeout=5).json()
    variant = next(
        v for v in pricing["data"]["pricing"]["variants"] if v["when"] == {"resolution": "480p", "generate_audio": True}
    )
    for _ in range(400):
        answer = requests.get(backend.url + UNIVERSAL_PATH, params={"generation_id": job_id}, headers=AUTH, timeout=5)
        if answer.json()["status"] == "completed":
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the job did not complete")
    assert answer.json()["meta"]["usage"]["credits_used"] == round(variant["price"] * 4 * CREDITS_PER_USD)


def test_docs_json_serves_the_bundled_document_a_model_was_read_from(tmp_path) -> None:
    from videostudio.offline.catalogue_api import docs_json

    document = {"openapi": "3.0.0", "info": {"title": "As shipped"}, "paths": {}}
    path = tmp_path / "shipped.json"
    path.write_text(json.dumps(document))
    shipped = make_model("acme/shipped", {"prompt": {"type": "string"}}, source=str(path))
    assert docs_json(Catalogue([shipped]), "acme/shipped") == document
    missing = make_model("acme/shipped", {"prompt": {"type": "string"}}, source="no/such/file.json")
    assert docs_json(Catalogue([missing]), "acme/shipped")["info"]["title"] == "shipped"  # wrapped schema


def test_the_helper_models_are_listed_by_their_kind_with_a_price_in_their_own_unit(backend: OfflineBackend) -> None:
    speech = models(backend, type="tts", include="pricing")
    assert "openai/gpt-4o-mini-tts" in {item["id"] for item in speech}
    assert {item["type"] for item in speech} == {"tts"}
    unit = speech[0]["pricing"]["units"][0]
    assert unit["measure"] == "character" and unit["per"] == 1_000_000 and unit["price"] > 0
    music = models(backend, id="elevenlabs/eleven_music", include="pricing")
    assert [item["type"] for item in music] == ["audio"]
    assert music[0]["pricing"]["units"][0]["measure"] == "second"
    # A video filter never lists a helper model: it makes no video.
    assert all(item["type"] == VIDEO_TYPE for item in models(backend, output_modalities="video"))
