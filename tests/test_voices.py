"""videostudio.voices: the speech models from their documents, the estimate, and making and keeping a speech."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import ServerError, StudioError
from videostudio.catalogue.assist import assist_models, assist_pricing, forget_prices
from videostudio.media.audio import prepare_audio
from videostudio.offline.assist import AssistAnswer, AssistCall, speech
from videostudio.offline.assist.routes import ASSIST_ROUTES
from videostudio.offline.server import OfflineBackend
from videostudio.storage import LocalFolderStorage
from videostudio.voices import (
    SpeechError,
    default_speech_model,
    make_speech,
    speech_estimate,
    speech_model,
    speech_models,
)

TTS = "openai/gpt-4o-mini-tts"
MINIMAX = "minimax/speech-2.8-hd"
TEXT = "Every morning I walk to the market and buy fresh bread, some cheese and a few apples."


@pytest.fixture
def backend(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OfflineBackend]:
    monkeypatch.setattr(speech, "espeak_available", lambda: False)  # quick; the engines are tested apart
    with OfflineBackend(tmp_path / "offline", speed=0) as started:
        yield started


@pytest.fixture
def storage(tmp_path) -> LocalFolderStorage:
    return LocalFolderStorage(tmp_path / "media")


def _logged(backend: OfflineBackend) -> list[tuple[str, str | None]]:
    return [(r["status"], r["client_request_id"]) for r in backend.logs.query({"period": ["24h"]})["data"]]


def test_every_speech_document_gives_a_model_with_its_voices_and_limits() -> None:
    models = {m.id: m for m in speech_models()}
    assert set(models) == {m.id for m in assist_models("speech")}
    for model in models.values():
        assert model.voices and model.default_voice in model.voices, model.id
    tts = models["openai/gpt-4o-mini-tts"]
    assert (tts.voice_field, tts.default_voice, tts.text_limit) == ("voice", "alloy", 4096)
    assert "shimmer" in tts.voices
    minimax = models["minimax/speech-2.8-hd"]
    assert (minimax.voice_field, minimax.default_voice, minimax.text_limit) == (
        "voice_setting.voice_id",
        "Wise_Woman",
        5000,
    )
    assert models["elevenlabs/eleven_multilingual_v2"].text_limit is None  # its document states none
    assert default_speech_model().id == "openai/gpt-4o-mini-tts"


def test_a_request_puts_the_voice_where_the_document_has_it() -> None:
    minimax = speech_model("minimax/speech-2.8-hd")
    assert minimax is not None
    body = minimax.request("Hi.", "Calm_Woman")
    assert body["voice_setting"] == {"voice_id": "Calm_Woman"} and "voice" not in body
    deepgram = speech_model("deepgram/aura-2")
    assert deepgram is not None
    assert deepgram.request("Hi.", "zeus") == {
        "model": "deepgram/aura-2",
        "text": "Hi.",
        "voice": "zeus",
        "stream": False,
    }


def test_the_estimate_follows_the_words_and_the_price_per_character(backend: OfflineBackend) -> None:
    forget_prices()
    model = default_speech_model()
    pricing = assist_pricing(backend.url, [model.id])[model.id]
    short, long = speech_estimate(model, "Hello there.", pricing), speech_estimate(model, TEXT * 3, pricing)
    assert long.seconds == pytest.approx(len((TEXT * 3).split()) / 150 * 60)
    assert short.usd is not None and long.usd is not None and long.usd > short.usd > 0
    assert speech_estimate(model, TEXT, None).usd is None  # no catalogue price: unknown, never made up
    assert speech_estimate(model, "", pricing) == speech_estimate(model, "", None)


def test_a_speech_is_made_once_kept_by_its_content_and_measured(
    backend: OfflineBackend, storage: LocalFolderStorage
) -> None:
    client = AssistClient(backend.url, "k")
    made = make_speech(
        client, storage, model_id="openai/gpt-4o-mini-tts", voice="nova", text=TEXT, client_request_id="s-1"
    )
    assert made.path.is_file() and made.key.startswith("speech/") and made.path == storage.path(made.key)
    kept = prepare_audio(made.path.read_bytes(), "kept")
    assert made.seconds == pytest.approx(kept.duration_seconds)
    assert made.seconds == pytest.approx(len(TEXT.split()) / 150 * 60, rel=0.3)
    assert made.usd is not None and made.usd > 0
    assert (made.model_id, made.voice, made.text) == (TTS, "nova", TEXT)
    assert _logged(backend) == [("succeeded", "s-1")]


def test_minimax_voices_reach_the_backend_in_their_voice_setting(
    backend: OfflineBackend, storage: LocalFolderStorage
) -> None:
    client = AssistClient(backend.url, "k")
    one = make_speech(
        client, storage, model_id="minimax/speech-2.8-hd", voice="Calm_Woman", text=TEXT, client_request_id="a"
    )
    two = make_speech(
        client, storage, model_id="minimax/speech-2.8-hd", voice="Casual_Guy", text=TEXT, client_request_id="b"
    )
    assert one.path.read_bytes() != two.path.read_bytes()


def test_a_lost_answer_is_said_plainly_and_never_sent_again(
    backend: OfflineBackend, storage: LocalFolderStorage
) -> None:
    client = AssistClient(backend.url, "k")
    client._session.headers["X-Offline-Faults"] = "drop-answer"  # the offline backend's per-request fault switch
    with pytest.raises(SpeechError) as lost:
        make_speech(client, storage, model_id="openai/tts-1", voice="alloy", text=TEXT, client_request_id="lost-1")
    assert "lost" in str(lost.value) and "Nothing was sent again" in str(lost.value)
    assert _logged(backend) == [("succeeded", "lost-1")]  # made and billed once, asked once
    assert not (storage.root / "speech").exists()


def test_an_api_error_keeps_its_plain_words(backend: OfflineBackend, storage: LocalFolderStorage) -> None:
    client = AssistClient(backend.url, "k")
    client._session.headers["X-Offline-Faults"] = "submit-error=503"
    with pytest.raises(ServerError) as failed:
        make_speech(client, storage, model_id="openai/tts-1", voice="alloy", text=TEXT, client_request_id="e-1")
    assert isinstance(failed.value, StudioError) and "temporarily unavailable" in str(failed.value)
    assert _logged(backend) == [("failed", "e-1")]


@pytest.mark.parametrize(
    ("model_id", "voice", "text", "words"),
    [
        ("openai/tts-1", "alloy", "   ", "Type what they should say"),
        ("openai/tts-1", "alloy", "x" * 4097, "at most 4,096"),
        ("openai/tts-1", "Rachel", TEXT, "no voice called 'Rachel'"),
        ("no/such", "alloy", TEXT, "does not know"),
    ],
)
def test_what_the_document_refuses_is_never_sent(
    backend: OfflineBackend, storage: LocalFolderStorage, model_id: str, voice: str, text: str, words: str
) -> None:
    with pytest.raises(SpeechError) as refused:
        make_speech(
            AssistClient(backend.url, "k"), storage, model_id=model_id, voice=voice, text=text, client_request_id="r"
        )
    assert words in str(refused.value)
    assert _logged(backend) == []


def _answer_with(body: dict, data: bytes | None = None):
    def route(call: AssistCall) -> AssistAnswer:
        answer = {"audio": call.keep(data, "wav")} if data is not None else body
        return AssistAnswer(body=answer, model=str(call.payload["model"]), inference_id="x-1", credits=10)

    return route


@pytest.mark.parametrize(
    ("body", "data", "words"),
    [({"meta": {}}, None, "without the speech"), ({}, b"RIFF not really a wave file", "could not be played")],
)
def test_an_answer_without_playable_speech_is_said_plainly(
    backend: OfflineBackend,
    storage: LocalFolderStorage,
    monkeypatch: pytest.MonkeyPatch,
    body: dict,
    data: bytes | None,
    words: str,
) -> None:
    monkeypatch.setitem(ASSIST_ROUTES, ("POST", "/v1/tts"), _answer_with(body, data))
    with pytest.raises(SpeechError) as failed:
        make_speech(
            AssistClient(backend.url, "k"),
            storage,
            model_id="openai/tts-1",
            voice="alloy",
            text=TEXT,
            client_request_id="w",
        )
    assert words in str(failed.value)
    assert not (storage.root / "speech").exists()


def test_the_audio_limit_of_a_video_models_field_is_what_the_studio_knows() -> None:
    from videostudio.catalogue import load_catalogue
    from videostudio.form.fields import form_fields
    from videostudio.voices import audio_limit

    catalogue = load_catalogue()

    def limit(model_id: str) -> float | None:
        model = catalogue.get(model_id)
        [spec] = [s for s in form_fields(model) if s.path == "audio_url"]
        return audio_limit(model, spec.help)

    assert limit("veed/fabric-1.0") == 30  # its studio file's audio rules
    assert limit("bytedance/omnihuman") == 30  # "Audio must be under 30s long."
    assert limit("bytedance/seedance-2-0") == 15.2  # "must not exceed 15.2 seconds"
    assert limit("pixverse/lip-sync") is None  # its document states none
