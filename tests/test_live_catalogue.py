"""The live catalogue: read from a loopback server, kept with its ETag, merged into the bundle, and safe to fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.loopback import ScriptedServer, unused_port
from videostudio.catalogue import Catalogue, Model, Task
from videostudio.catalogue.live import (
    LiveCatalogueRefresher,
    find_model,
    from_disk,
    merge,
    refresh,
)
from videostudio.catalogue.live_list import KEPT_LIST

VEO = "google/veo-3.1-t2v"
KLING = "kling-video/v1/standard/image-to-video"
GONE = "old-vendor/retired-model"
NEW = "bytedance/seedance-1-0-pro"
PRICING = {
    "kind": "variants",
    "currency": "USD",
    "dimensions": ["resolution"],
    "variants": [
        {"when": {"resolution": "720p"}, "price": 0.1, "unit": "second", "per": 1},
        {"when": {"resolution": "1080p"}, "price": 0.25, "unit": "second", "per": 1},
    ],
}


def a_model(model_id: str, *, aliases: tuple[str, ...] = (), tasks: frozenset[Task] = frozenset()) -> Model:
    schema = {"type": "object", "properties": {"model": {"type": "string", "enum": [model_id]}, "prompt": {}}}
    return Model(
        id=model_id,
        name=model_id,
        vendor=model_id.split("/")[0],
        summary="",
        schema=schema,
        aliases=aliases,
        tasks=tasks,
    )


def bundle() -> Catalogue:
    return Catalogue([a_model(VEO, tasks=frozenset({Task.TEXT})), a_model(KLING), a_model(GONE)])


def item(model_id: str, *, aliases: list[str] | None = None, docs: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "id": model_id,
        "aliases": aliases or [],
        "type": "internal/video-generations/submit",
        "tags": ["playground:video"],
        "info": {"name": model_id.split("/")[-1].title(), "developer": "Vendor", "docsJson": docs},
        **extra,
    }


CHAT = {"id": "gpt-4o", "aliases": [], "type": "chat-completion", "tags": ["chat"], "info": {"name": "GPT-4o"}}


def document(model_id: str) -> dict[str, Any]:
    schema = {
        "type": "object",
        "required": ["model", "prompt"],
        "properties": {"model": {"type": "string", "enum": [model_id]}, "prompt": {"type": "string"}},
    }
    return {
        "openapi": "3.0.0",
        "info": {"title": "AIML API", "version": "1.0.0", "description": "Makes a video from words. Fast."},
        "paths": {
            "/v2/video/generations": {
                "post": {"requestBody": {"content": {"application/json": {"schema": schema}}}, "responses": {}}
            }
        },
    }


def listing(server: ScriptedServer, *items: dict[str, Any], etag: str = '"v1"') -> None:
    server.add("GET", "/v1/models", 200, {"object": "list", "data": [*items, CHAT]}, {"ETag": etag})


# --- the request and the ETag -----------------------------------------------------------------------------------------


def test_reads_video_models_with_pricing_and_keeps_the_answer_with_its_etag(tmp_path: Path) -> None:
    with ScriptedServer() as server:
        listing(server, item(VEO, pricing=PRICING, capabilities=["text_to_video"]), item(KLING))
        result = refresh(bundle(), server.url, tmp_path)
        [request] = server.requests
    assert request.query == {"include": "pricing,capabilities,modalities"}
    assert request.header("If-None-Match") is None
    assert result.source == "live" and not result.note
    kept = json.loads((tmp_path / KEPT_LIST).read_text())
    assert kept["etag"] == '"v1"'
    assert [i["id"] for i in kept["items"]] == [VEO, KLING]  # the chat model is not kept


def test_the_next_refresh_sends_the_etag_and_a_304_reuses_the_kept_answer(tmp_path: Path) -> None:
    with ScriptedServer() as server:
        listing(server, item(VEO, pricing=PRICING), item(KLING))
        server.add("GET", "/v1/models", 304)
        refresh(bundle(), server.url, tmp_path)
        again = refresh(bundle(), server.url, tmp_path)
        second = server.requests[1]
    assert second.header("If-None-Match") == '"v1"'
    assert again.source == "live"
    assert again.catalogue.get(VEO).pricing == PRICING
    assert not again.catalogue.get(GONE).offered


def test_a_kept_answer_from_another_backend_is_not_revalidated(tmp_path: Path) -> None:
    with ScriptedServer() as first, ScriptedServer() as second:
        listing(first, item(VEO))
        listing(second, item(KLING), etag='"other"')
        refresh(bundle(), first.url, tmp_path)
        result = refresh(bundle(), second.url, tmp_path)
        assert second.requests[0].header("If-None-Match") is None
    assert result.catalogue.get(KLING).offered and not result.catalogue.get(VEO).offered


def test_no_request_carries_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Even a ~/.netrc naming the host must not put credentials on the public list's requests.
    monkeypatch.setenv("AIMLAPI_API_KEY", "sk-secret")
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login user password sk-secret\n")
    monkeypatch.setenv("NETRC", str(netrc))
    with ScriptedServer() as server:
        listing(server, item(VEO), item(NEW, docs=f"/docs-json?model={NEW}"))
        server.add("GET", "/docs-json", 200, document(NEW))
        refresh(bundle(), server.url, tmp_path / "kept")
        requests_made = server.requests
    assert [r.path for r in requests_made] == ["/v1/models", "/docs-json"]
    for request in requests_made:
        assert "authorization" not in request.headers
        assert "sk-secret" not in json.dumps(request.headers) + request.raw_query


# --- merging ----------------------------------------------------------------------------------------------------------


def test_merge_attaches_pricing_and_tasks_and_marks_a_missing_model_not_offered(tmp_path: Path) -> None:
    with ScriptedServer() as server:
        listing(server, item(VEO, pricing=PRICING, capabilities=["image_to_video", "not_a_task"]), item(KLING))
        catalogue = refresh(bundle(), server.url, tmp_path).catalogue
    veo = catalogue.get(VEO)
    assert veo.pricing == PRICING and veo.offered
    assert veo.tasks == {Task.TEXT, Task.IMAGE}  # the bundle's own tasks stay, the live list adds
    assert catalogue.get(KLING).offered and catalogue.get(KLING).pricing is None
    assert not catalogue.get(GONE).offered
    assert len(catalogue) == 3


def test_a_live_model_is_matched_by_alias_ignoring_case() -> None:
    renamed = item("google/veo-3.1-text-to-video", aliases=["Google/Veo-3.1-T2V"], pricing=PRICING)
    catalogue, notes = merge(bundle(), [renamed, item(KLING), item(GONE)], lambda _: None)
    veo = catalogue.get(VEO)
    assert veo.offered and veo.pricing == PRICING
    assert "google/veo-3.1-text-to-video" in veo.aliases
    assert sorted(catalogue.ids()) == sorted([VEO, KLING, GONE])  # not added a second time
    assert find_model(catalogue, "GOOGLE/VEO-3.1-TEXT-TO-VIDEO") is veo
    assert find_model(catalogue, "google/veo-9") is None
    assert not notes


def test_a_new_live_model_is_added_from_its_docs_json_and_kept_on_disk(tmp_path: Path) -> None:
    with ScriptedServer() as server:
        new = item(NEW, docs=f"{server.url}/docs-json?model={NEW}", pricing=PRICING, capabilities=["text_to_video"])
        listing(server, item(VEO), new)
        server.add("GET", "/docs-json", 200, document(NEW))
        catalogue = refresh(bundle(), server.url, tmp_path).catalogue
        assert server.requests[1].query == {"model": NEW}
        address = server.url
    added = catalogue.get(NEW)
    assert (added.name, added.vendor) == ("Seedance-1-0-Pro", "Vendor")
    assert added.summary.startswith("Makes a video from words.")
    assert added.tasks == {Task.TEXT} and added.pricing == PRICING and added.offered
    assert added.required == {"model", "prompt"}

    # The next start has it before any request, from the disk.
    started = LiveCatalogueRefresher(bundle(), "http://127.0.0.1:1", tmp_path)
    assert started.current.source == "bundle"  # another address: its kept answer is not this backend's
    kept = from_disk(bundle(), tmp_path, address)
    assert kept.source == "kept" and kept.catalogue.get(NEW).pricing == PRICING


def test_a_new_model_whose_document_fails_is_skipped_with_a_note(tmp_path: Path) -> None:
    with ScriptedServer() as server:
        listing(
            server,
            item(VEO),
            item("vendor/broken", docs="/docs-json?model=broken"),
            item("vendor/unreadable", docs="/docs-json?model=unreadable"),
            item("vendor/nodocs"),
            item("vendor/mixed-up", docs="/docs-json?model=mixed-up"),
        )
        server.add("GET", "/docs-json", 500, {"message": "no"})
        server.add("GET", "/docs-json", 200, {"openapi": "3.0.0", "paths": {}})
        server.add("GET", "/docs-json", 200, document("vendor/some-other-model"))
        result = refresh(bundle(), server.url, tmp_path)
    assert result.source == "live"
    assert sorted(m.id for m in result.catalogue) == sorted([VEO, KLING, GONE])
    assert [note.split(":")[0] for note in result.skipped] == [
        "vendor/broken",
        "vendor/unreadable",
        "vendor/nodocs",
        "vendor/mixed-up",
    ]
    assert "describes another model" in result.skipped[3]


# --- failures fall back to the bundle ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (500, {"message": "Internal server error"}, "answered 500"),
        (200, "this is not json", "cannot read"),
        (200, {"object": "list", "data": {"not": "a list"}}, "cannot read"),
        (200, {"object": "list", "data": [CHAT]}, "listed no video models"),
        (304, None, "answered 304"),  # a 304 with nothing kept to reuse
    ],
)
def test_a_bad_answer_falls_back_to_the_bundle_with_a_note(tmp_path: Path, status: int, body: Any, words: str) -> None:
    with ScriptedServer() as server:
        server.add("GET", "/v1/models", status, body)
        result = refresh(bundle(), server.url, tmp_path)
    assert result.source == "bundle"
    assert [m.id for m in result.catalogue] == [m.id for m in bundle()]
    assert all(m.offered for m in result.catalogue)
    assert words in result.note


def test_a_timeout_or_refused_connection_falls_back_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("videostudio.catalogue.live_list.TIMEOUT", (0.5, 0.2))
    with ScriptedServer() as server:
        server.add("GET", "/v1/models", 200, {"data": []}, delay=1.0)
        slow = refresh(bundle(), server.url, tmp_path)
    refused = refresh(bundle(), f"http://127.0.0.1:{unused_port()}", tmp_path)
    assert slow.source == refused.source == "bundle"
    assert "did not answer in time" in slow.note
    assert "could not be reached" in refused.note


def test_the_refresher_starts_from_disk_and_refreshes_once_in_the_background(tmp_path: Path) -> None:
    with ScriptedServer() as server:
        listing(server, item(VEO, pricing=PRICING))
        refresher = LiveCatalogueRefresher(bundle(), server.url, tmp_path, every=3600)
        assert refresher.current.source == "bundle"  # nothing kept yet, nothing asked yet
        assert refresher.maybe_start()
        assert not refresher.maybe_start()  # one refresh per period
        refresher.wait(10)
        assert len(server.requests) == 1
        assert LiveCatalogueRefresher(bundle(), server.url, tmp_path).current.source == "kept"
    assert refresher.current.source == "live"
    assert refresher.current.catalogue.get(VEO).pricing == PRICING


def test_a_backend_with_a_new_address_at_each_start_finds_its_kept_list_by_its_name(tmp_path: Path) -> None:
    # The offline backend started in the studio's process gets a new port at every start: its prices are shown
    # from the kept copy at once after a restart, not "Price loading…" until the list is read again.
    with ScriptedServer() as first:
        listing(first, item(VEO, pricing=PRICING))
        LiveCatalogueRefresher(bundle(), lambda: first.url, tmp_path, source="offline here").refresh_now()
    with ScriptedServer() as second:
        second.add("GET", "/v1/models", 304)
        restarted = LiveCatalogueRefresher(bundle(), lambda: second.url, tmp_path, source="offline here")
        assert restarted.current.source == "kept" and restarted.current.catalogue.get(VEO).pricing == PRICING
        assert restarted.refresh_now().catalogue.get(VEO).pricing == PRICING
        assert second.requests[0].header("If-None-Match") == '"v1"'  # the same list: revalidated, not read anew


def test_an_address_found_later_is_asked_by_the_background_read_only(tmp_path: Path) -> None:
    asked: list[str] = []

    def address() -> str:  # the in-process offline backend starts when its address is first asked
        asked.append("asked")
        return f"http://127.0.0.1:{unused_port()}"

    refresher = LiveCatalogueRefresher(bundle(), address, tmp_path, source="offline here")
    assert refresher.current.source == "bundle" and asked == []
    refresher.maybe_start()
    refresher.wait(30)
    assert asked == ["asked"] and refresher.current.source == "bundle"
    with pytest.raises(ValueError):
        LiveCatalogueRefresher(bundle(), address, tmp_path)  # its kept answers would have no name
