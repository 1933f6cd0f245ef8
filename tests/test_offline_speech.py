"""The offline backend's ``POST /v1/tts``: speech of the text's length, a sound per voice, the API's refusals.

The espeak-ng path runs where Debian's ``espeak-ng`` is installed (scripts/test.sh installs it, so CI has it); the
synthetic voice is tested always, with espeak-ng hidden.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import requests
from jsonschema import Draft202012Validator

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import BadRequestError
from videostudio.catalogue.assist import assist_models
from videostudio.media.audio import prepare_audio
from videostudio.offline.assist import speech
from videostudio.offline.assist.prices import credits_for
from videostudio.offline.render.audio import decode_audio
from videostudio.offline.server import OfflineBackend

needs_espeak = pytest.mark.skipif(
    not speech.espeak_available(), reason="espeak-ng is not installed (scripts/test.sh installs it)"
)
TTS = "openai/gpt-4o-mini-tts"
SHORT = "Hello there, and welcome to the studio."
LONG = (
    "Every morning I walk to the market and buy fresh bread, some cheese and a few apples. Then I sit by the river "
    "and read a book until noon. It is the best part of my day, and I would not trade it for anything in the world."
)


@pytest.fixture
def backend(tmp_path) -> Iterator[OfflineBackend]:
    with OfflineBackend(tmp_path, speed=0) as started:
        yield started


@pytest.fixture(params=["espeak", "synthetic"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test that takes it runs with espeak-ng (where installed) and with the synthetic voice."""
    if request.param == "espeak":
        if not speech.espeak_available():
            pytest.skip("espeak-ng is not installed (scripts/test.sh installs it)")
    else:
        monkeypatch.setattr(speech, "espeak_available", lambda: False)
    return request.param


