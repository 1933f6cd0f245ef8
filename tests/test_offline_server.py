"""The offline backend over real HTTP on 127.0.0.1: routes, auth, errors, statuses, MP4s, faults, restarts."""

from __future__ import annotations

import base64
import io
import math
import os
import struct
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import av
import pytest
import requests
from PIL import Image

from videostudio.offline.faults import FaultConfig
from videostudio.offline.server import LEGACY_PATHS, MESSAGES, UNIVERSAL_PATH, OfflineBackend

REPO = Path(__file__).resolve().parents[1]
ERROR_KEYS = {"message", "path", "requestId", "statusCode", "timestamp"}
AUTH = {"Authorization": "Bearer test-key"}
PIXVERSE = "pixverse/v5/image-to-video"
FABRIC = "veed/fabric-1.0"
KLING = "kling-video/v1/standard/image-to-video"
PIXVERSE_LEGACY, KLING_LEGACY, MINIMAX_LEGACY = (
    next(p for p in LEGACY_PATHS if vendor in p) for vendor in ("pixverse", "kling", "minimax")
)


# --------------------------------------------------------------------------------------------- helpers


def png_uri(width: int, height: int, colour: tuple[int, int, int] = (200, 80, 40)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def wav_uri(seconds: float, rate: int = 16000) -> str:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        samples = (int(8000 * math.sin(2 * math.pi * 220 * n / rate)) for n in range(int(seconds * rate)))
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return "data:audio/wav;base64," + base64.b64encode(buffer.getvalue()).decode()


IMAGE = png_uri(64, 48)


def pixverse(**extra: Any) -> dict[str, Any]:
    """A small, fast pixverse request: 360p, 5 s."""
    return {"model": PIXVERSE, "prompt": "A fox in the snow", "image_url": IMAGE, "resolution": "360p", **extra}


def submit(url: str, body: Any, path: str = UNIVERSAL_PATH, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(url + path, json=body, headers={**AUTH, **(headers or {})}, timeout=10)


def poll(url: str, job_id: str, path: str = UNIVERSAL_PATH, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("headers", AUTH)
    return requests.get(url + path, params={"generation_id": job_id}, timeout=10, **kwargs)


def wait_done(url: str, job_id: str, path: str = UNIVERSAL_PATH, timeout: float = 30) -> dict[str, Any]:
    """Poll until the job is terminal; returns the last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = poll(url, job_id, path)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if body["status"] in ("completed", "succeeded", "error"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def run(url: str, body: dict[str, Any], path: str = UNIVERSAL_PATH) -> dict[str, Any]:
    """Submit and wait for a job that must complete."""
    accepted = submit(url, body, path)
    assert accepted.status_code == 200, accepted.text
    final = wait_done(url, accepted.json()["id"], path)
    assert final["status"] == "completed", final
    return final


def probe(data: bytes) -> dict[str, Any]:
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        return {
            "codec": video.codec_context.name,
            "size": (video.codec_context.width, video.codec_context.height),
            "duration": container.duration / av.time_base,
            "audio": len(container.streams.audio),
        }


def assert_api_error(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["statusCode"] == status
    assert body["path"] == requests.utils.urlparse(response.request.url).path
    return body


@pytest.fixture
def make_backend(tmp_path: Path, catalogue) -> Iterator[Any]:
    started: list[OfflineBackend] = []

    def make(state_dir: Path | None = None, **options: Any) -> OfflineBackend:
        options.setdefault("speed", 0)
        backend = OfflineBackend(state_dir or tmp_path / "state", catalogue=catalogue, **options)
        backend.start()
        started.append(backend)
        return backend

    yield make
    for backend in started:
        backend.stop()


@pytest.fixture
def backend(make_backend) -> OfflineBackend:
    return make_backend()


# --------------------------------------------------------------------------------------------- routes


def test_health_and_stats(backend: OfflineBackend) -> None:
    assert requests.get(backend.url + "/healthz", timeout=5).json() == {"status": "ok"}
    submit(backend.url, pixverse())
    stats = requests.get(backend.url + "/_offline/stats", timeout=5).json()
    assert stats["submits"] == 1 and stats["jobs"] == 1 and stats["polls"] == 0
    assert backend.stats["submits"] == 1


def test_universal_and_pixverse_legacy_routes_complete(backend: OfflineBackend) -> None:
    for path in (UNIVERSAL_PATH, PIXVERSE_LEGACY):
        accepted = submit(backend.url, pixverse(), path)
        assert accepted.status_code == 200, accepted.text
        body = accepted.json()
        assert body["status"] == "queued" and body["meta"]["usage"]["credits_used"] > 0
        uuid_part, _, model = body["id"].partition(":")
        assert model == PIXVERSE and len(uuid_part) == 36
        assert accepted.headers["x-inference-id"] == body["id"]
        final = wait_done(backend.url, body["id"], path)
        assert final["status"] == "completed" and final["video"]["url"].startswith(backend.url + "/files/")


@pytest.mark.parametrize(
    ("path", "body", "id_check"),
    [
        (KLING_LEGACY, {"model": KLING, "image_url": IMAGE}, lambda i: len(i) == 21 and i.isalnum()),
        (MINIMAX_LEGACY, {"model": "video-01", "prompt": "A lighthouse"}, lambda i: i.isdigit()),
        (UNIVERSAL_PATH, {"model": KLING, "image_url": IMAGE}, lambda i: len(i) == 21 and i.isalnum()),
    ],
)
def test_kling_and_minimax_routes_and_id_forms(make_backend, path: str, body: dict, id_check) -> None:
    # A slow clock keeps these 720p jobs queued, so nothing renders: the routes and id forms are the point.
    backend = make_backend(speed=1000)
    accepted = submit(backend.url, body, path)
    assert accepted.status_code == 200, accepted.text
    job_id = accepted.json()["id"]
    assert id_check(job_id), job_id
    answer = poll(backend.url, job_id, path)
    assert answer.status_code == 200
    assert answer.json() == {"id": job_id, "status": "queued"}


def test_legacy_route_refuses_other_vendors_models(backend: OfflineBackend) -> None:
    body = assert_api_error(submit(backend.url, pixverse(), KLING_LEGACY), 400)
    assert body["message"].startswith("Body validation error! model: Invalid enum value. Expected")
    assert f"'{KLING}'" in body["message"] and f"received '{PIXVERSE}'" in body["message"]


def test_legacy_route_accepts_legacy_field_names(make_backend) -> None:
    backend = make_backend(speed=1000)
    seed_era = {"model": "video-01-live2d", "prompt": "Wave", "first_frame_image": png_uri(400, 400)}
    assert submit(backend.url, seed_era, MINIMAX_LEGACY).status_code == 200
    assert_api_error(submit(backend.url, seed_era, UNIVERSAL_PATH), 400)


def test_unknown_route_is_404(backend: OfflineBackend) -> None:
    assert_api_error(requests.get(backend.url + "/v2/nothing", headers=AUTH, timeout=5), 404)


# --------------------------------------------------------------------------------------------- auth


def test_missing_or_empty_key_is_401(backend: OfflineBackend) -> None:
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}):
        response = requests.post(backend.url + UNIVERSAL_PATH, json=pixverse(), headers=headers, timeout=5)
        body = assert_api_error(response, 401)
        assert body["message"].startswith("This request requires a valid API key.")
    assert_api_error(poll(backend.url, "whatever", headers={}), 401)


def test_any_key_works_unless_one_is_required(make_backend, tmp_path: Path) -> None:
    open_backend = make_backend()
    assert submit(open_backend.url, pixverse(), headers={"Authorization": "Bearer anything"}).status_code == 200
    locked = make_backend(tmp_path / "locked", required_key="s3cret")
    assert_api_error(submit(locked.url, pixverse(), headers={"Authorization": "Bearer wrong"}), 401)
    assert submit(locked.url, pixverse(), headers={"Authorization": "Bearer s3cret"}).status_code == 200


# --------------------------------------------------------------------------------------------- validation


def test_validation_error_has_the_api_body(backend: OfflineBackend) -> None:
    body = assert_api_error(submit(backend.url, pixverse(duration=7)), 400)
    assert body["message"].startswith("Body validation error!")
    assert "duration" in body["message"]
    assert body["timestamp"].endswith("Z") and body["requestId"]


def test_missing_required_fields_and_cross_field_rule(backend: OfflineBackend) -> None:
    message = assert_api_error(submit(backend.url, {"model": PIXVERSE}), 400)["message"]
    assert "prompt" in message and "image_url" in message
    message = assert_api_error(submit(backend.url, pixverse(resolution="1080p", duration=8)), 400)["message"]
    assert "1080p" in message


def test_unknown_model_lists_the_accepted_ones(backend: OfflineBackend, catalogue) -> None:
    body = assert_api_error(submit(backend.url, {"model": "no/such-model", "prompt": "x"}), 400)
    assert "Invalid enum value" in body["message"] and "received 'no/such-model'" in body["message"]
    assert all(f"'{model_id}'" in body["message"] for model_id in catalogue.ids())


def test_bad_json_and_broken_data_uri_are_400(backend: OfflineBackend) -> None:
    response = requests.post(backend.url + UNIVERSAL_PATH, data=b"{nope", headers=AUTH, timeout=5)
    assert assert_api_error(response, 400)["message"].startswith("Body validation error!")
    body = assert_api_error(submit(backend.url, pixverse(image_url="data:image/png;base64,@@@")), 400)
    assert "image_url" in body["message"]


def test_unknown_id_is_404(backend: OfflineBackend) -> None:
    assert_api_error(poll(backend.url, "no-such-job"), 404)
    assert_api_error(poll(backend.url, ""), 400)


# --------------------------------------------------------------------------------------------- statuses and videos


def test_status_goes_queued_generating_completed(make_backend) -> None:
    backend = make_backend(speed=0.4)
    job_id = submit(backend.url, pixverse()).json()["id"]
    seen: list[str] = []
    for _ in range(600):
        status = poll(backend.url, job_id).json()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "completed":
            break
        time.sleep(0.02)
    assert seen == ["queued", "generating", "completed"]


def test_mp4_matches_the_request(backend: OfflineBackend) -> None:
    final = run(backend.url, pixverse(resolution="540p", duration=5, image_url=png_uri(80, 60)))
    video = requests.get(final["video"]["url"], timeout=10)
    assert video.status_code == 200 and video.headers["Content-Type"] == "video/mp4"
    assert int(video.headers["Content-Length"]) == len(video.content)
    info = probe(video.content)
    assert info["codec"] == "h264" and info["size"] == (720, 540)
    assert info["duration"] == pytest.approx(5.0, abs=0.15)
    assert info["audio"] == 0
    assert final["meta"]["usage"]["credits_used"] > 0


def test_fabric_video_lasts_as_long_as_its_audio_and_carries_it(backend: OfflineBackend) -> None:
    body = {"model": FABRIC, "image_url": png_uri(50, 50), "audio_url": wav_uri(1.5), "resolution": "480p"}
    final = run(backend.url, body)
    info = probe(requests.get(final["video"]["url"], timeout=10).content)
    assert info["size"] == (480, 480) and info["audio"] == 1
    assert info["duration"] == pytest.approx(1.5, abs=0.1)


def test_lip_sync_text_gets_a_stand_in_voice(backend: OfflineBackend) -> None:
    final = run(backend.url, pixverse(lip_sync_tts_content="Hello there", lip_sync_tts_speaker="Chloe"))
    assert probe(requests.get(final["video"]["url"], timeout=10).content)["audio"] == 1


def test_web_image_is_never_fetched(backend: OfflineBackend) -> None:
    hits: list[str] = []

    class Trap(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    trap = ThreadingHTTPServer(("127.0.0.1", 0), Trap)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    try:
        image_url = f"http://127.0.0.1:{trap.server_address[1]}/portrait.png"
        final = run(backend.url, pixverse(image_url=image_url))
        assert final["status"] == "completed"
        assert probe(requests.get(final["video"]["url"], timeout=10).content)["size"] == (640, 360)
    finally:
        trap.shutdown()
        trap.server_close()
    assert hits == []


# --------------------------------------------------------------------------------------------- files


def test_range_requests_answer_206(backend: OfflineBackend) -> None:
    url = run(backend.url, pixverse())["video"]["url"]
    whole = requests.get(url, timeout=10).content
    part = requests.get(url, headers={"Range": "bytes=10-109"}, timeout=10)
    assert part.status_code == 206 and part.content == whole[10:110]
    assert part.headers["Content-Range"] == f"bytes 10-109/{len(whole)}"
    assert part.headers["Accept-Ranges"] == "bytes"
    tail = requests.get(url, headers={"Range": "bytes=-50"}, timeout=10)
    assert tail.status_code == 206 and tail.content == whole[-50:]
    open_ended = requests.get(url, headers={"Range": "bytes=0-"}, timeout=10)
    assert open_ended.status_code == 206 and open_ended.content == whole
    assert requests.get(url, headers={"Range": f"bytes={len(whole)}-"}, timeout=10).status_code == 416


def test_expired_or_tampered_links_are_403(make_backend) -> None:
    backend = make_backend(url_ttl=-5)
    url = run(backend.url, pixverse())["video"]["url"]
    expired = requests.get(url, timeout=10)
    assert expired.status_code == 403 and "Request has expired" in expired.text
    tampered = requests.get(url.replace("signature=", "signature=0"), timeout=10)
    assert tampered.status_code == 403 and "Request has expired" not in tampered.text


# --------------------------------------------------------------------------------------------- faults


def test_fault_text_round_trips() -> None:
    faults = FaultConfig.parse("fail,rate-limit=2,server-error=1,submit-error=403,slow=200,legacy,video-list,expired")
    assert faults == FaultConfig(True, 2, 1, 403, 200, True, True, True)
    assert FaultConfig.parse(faults.to_text()) == faults
    assert FaultConfig.parse("") == FaultConfig() and not FaultConfig.parse("  ").active
    assert FaultConfig(fail=True).merged(FaultConfig(rate_limit_polls=3)) == FaultConfig(fail=True, rate_limit_polls=3)
    for bad in ("explode", "rate-limit=x", "submit-error=200", "slow=-1"):
        with pytest.raises(ValueError):
            FaultConfig.parse(bad)


def _check_fail(url: str, headers: dict[str, str]) -> None:
    job_id = submit(url, pixverse(), headers=headers).json()["id"]
    final = wait_done(url, job_id)
    assert final["status"] == "error" and "video" not in final
    assert final["error"]["name"] == "GenerationError" and final["error"]["message"]


def _check_rate_limit(url: str, headers: dict[str, str]) -> None:
    job_id = submit(url, pixverse(), headers=headers).json()["id"]
    for _ in range(2):
        limited = poll(url, job_id)
        assert assert_api_error(limited, 429)["message"] == "Too Many Requests"
        assert limited.headers["Retry-After"] == "1"
    assert poll(url, job_id).status_code == 200


def _check_server_error(url: str, headers: dict[str, str]) -> None:
    job_id = submit(url, pixverse(), headers=headers).json()["id"]
    assert_api_error(poll(url, job_id), 503)
    assert poll(url, job_id).status_code == 200


def _check_submit_error(url: str, headers: dict[str, str]) -> None:
    body = assert_api_error(submit(url, pixverse(), headers=headers), 403)
    assert body["message"] == MESSAGES[403]


def _check_slow(url: str, headers: dict[str, str]) -> None:
    started = time.monotonic()
    assert submit(url, pixverse(), headers=headers).status_code == 200
    assert time.monotonic() - started >= 0.2


def _check_legacy(url: str, headers: dict[str, str]) -> None:
    accepted = submit(url, pixverse(), headers=headers).json()
    assert set(accepted) == {"generation_id", "status"}
    final = wait_done(url, accepted["generation_id"])
    assert final["status"] == "succeeded" and final["video"]["url"]


def _check_legacy_progress(url: str, headers: dict[str, str]) -> None:
    job_id = submit(url, pixverse(), headers=headers).json()["generation_id"]
    seen = []
    for _ in range(600):
        status = poll(url, job_id).json()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "succeeded":
            break
        time.sleep(0.02)
    assert seen == ["waiting", "active", "succeeded"]


def _check_video_list(url: str, headers: dict[str, str]) -> None:
    final = wait_done(url, submit(url, pixverse(), headers=headers).json()["id"])
    assert isinstance(final["video"], list) and final["video"][0]["url"].startswith(url)


def _check_expired(url: str, headers: dict[str, str]) -> None:
    final = wait_done(url, submit(url, pixverse(), headers=headers).json()["id"])
    refused = requests.get(final["video"]["url"], timeout=10)
    assert refused.status_code == 403 and "Request has expired" in refused.text


FAULT_CHECKS = {
    "fail": _check_fail,
    "rate-limit=2": _check_rate_limit,
    "server-error=1": _check_server_error,
    "submit-error=403": _check_submit_error,
    "slow=200": _check_slow,
    "legacy": _check_legacy,
    "video-list": _check_video_list,
    "expired": _check_expired,
}


@pytest.mark.parametrize("how", ["config", "header"])
@pytest.mark.parametrize("fault", list(FAULT_CHECKS))
def test_fault_modes(make_backend, fault: str, how: str) -> None:
    if how == "config":
        backend = make_backend(faults=FaultConfig.parse(fault))
        FAULT_CHECKS[fault](backend.url, {})
    else:
        backend = make_backend()
        FAULT_CHECKS[fault](backend.url, {"X-Offline-Faults": fault})
        # The header is per request: the next job, without it, is untouched.
        assert run(backend.url, pixverse())["status"] == "completed"


def test_legacy_vocabulary_progression(make_backend) -> None:
    _check_legacy_progress(make_backend(speed=0.4).url, {"X-Offline-Faults": "legacy"})


def test_bad_fault_header_is_400(backend: OfflineBackend) -> None:
    response = submit(backend.url, pixverse(), headers={"X-Offline-Faults": "meteor-strike"})
    assert "meteor-strike" in assert_api_error(response, 400)["message"]


# --------------------------------------------------------------------------------------------- restarts


def test_jobs_survive_a_restart(make_backend, tmp_path: Path) -> None:
    state = tmp_path / "restart"
    first = make_backend(state, speed=1000)  # so slow that nothing is rendered before the stop
    job_id = submit(first.url, pixverse()).json()["id"]
    first.stop()

    second = make_backend(state)
    final = wait_done(second.url, job_id)
    assert final["status"] == "completed" and final["video"]["url"].startswith(second.url + "/files/")
    link = requests.utils.urlparse(final["video"]["url"])
    assert requests.get(final["video"]["url"], timeout=10).status_code == 200
    second.stop()

    # The MP4 is gone: the third server renders it again, and the link the second one signed still verifies.
    for mp4 in (state / "videos").glob("*.mp4"):
        mp4.unlink()
    third = make_backend(state)
    assert wait_done(third.url, job_id)["status"] == "completed"
    assert requests.get(f"{third.url}{link.path}?{link.query}", timeout=10).status_code == 200


# --------------------------------------------------------------------------------------------- keep-alive and CLI


def test_polls_keep_the_connection_alive(backend: OfflineBackend) -> None:
    job_id = submit(backend.url, pixverse()).json()["id"]
    before = backend.stats["connections"]
    with requests.Session() as session:
        session.headers.update(AUTH)
        for _ in range(5):
            response = session.get(backend.url + UNIVERSAL_PATH, params={"generation_id": job_id}, timeout=5)
            assert response.status_code == 200
    assert backend.stats["connections"] == before + 1


@pytest.mark.parametrize("module", ["videostudio.offline", "videostudio.offline.server"])
def test_command_line_serves(module: str, tmp_path: Path) -> None:
    env = {**os.environ, "VIDEO_STUDIO_OFFLINE_DIR": str(tmp_path / "cli"), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0", "--faults", "legacy"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        url = line.split(" on ", 1)[1].split()[0]
        assert requests.get(url + "/healthz", timeout=5).json() == {"status": "ok"}
        accepted = submit(url, pixverse())
        assert "generation_id" in accepted.json()
    finally:
        process.terminate()
        process.wait(timeout=10)


# --------------------------------------------------------------------------------------------- usage logs


def logs(url: str, headers: dict[str, str] | None = None, **params: Any) -> requests.Response:
    return requests.get(url + "/v2/logs", params=params, headers=AUTH if headers is None else headers, timeout=10)


def test_answers_echo_the_ids_and_carry_the_cost_headers(backend: OfflineBackend) -> None:
    accepted = submit(backend.url, pixverse(), headers={"X-Client-Request-Id": "vs-abc.1:2_3-4"})
    job_id = accepted.json()["id"]
    credits = backend.jobs.get(job_id).credits
    assert accepted.headers["x-inference-id"] == job_id
    assert accepted.headers["x-client-request-id"] == "vs-abc.1:2_3-4"
    assert int(accepted.headers["x-aimlapi-credits-used"]) == credits > 0
    assert float(accepted.headers["x-aimlapi-usd-spent"]) == pytest.approx(credits / 2_000_000, abs=1e-6)
    wait_done(backend.url, job_id)
    polled = poll(backend.url, job_id)
    assert polled.headers["x-inference-id"] == job_id and int(polled.headers["x-aimlapi-credits-used"]) == credits
    # An id the API would drop is not echoed, and the request still runs.
    odd = submit(backend.url, pixverse(), headers={"X-Client-Request-Id": "has spaces"})
    assert odd.status_code == 200 and "x-client-request-id" not in odd.headers


def test_the_usage_logs_list_every_submit_with_its_request_id(make_backend: Any) -> None:
    backend = make_backend()
    first = submit(backend.url, pixverse(), headers={"X-Client-Request-Id": "vs-1"}).json()["id"]
    submit(backend.url, {"model": "video-01", "prompt": "x"}, headers={"X-Client-Request-Id": "vs-2"})
    refused = submit(backend.url, {"model": PIXVERSE}, headers={"X-Client-Request-Id": "vs-3"})
    assert refused.status_code == 400

    assert_api_error(logs(backend.url, headers={}, period="24h"), 401)
    everything = logs(backend.url, period="24h").json()
    assert everything["total"] == 3
    rows = {row["client_request_id"]: row for row in everything["data"]}
    mine = rows["vs-1"]
    assert mine["inference_id"] == first and mine["status"] == "succeeded" and mine["origin"] == "api"
    assert mine["model"] == PIXVERSE and mine["cost"]["credits"] == backend.jobs.get(first).credits
    assert set(mine) == {"created", "status", "origin", "model", "cost", "tokens", "request_id", "inference_id",
                         "client_request_id"}  # fmt: skip
    assert rows["vs-3"]["status"] == "failed" and rows["vs-3"]["cost"] == {"usd": 0.0, "credits": 0}

    now = time.time()
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 60))
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 60))
    by_model = logs(backend.url, start=start, end=end, model=PIXVERSE, status="succeeded").json()
    assert [row["client_request_id"] for row in by_model["data"]] == ["vs-1"]
    paged = [logs(backend.url, period="24h", limit=2, offset=offset).json()["data"] for offset in (0, 2)]
    assert [len(page) for page in paged] == [2, 1]
    earlier = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 3600))
    assert logs(backend.url, start=earlier, end=start).json()["data"] == []
    assert_api_error(logs(backend.url), 400)  # no window
    assert_api_error(logs(backend.url, period="24h", limit=101), 400)


def test_the_usage_logs_survive_a_restart(make_backend, tmp_path: Path) -> None:
    first = make_backend(state_dir=tmp_path / "kept")
    submit(first.url, pixverse(), headers={"X-Client-Request-Id": "vs-kept"})
    first.stop()
    again = make_backend(state_dir=tmp_path / "kept")
    assert [row["client_request_id"] for row in logs(again.url, period="7d").json()["data"]] == ["vs-kept"]


def test_drop_answer_makes_the_job_and_hangs_up(make_backend) -> None:
    backend = make_backend(faults=FaultConfig.parse("drop-answer"))
    with pytest.raises(requests.exceptions.ConnectionError):
        submit(backend.url, pixverse(), headers={"X-Client-Request-Id": "vs-dropped"})
    (row,) = logs(backend.url, period="24h").json()["data"]
    assert row["client_request_id"] == "vs-dropped" and backend.jobs.get(row["inference_id"]) is not None
    assert backend.stats["submits"] == 1


def test_delay_answer_makes_the_job_before_it_answers(make_backend) -> None:
    backend = make_backend(faults=FaultConfig.parse("delay-answer=2000"))
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(backend.url + UNIVERSAL_PATH, json=pixverse(), headers=AUTH, timeout=(5, 0.3))
    assert backend.stats["jobs"] == 1  # made at once; only its answer waits


def test_answer_faults_read_and_write_as_text() -> None:
    faults = FaultConfig.parse("drop-answer,delay-answer=1500")
    assert (faults.drop_answer, faults.delay_answer_ms) == (True, 1500)
    assert FaultConfig.parse(faults.to_text()) == faults
    assert FaultConfig.parse("delay-answer").delay_answer_ms == 5000
