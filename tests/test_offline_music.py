"""The offline backend's music endpoint: POST /v2/generate/audio, polled with GET ?generation_id=, as documented."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from videostudio.api.assist_client import AssistClient, AssistReply
from videostudio.api.errors import BadRequestError
from videostudio.catalogue.assist import assist_model
from videostudio.offline.assist.music import MUSIC_PATH, UNSTATED_SECONDS
from videostudio.offline.assist.prices import credits_for
from videostudio.offline.render.audio import audio_duration
from videostudio.offline.render.music import music_pcm, plan_music
from videostudio.offline.server import OfflineBackend

ELEVEN = {"model": "elevenlabs/eleven_music", "prompt": "calm piano at night", "music_length_ms": 12000}
HEADERS = {"Authorization": "Bearer k"}


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[OfflineBackend]:
    with OfflineBackend(tmp_path / "offline", speed=0) as started:
        yield started


def client_of(backend: OfflineBackend, faults: str = "") -> AssistClient:
    client = AssistClient(backend.url, "k", sleep=lambda _seconds: None)
    if faults:
        client._session.headers["X-Offline-Faults"] = faults  # the offline backend's per-request fault switch
    return client


def poll_until(client: AssistClient, generation_id: str, status: str) -> AssistReply:
    """Poll until the generation reaches ``status`` (the render runs on a thread of its own)."""
    deadline = time.monotonic() + 60
    while True:
        reply = client.get(MUSIC_PATH, {"generation_id": generation_id})
        if reply.body["status"] == status or time.monotonic() > deadline:
            assert reply.body["status"] == status, reply.body
            return reply
        time.sleep(0.05)


def logged(backend: OfflineBackend) -> list[dict[str, Any]]:
    return backend.logs.query({"period": ["24h"]})["data"]


def test_a_post_is_queued_billed_by_the_second_and_ends_with_music_of_the_asked_length(backend: OfflineBackend) -> None:
    client = client_of(backend)
    started = client.post(MUSIC_PATH, ELEVEN, client_request_id="music-1")
    generation_id = started.body["id"]
    assert started.body["status"] == "queued" and started.inference_id == generation_id
    credits = credits_for(assist_model("music", "elevenlabs/eleven_music"), {"second": 12})
    assert started.credits_used == credits > 0
    assert started.body["meta"]["usage"]["credits_used"] == credits

    done = poll_until(client, generation_id, "completed")
    assert done.credits_used == credits
    music = client.download(done.body["audio_file"]["url"])
    assert audio_duration(music) == pytest.approx(12.0, abs=0.05)
    # Polls are reads: the logs hold the one POST, with its request id and cost.
    assert [(r["client_request_id"], r["inference_id"], r["cost"]["credits"]) for r in logged(backend)] == [
        ("music-1", generation_id, credits)
    ]


@pytest.mark.parametrize(
    ("payload", "seconds"),
    [
        ({"model": "stable-audio", "prompt": "rain on a tin roof", "seconds_total": 5}, 5.0),
        ({"model": "elevenlabs/eleven_music", "prompt": "a waltz"}, 10.0),  # the document's default: 10000 ms
        ({"model": "stable-audio", "prompt": "wind"}, 30.0),  # the document's default: 30 s
        ({"model": "google/lyria2", "prompt": "harp and strings"}, UNSTATED_SECONDS),  # no length field at all
    ],
)
def test_the_length_is_the_models_own_field_or_its_default(
    backend: OfflineBackend, payload: dict[str, Any], seconds: float
) -> None:
    started = client_of(backend).post(MUSIC_PATH, payload)
    assert started.credits_used == credits_for(assist_model("music", payload["model"]), {"second": seconds})


def test_a_model_that_needs_lyrics_refuses_a_request_without_them_with_the_apis_400(backend: OfflineBackend) -> None:
    song = {"model": "minimax/music-2.0", "prompt": "a folk song about rain"}
    answer = requests.post(backend.url + MUSIC_PATH, json=song, headers=HEADERS, timeout=10)
    assert answer.status_code == 400
    body = answer.json()
    assert body["statusCode"] == 400 and body["path"] == MUSIC_PATH and "lyrics: Required" in body["message"]
    assert [(r["model"], r["status"], r["cost"]["credits"]) for r in logged(backend)] == [
        ("minimax/music-2.0", "failed", 0)
    ]
    with_lyrics = client_of(backend).post(MUSIC_PATH, {**song, "lyrics": "[Verse]\nRain on the window, rain"})
    assert with_lyrics.body["status"] == "queued"


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({**ELEVEN, "music_length_ms": 5000}, "music_length_ms"),  # under the documented 10,000 ms
        ({**ELEVEN, "model": "no/such-music"}, "Invalid enum value"),
        ({"model": "elevenlabs/eleven_music"}, "prompt: Required"),
    ],
)
def test_a_request_outside_the_documents_is_refused(backend: OfflineBackend, payload: dict, words: str) -> None:
    with pytest.raises(BadRequestError) as refused:
        client_of(backend).post(MUSIC_PATH, payload)
    assert words in str(refused.value)


def test_a_poll_moves_queued_then_generating_then_completed_by_the_backends_clock(tmp_path: Path) -> None:
    with OfflineBackend(tmp_path / "offline", speed=1) as backend:
        client = client_of(backend)
        generation_id = client.post(MUSIC_PATH, ELEVEN).body["id"]
        assert client.get(MUSIC_PATH, {"generation_id": generation_id}).body == {
            "id": generation_id,
            "status": "queued",
        }
        record = tmp_path / "offline" / "music" / f"{generation_id}.json"
        backdate(record, 2.0)  # past the queue (1 s × speed), not yet made (4 s × speed)
        assert client.get(MUSIC_PATH, {"generation_id": generation_id}).body["status"] == "generating"
        backdate(record, 10.0)
        assert "audio_file" in poll_until(client, generation_id, "completed").body


def backdate(record: Path, seconds: float) -> None:
    kept = json.loads(record.read_text())
    kept["created"] = time.time() - seconds
    record.write_text(json.dumps(kept))


def test_a_generation_and_its_music_survive_a_restart_and_are_linked_from_the_new_address(tmp_path: Path) -> None:
    with OfflineBackend(tmp_path / "offline", speed=0) as first:
        client = client_of(first)
        generation_id = client.post(MUSIC_PATH, ELEVEN).body["id"]
        poll_until(client, generation_id, "completed")
    with OfflineBackend(tmp_path / "offline", speed=0) as second:
        done = client_of(second).get(MUSIC_PATH, {"generation_id": generation_id})
        assert done.body["status"] == "completed"
        assert done.body["audio_file"]["url"].startswith(second.url + "/files/")
        assert audio_duration(client_of(second).download(done.body["audio_file"]["url"])) == pytest.approx(12, abs=0.05)


def test_the_fail_fault_ends_in_error_with_the_apis_error_object_and_costs_nothing(backend: OfflineBackend) -> None:
    generation_id = client_of(backend, "fail").post(MUSIC_PATH, ELEVEN).body["id"]
    failed = poll_until(client_of(backend), generation_id, "error")  # the fault was the POST's: it stays
    assert set(failed.body["error"]) == {"name", "message"} and failed.body["error"]["message"]
    assert "audio_file" not in failed.body
    assert failed.credits_used == 0


def test_rate_limit_and_server_error_answer_a_generations_first_polls_as_video_polls_do(
    backend: OfflineBackend,
) -> None:
    generation_id = client_of(backend).post(MUSIC_PATH, ELEVEN).body["id"]
    poll = {"generation_id": generation_id}
    faulty = {**HEADERS, "X-Offline-Faults": "rate-limit=1,server-error=1"}
    first = requests.get(backend.url + MUSIC_PATH, params=poll, headers=faulty, timeout=10)
    assert first.status_code == 429 and first.headers["Retry-After"] == "1"
    assert requests.get(backend.url + MUSIC_PATH, params=poll, headers=faulty, timeout=10).status_code == 503
    assert requests.get(backend.url + MUSIC_PATH, params=poll, headers=faulty, timeout=10).status_code == 200
    # The client's get is retried like a video poll: two faults and it still gets its answer.
    other = client_of(backend).post(MUSIC_PATH, ELEVEN).body["id"]
    assert (
        client_of(backend, "rate-limit=1,server-error=1").get(MUSIC_PATH, {"generation_id": other}).body["id"] == other
    )


def test_a_poll_without_or_with_an_unknown_generation_id_is_refused(backend: OfflineBackend) -> None:
    assert requests.get(backend.url + MUSIC_PATH, headers=HEADERS, timeout=10).status_code == 400
    unknown = requests.get(backend.url + MUSIC_PATH, params={"generation_id": "nope"}, headers=HEADERS, timeout=10)
    assert unknown.status_code == 404
    assert requests.get(backend.url + MUSIC_PATH, params={"generation_id": "x"}, timeout=10).status_code == 401


def test_the_music_follows_the_prompt_deterministically() -> None:
    assert plan_music("slow jazz, 72 BPM").bpm == 72
    assert plan_music("a sad cello").minor and not plan_music("a happy ukulele").minor
    assert plan_music("calm lake").bpm < plan_music("fast techno chase").bpm
    assert plan_music("any words") == plan_music("any words")
    first, again, other = music_pcm("drums", 3.0), music_pcm("drums", 3.0), music_pcm("violin at dawn", 3.0)
    assert (first == again).all() and first.shape == (2, 3 * 48_000)
    assert not (first == other).all()
    beat = music_pcm("a beat, 120 bpm", 4.0)
    loud = float((beat[:, 48_000:-48_000] ** 2).mean() ** 0.5)
    assert 0.05 < loud < 0.5  # audible, never clipping
