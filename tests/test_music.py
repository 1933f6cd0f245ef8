"""videostudio.music: the music models from their documents, the price, and making and keeping a piece offline."""

from __future__ import annotations

import base64
import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from videostudio.api.assist_client import AssistClient, AssistReply
from videostudio.api.errors import BadRequestError, SubmitAnswerLost
from videostudio.catalogue.assist import assist_model, assist_pricing, forget_prices
from videostudio.music import (
    MusicError,
    MusicState,
    default_music_model,
    keep_music,
    music_estimate,
    music_model,
    music_models,
    music_payload,
    music_state,
    start_music,
)
from videostudio.music.making import LOST_LOOKS
from videostudio.offline.assist.prices import credits_for
from videostudio.offline.render.audio import audio_duration
from videostudio.offline.server import OfflineBackend
from videostudio.storage import LocalFolderStorage

ELEVEN = "elevenlabs/eleven_music"


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[OfflineBackend]:
    with OfflineBackend(tmp_path / "offline", speed=0) as started:
        yield started


def client_of(backend: OfflineBackend, faults: str = "") -> AssistClient:
    client = AssistClient(backend.url, "k", sleep=lambda _seconds: None)
    if faults:
        client._session.headers["X-Offline-Faults"] = faults  # the offline backend's per-request fault switch
    return client


def wait_for(client: AssistClient, generation_id: str) -> MusicState:
    deadline = time.monotonic() + 60
    while (state := music_state(client, generation_id)).status == "waiting" and time.monotonic() < deadline:
        time.sleep(0.05)
    return state


def rows(backend: OfflineBackend) -> list[dict[str, Any]]:
    return backend.logs.query({"period": ["24h"]})["data"]


def test_the_models_and_their_limits_come_from_the_documents() -> None:
    assert default_music_model().id == ELEVEN == music_models()[0].id
    eleven = music_model(ELEVEN)
    assert eleven is not None and (eleven.min_seconds, eleven.max_seconds) == (10.0, 300.0)
    assert eleven.length_field == "music_length_ms" and eleven.default_seconds == 10.0 and not eleven.needs_lyrics
    stable = music_model("stable-audio")
    assert stable is not None and (stable.min_seconds, stable.max_seconds, stable.default_seconds) == (1.0, 47.0, 30.0)
    lyria = music_model("google/lyria2")
    assert lyria is not None and lyria.length_field is None and lyria.min_seconds == lyria.max_seconds
    songs = music_model("minimax/music-2.0")
    assert songs is not None and songs.needs_lyrics
    assert {m.id for m in music_models()} == {
        "elevenlabs/eleven_music",
        "google/lyria2",
        "minimax/music-2.0",
        "minimax/music-2.6",
        "stable-audio",
    }


def test_each_model_gets_the_length_in_its_own_field_and_unit_within_its_limits() -> None:
    eleven, stable, lyria = music_model(ELEVEN), music_model("stable-audio"), music_model("google/lyria2")
    assert eleven and stable and lyria
    assert music_payload(eleven, prompt="waltz", seconds=45.4) == {
        "model": ELEVEN,
        "prompt": "waltz",
        "music_length_ms": 45400,
    }
    assert music_payload(eleven, prompt="w", seconds=3)["music_length_ms"] == 10000  # the documented minimum
    assert music_payload(stable, prompt="w", seconds=90)["seconds_total"] == 47  # the documented maximum
    assert music_payload(lyria, prompt="harp", seconds=60) == {"model": "google/lyria2", "prompt": "harp"}
    instrumental = music_model("minimax/music-2.6")
    assert instrumental and music_payload(instrumental, prompt="a bed", seconds=20)["is_instrumental"] is True
    assert "is_instrumental" not in music_payload(instrumental, prompt="a song", seconds=20, lyrics="la la la la la")


def test_the_estimate_is_the_live_price_per_second_and_matches_what_the_backend_bills(
    backend: OfflineBackend,
) -> None:
    forget_prices()
    pricing = assist_pricing(backend.url, [ELEVEN])[ELEVEN]
    eleven = music_model(ELEVEN)
    assert eleven is not None
    usd = music_estimate(eleven, 30, pricing)
    assert usd == pytest.approx(credits_for(assist_model("music", ELEVEN), {"second": 30}) / 2_000_000)
    assert music_estimate(eleven, 3, pricing) == music_estimate(eleven, 10, pricing)  # priced as it will be made
    assert music_estimate(eleven, 30, None) is None


