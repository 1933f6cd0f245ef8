"""Requests to the offline backend: checked with jsonschema against the model's own schema, sent to any vendor path."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from tests.offline_payloads import make_model
from videostudio.catalogue import Catalogue
from videostudio.offline.plan import validate
from videostudio.offline.server import UNIVERSAL_PATH, OfflineBackend

AUTH = {"Authorization": "Bearer test-key"}
ALIBABA_PATH = "/v2/generate/video/alibaba/generation"
GOOGLE_PATH = "/v2/generate/video/google/generation"

WAN = make_model(
    "alibaba/wan-test",
    {
        "prompt": {"type": "string", "maxLength": 20},
        "duration": {"type": "integer", "enum": [5, 10], "default": 5},
        "resolution": {"type": "string", "enum": ["480p", "720p"], "default": "480p"},
        "elements": {
            "type": "array",
            "maxItems": 2,
            "items": {
                "type": "object",
                "properties": {"frontal_image_url": {"type": "string", "format": "uri"}},
                "required": ["frontal_image_url"],
            },
        },
    },
    required=("prompt",),
    endpoint=ALIBABA_PATH,
)
VEO = make_model(
    "google/veo-test",
    {"prompt": {"type": "string"}, "resolution": {"type": "string", "enum": ["480p"], "default": "480p"}},
    required=("prompt",),
    endpoint=GOOGLE_PATH,
)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfflineBackend]:
    # A slow clock: jobs stay queued, nothing renders; the routes and checks are the point.
    with OfflineBackend(tmp_path_factory.mktemp("offline"), catalogue=Catalogue([WAN, VEO]), speed=1000) as started:
        yield started


def submit(backend: OfflineBackend, body: dict, path: str = UNIVERSAL_PATH) -> requests.Response:
    return requests.post(backend.url + path, json=body, headers=AUTH, timeout=10)


def error_message(response: requests.Response) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"message", "path", "requestId", "statusCode", "timestamp"}
    assert body["message"].startswith("Body validation error! ")
    return body["message"]


def test_jsonschema_names_each_wrong_field(backend: OfflineBackend) -> None:
    message = error_message(submit(backend, {"model": WAN.id, "duration": 7, "resolution": "4k"}))
    assert "prompt: Required" in message
    assert "duration: Invalid enum value. Expected 5 | 10, received 7" in message
    assert "resolution: Invalid enum value. Expected '480p' | '720p', received '4k'" in message
    message = error_message(submit(backend, {"model": WAN.id, "prompt": "x" * 21}))
    assert message.startswith("Body validation error! prompt: ") and "too long" in message


def test_nested_fields_are_named_by_their_path(backend: OfflineBackend) -> None:
    body = {"model": WAN.id, "prompt": "ok", "elements": [{"frontal_image_url": 3}, {}]}
    message = error_message(submit(backend, body))
    assert "elements.0.frontal_image_url: 3 is not of type 'string'" in message
    assert "elements.1.frontal_image_url: Required" in message


def test_a_long_data_uri_is_not_echoed_back() -> None:
    problems = validate(WAN, {"model": WAN.id, "prompt": "data:image/png;base64," + "A" * 100_000})
    assert len(problems) == 1 and len(problems[0]) < 200


def test_the_check_is_the_schema_not_the_studios_validator(backend: OfflineBackend) -> None:
    # An extra field the schema does not forbid is the API's business, not a 400.
    assert submit(backend, {"model": WAN.id, "prompt": "A river", "unknown_extra": True}).status_code == 200


@pytest.mark.parametrize(("model", "path"), [(WAN, ALIBABA_PATH), (VEO, GOOGLE_PATH)])
def test_every_vendor_path_a_model_names_submits_and_polls(backend: OfflineBackend, model, path: str) -> None:
    accepted = submit(backend, {"model": model.id, "prompt": "A river"}, path)
    assert accepted.status_code == 200, accepted.text
    job_id = accepted.json()["id"]
    answer = requests.get(backend.url + path, params={"generation_id": job_id}, headers=AUTH, timeout=5)
    assert answer.status_code == 200 and answer.json()["status"] == "queued"
    assert submit(backend, {"model": model.id, "prompt": "A river"}).status_code == 200  # the universal path too


def test_a_vendor_path_refuses_another_vendors_model(backend: OfflineBackend) -> None:
    message = error_message(submit(backend, {"model": VEO.id, "prompt": "A river"}, ALIBABA_PATH))
    assert f"Expected '{WAN.id}', received '{VEO.id}'" in message
    unknown = requests.post(backend.url + "/v2/generate/video/nobody/generation", json={}, headers=AUTH, timeout=5)
    assert unknown.status_code == 404


def test_web_addresses_of_every_kind_are_never_fetched(tmp_path: Path) -> None:
    hits: list[str] = []

    class Trap(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    uri = {"type": "string", "format": "uri"}
    model = make_model(
        "acme/everything",
        {
            "prompt": {"type": "string"},
            "video_url": uri,
            "image_urls": {"type": "array", "items": uri},
            "audio_url": uri,
            "resolution": {"type": "string", "enum": ["360p"]},
            "duration": {"type": "integer"},
        },
    )
    trap = ThreadingHTTPServer(("127.0.0.1", 0), Trap)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{trap.server_address[1]}"
    body = {
        "model": model.id,
        "prompt": "Everything at once",
        "video_url": f"{base}/clip.mp4",
        "image_urls": [f"{base}/a.png", f"{base}/b.png"],
        "audio_url": f"{base}/voice.mp3",
        "resolution": "360p",
        "duration": 1,
    }
    try:
        with OfflineBackend(tmp_path, catalogue=Catalogue([model]), speed=0) as backend:
            job_id = submit(backend, body).json()["id"]
            for _ in range(200):
                answer = requests.get(
                    backend.url + UNIVERSAL_PATH, params={"generation_id": job_id}, headers=AUTH, timeout=5
                )
                if answer.json()["status"] in ("completed", "error"):
                    break
                time.sleep(0.05)
            assert answer.json()["status"] == "completed", answer.text
            video = requests.get(answer.json()["video"]["url"], timeout=5)
            assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    finally:
        trap.shutdown()
        trap.server_close()
    assert hits == []


def test_an_alias_names_the_same_model(tmp_path: Path) -> None:
    renamed = make_model("acme/new-name", {"prompt": {"type": "string"}}, aliases=("acme/old-name",))
    with OfflineBackend(tmp_path, catalogue=Catalogue([renamed]), speed=1000) as backend:
        accepted = submit(backend, {"model": "acme/old-name", "prompt": "Hello"})
        assert accepted.status_code == 200, accepted.text
        assert backend.jobs.get(accepted.json()["id"]).model_id == "acme/new-name"