def _speak(backend: OfflineBackend, **payload: object) -> tuple[bytes, requests.Response]:
    answer = requests.post(
        backend.url + "/v1/tts",
        json={"model": TTS, **payload},
        headers={"Authorization": "Bearer k", "X-Client-Request-Id": "speech-1"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    audio = requests.get(answer.json()["audio"], timeout=10)
    assert audio.status_code == 200 and audio.headers["Content-Type"] == "audio/wav"
    return audio.content, answer


def _seconds(data: bytes) -> float:
    seconds = prepare_audio(data, "speech.wav").duration_seconds
    assert seconds is not None
    return seconds


def _pitch_and_brightness(data: bytes) -> tuple[float, float]:
    """The strongest frequency of the voice's range (60-400 Hz) and the spectrum's centroid, over the whole clip."""
    samples = decode_audio(data, _seconds(data))[0]
    spectrum = np.abs(np.fft.rfft(samples))
    freqs = np.fft.rfftfreq(samples.size, 1 / 48_000)
    band = (freqs > 60) & (freqs < 400)
    return float(freqs[band][np.argmax(spectrum[band])]), float((spectrum * freqs).sum() / spectrum.sum())


def test_the_length_follows_the_text_at_about_150_words_a_minute(backend: OfflineBackend, engine: str) -> None:
    short, _ = _speak(backend, text=SHORT)
    long, _ = _speak(backend, text=LONG)
    words = len(LONG.split())
    assert _seconds(long) == pytest.approx(words / 150 * 60, rel=0.25)
    assert _seconds(long) > 3 * _seconds(short)


def test_the_speed_field_shortens_the_speech(backend: OfflineBackend, engine: str) -> None:
    normal, _ = _speak(backend, text=LONG)
    quick, _ = _speak(backend, text=LONG, speed=2.0)
    assert _seconds(quick) == pytest.approx(_seconds(normal) / 2, rel=0.2)


def test_minimax_speed_sits_in_its_voice_setting(backend: OfflineBackend, engine: str) -> None:
    normal, _ = _speak(backend, model="minimax/speech-2.8-hd", text=LONG)
    quick, _ = _speak(backend, model="minimax/speech-2.8-hd", text=LONG, voice_setting={"speed": 2})
    assert _seconds(quick) == pytest.approx(_seconds(normal) / 2, rel=0.2)


def test_each_voice_sounds_its_own_and_the_same_voice_the_same(backend: OfflineBackend, engine: str) -> None:
    voices = ("alloy", "onyx", "nova", "shimmer")
    clips = {voice: _speak(backend, text=LONG, voice=voice)[0] for voice in voices}
    assert _speak(backend, text=LONG, voice="onyx")[0] == clips["onyx"]  # the same voice, the same sound
    assert len(set(clips.values())) == len(voices)
    measures = [_pitch_and_brightness(clips[voice]) for voice in voices]
    # Every two voices differ audibly: in their pitch (by 5% or more) or their brightness (by 3% or more).
    for i, (pitch, bright) in enumerate(measures):
        for other_pitch, other_bright in measures[i + 1 :]:
            assert abs(pitch - other_pitch) > 0.05 * pitch or abs(bright - other_bright) > 0.03 * bright


def test_no_voice_given_speaks_with_the_schemas_default(backend: OfflineBackend, engine: str) -> None:
    assert _speak(backend, text=SHORT)[0] == _speak(backend, text=SHORT, voice="alloy")[0]


@needs_espeak
def test_espeak_ng_speaks_when_installed(backend: OfflineBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    spoken, _ = _speak(backend, text=SHORT)
    monkeypatch.setattr(speech, "espeak_available", lambda: False)
    synthetic, _ = _speak(backend, text=SHORT)
    assert spoken != synthetic
    assert speech.espeak_command(0, 1.0)[:2] == ["espeak-ng", "--stdout"]


def test_a_failing_espeak_falls_back_to_the_synthetic_voice(
    backend: OfflineBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(speech, "espeak_available", lambda: False)
    synthetic, _ = _speak(backend, text=SHORT)
    monkeypatch.setattr(speech, "espeak_available", lambda: True)
    monkeypatch.setattr(speech, "ESPEAK", "false")  # runs, writes nothing, exits 1
    assert _speak(backend, text=SHORT)[0] == synthetic


@pytest.mark.parametrize("model", assist_models("speech"), ids=lambda m: m.id)
def test_every_speech_model_answers_as_its_document_shows(
    backend: OfflineBackend, model, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(speech, "espeak_available", lambda: False)  # the answer's shape, quickly
    _, answer = _speak(backend, model=model.id, text=SHORT)
    documented = _documented_answer(model)
    assert list(Draft202012Validator(documented).iter_errors(answer.json())) == []
    assert answer.json()["audio"].startswith(backend.url + "/files/")


def _documented_answer(model) -> dict:
    import json

    from videostudio.catalogue.assist import DOCS_DIR

    for file in (DOCS_DIR / "speech").rglob("*.json"):
        document = json.loads(file.read_text())
        operation = document["paths"]["/v1/tts"]["post"]
        if model.id in operation["requestBody"]["content"]["application/json"]["schema"]["properties"]["model"]["enum"]:
            return operation["responses"]["200"]["content"]["application/json"]["schema"]
    raise AssertionError(model.id)


def test_the_price_is_per_character_in_headers_meta_and_usage_logs(backend: OfflineBackend) -> None:
    _, answer = _speak(backend, text=LONG)
    model = next(m for m in assist_models("speech") if m.id == TTS)
    credits = credits_for(model, {"character": len(LONG)})
    assert credits > 0 and credits > credits_for(model, {"character": len(SHORT)})
    assert int(answer.headers["x-aimlapi-credits-used"]) == credits
    assert float(answer.headers["x-aimlapi-usd-spent"]) == pytest.approx(credits / 2_000_000)
    assert answer.json()["meta"]["usage"] == {"credits_used": credits, "usd_spent": pytest.approx(credits / 2_000_000)}
    rows = backend.logs.query({"period": ["24h"]})["data"]
    assert [(r["model"], r["status"], r["client_request_id"], r["cost"]["credits"]) for r in rows] == [
        (TTS, "succeeded", "speech-1", credits)
    ]


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"model": TTS}, "text: Required"),
        ({"model": TTS, "text": "x" * 4097}, "text:"),
        ({"model": TTS, "text": SHORT, "voice": "Rachel"}, "voice: Invalid enum value"),
        ({"model": "minimax/speech-2.8-hd", "text": "y" * 5001}, "text:"),
        ({"model": "elevenlabs/eleven_multilingual_v2", "text": SHORT, "voice": "alloy"}, "voice: Invalid enum"),
        ({"model": TTS, "text": "   "}, "text:"),
        ({"model": "no/such-tts", "text": SHORT}, "model: Invalid enum value"),
        ({"text": SHORT}, "model: Required"),
    ],
)
def test_what_the_schema_refuses_gets_the_apis_400_and_costs_nothing(
    backend: OfflineBackend, payload: dict, words: str
) -> None:
    answer = requests.post(backend.url + "/v1/tts", json=payload, headers={"Authorization": "Bearer k"}, timeout=10)
    assert answer.status_code == 400
    body = answer.json()
    assert body["statusCode"] == 400 and body["path"] == "/v1/tts"
    assert body["message"].startswith("Body validation error! ") and words in body["message"]
    assert [(r["status"], r["cost"]["credits"]) for r in backend.logs.query({"period": ["24h"]})["data"]] == [
        ("failed", 0)
    ]


def test_the_studio_client_gets_the_refusal_in_plain_words(backend: OfflineBackend) -> None:
    with pytest.raises(BadRequestError) as refused:
        AssistClient(backend.url, "k").post("/v1/tts", {"model": TTS, "text": SHORT, "voice": "nobody"})
    assert "voice" in str(refused.value)