def test_music_is_started_followed_and_kept_in_the_media_storage(backend: OfflineBackend, tmp_path: Path) -> None:
    client = client_of(backend)
    generation_id = start_music(client, model_id=ELEVEN, prompt="calm piano", seconds=12, client_request_id="m-1")
    assert music_state(client, generation_id).status in ("waiting", "done")
    done = wait_for(client, generation_id)
    assert done.status == "done" and done.url and done.error is None
    storage = LocalFolderStorage(tmp_path / "media")
    kept = keep_music(client, storage, done.url)
    assert kept.parent == tmp_path / "media" / "music" and kept.suffix == ".mp3"
    assert audio_duration(kept.read_bytes()) == pytest.approx(12, abs=0.05)
    assert keep_music(client, storage, done.url) == kept  # kept once per content
    assert [(r["client_request_id"], r["inference_id"]) for r in rows(backend)] == [("m-1", generation_id)]


def test_a_model_that_needs_lyrics_sends_nothing_without_them(backend: OfflineBackend) -> None:
    with pytest.raises(MusicError) as refused:
        start_music(
            client_of(backend), model_id="minimax/music-2.0", prompt="a song", seconds=30, client_request_id="s"
        )
    assert "lyrics" in str(refused.value)
    assert rows(backend) == []
    lyrics = "[Verse]\nRain on the window, rain on the road"
    started = start_music(
        client_of(backend),
        model_id="minimax/music-2.0",
        prompt="a folk song",
        seconds=30,
        client_request_id="s2",
        lyrics=lyrics,
    )
    assert wait_for(client_of(backend), started).status == "done"


def test_a_lost_answer_is_found_in_the_usage_logs_and_never_sent_again(backend: OfflineBackend) -> None:
    generation_id = start_music(
        client_of(backend, "drop-answer"), model_id=ELEVEN, prompt="drums", seconds=10, client_request_id="lost-1"
    )
    assert [(r["client_request_id"], r["inference_id"]) for r in rows(backend)] == [("lost-1", generation_id)]
    assert wait_for(client_of(backend), generation_id).status == "done"


class _AnswerLostClient(AssistClient):
    """Sends the request for real, then loses whatever came back, as a cut connection would."""

    def post(self, path: str, payload: Any, *, client_request_id: str | None = None) -> AssistReply:
        with contextlib.suppress(BadRequestError):
            super().post(path, payload, client_request_id=client_request_id)
        raise SubmitAnswerLost(client_request_id=client_request_id)


def test_a_lost_answer_to_a_refused_request_says_so_and_nothing_was_charged(backend: OfflineBackend) -> None:
    client = _AnswerLostClient(backend.url, "k")
    client._session.headers["X-Offline-Faults"] = "submit-error=400"
    with pytest.raises(MusicError) as refused:
        start_music(client, model_id=ELEVEN, prompt="drums", seconds=10, client_request_id="lost-2")
    assert "refused" in str(refused.value) and "nothing was charged" in str(refused.value)


def test_a_lost_answer_not_in_the_logs_is_said_as_lost_after_a_few_looks(backend: OfflineBackend) -> None:
    waits: list[float] = []
    with pytest.raises(SubmitAnswerLost):
        start_music(
            _NeverSent(backend.url, "k"),
            model_id=ELEVEN,
            prompt="d",
            seconds=10,
            client_request_id="gone",
            wait=waits.append,
        )
    assert len(waits) == LOST_LOOKS - 1
    assert rows(backend) == []


class _NeverSent(AssistClient):
    """Loses the answer of a request that never reached the backend."""

    def post(self, path: str, payload: Any, *, client_request_id: str | None = None) -> AssistReply:
        raise SubmitAnswerLost(client_request_id=client_request_id)


def test_a_failed_generation_says_why_in_words(backend: OfflineBackend) -> None:
    generation_id = start_music(
        client_of(backend, "fail"), model_id=ELEVEN, prompt="drums", seconds=10, client_request_id="f"
    )
    failed = wait_for(client_of(backend), generation_id)
    assert failed.status == "failed" and failed.url is None
    assert failed.error and failed.error.startswith("The music could not be made:")


def test_keep_music_refuses_what_is_not_sound(tmp_path: Path, backend: OfflineBackend) -> None:
    not_sound = "data:audio/mpeg;base64," + base64.b64encode(b"this is not an mp3 at all" * 40).decode()
    storage = LocalFolderStorage(tmp_path / "media")
    with pytest.raises(MusicError) as refused:
        keep_music(client_of(backend), storage, not_sound)
    assert "could not be read as sound" in str(refused.value)
    assert not (tmp_path / "media" / "music").exists()
