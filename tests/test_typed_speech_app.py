"""Type what they say, on the Generate page: a speech made once, played, and sent as the field's recording."""

from __future__ import annotations

import base64

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import Studio, jpeg_bytes, studio_media
from tests.test_app import FABRIC, KEYS, choose, generate, open_studio, submitted_payloads, upload
from videostudio.offline.assist import speech as offline_speech

pytestmark = pytest.mark.apptest

AUDIO = f"{KEYS[FABRIC]}__audio_url"
WORDS = "Hello, I am the voice of this portrait, and I am happy to meet you today."


@pytest.fixture(autouse=True)
def _synthetic_voice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offline_speech, "espeak_available", lambda: False)  # quick; engines are tested apart


def _speech_calls(studio: Studio) -> list[str]:
    rows = studio.backend.logs.query({"period": ["24h"]})["data"]  # type: ignore[attr-defined]
    return [r["model"] for r in rows if r["model"] == "openai/gpt-4o-mini-tts"]


def _typed(at: AppTest, words: str = WORDS) -> None:
    upload(at, FABRIC, "image_url", "face.jpg", jpeg_bytes((600, 800)), "image/jpeg")
    at.get_by_key(f"{AUDIO}__source").set_value("Type what they say").run()
    at.text_area(key=f"{AUDIO}__speech_text").input(words).run()
    assert not at.exception, [e.value for e in at.exception]


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption).replace("\\$", "$")  # markdown_safe escapes the dollar sign


def _make(at: AppTest) -> None:
    at.button(key=f"{AUDIO}__speech_make").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_typed_words_become_the_recording_generate_sends(studio: Studio) -> None:
    at = open_studio()
    choose(at, FABRIC)
    _typed(at)
    captions = _captions(at)
    # Before anything is sent: the length and price (dollars first), and the video model's limit beside them.
    assert "About 6.4 s" in captions and "$0.00" in captions and "credits to make (simulated)" in captions
    assert "Fabric 1.0 takes audio up to 30 s" in captions
    assert _speech_calls(studio) == []

    at.selectbox(key=f"{AUDIO}__speech_voice__openai-gpt-4o-mini-tts").select("nova").run()
    _make(at)
    assert _speech_calls(studio) == ["openai/gpt-4o-mini-tts"]
    assert len(at.get("audio")) == 1
    assert "This speech is what Generate sends" in _captions(at) and "nova" in _captions(at)
    assert "already spent making the speech" in _captions(at)

    generate(at)
    [payload] = submitted_payloads(studio)
    header, encoded = payload["audio_url"].split(",", 1)
    [kept] = (studio_media().root / "speech").glob("*.wav")  # type: ignore[attr-defined]
    assert header == "data:audio/wav;base64" and base64.b64decode(encoded) == kept.read_bytes()
    assert _speech_calls(studio) == ["openai/gpt-4o-mini-tts"]  # Generate sent the speech, it did not make another


def test_the_same_words_are_made_once_and_again_only_on_purpose(studio: Studio) -> None:
    at = open_studio()
    choose(at, FABRIC)
    _typed(at)
    _make(at)
    # The rest of a double click, or a press that reached the server before the button was redrawn: dropped.
    at.session_state[f"{AUDIO}__speech_claim"] = True
    at.session_state[f"{AUDIO}__speech_asked"] = "new"
    at.run()
    assert _speech_calls(studio) == ["openai/gpt-4o-mini-tts"]
    assert not at.session_state[f"{AUDIO}__speech_claim"]  # given back: the button works again

    button = at.button(key=f"{AUDIO}__speech_make")
    assert button.label == "Make it again" and not button.disabled
    made_first = at.session_state[f"{AUDIO}__speech"].made_id
    button.click().run()
    assert _speech_calls(studio) == ["openai/gpt-4o-mini-tts"] * 2
    # A second press of "Make it again" drawn under the speech it replaced counts once.
    at.session_state[f"{AUDIO}__speech_claim"] = True
    at.session_state[f"{AUDIO}__speech_asked"] = made_first
    at.run()
    assert _speech_calls(studio) == ["openai/gpt-4o-mini-tts"] * 2

    # New words make a new speech with the plain button.
    at.text_area(key=f"{AUDIO}__speech_text").input("Goodbye now.").run()
    assert at.button(key=f"{AUDIO}__speech_make").label == "Make the speech"
    assert "The words, model or voice changed since it was made" in _captions(at)
    _make(at)
    assert len(_speech_calls(studio)) == 3


def test_a_claim_left_by_a_stopped_run_is_given_back(studio: Studio) -> None:
    at = open_studio()
    choose(at, FABRIC)
    _typed(at)
    at.session_state[f"{AUDIO}__speech_claim"] = True
    at.run()
    assert not at.button(key=f"{AUDIO}__speech_make").disabled
    _make(at)
    assert _speech_calls(studio) == ["openai/gpt-4o-mini-tts"]


def test_too_long_a_speech_is_warned_about_and_too_long_a_text_cannot_be_sent(studio: Studio) -> None:
    at = open_studio()
    choose(at, FABRIC)
    _typed(at, " ".join(["word"] * 100))  # about 40 s: over Fabric's 30 s
    assert any("longer than the 30 s Fabric 1.0 takes" in w.value for w in at.warning)
    assert not at.button(key=f"{AUDIO}__speech_make").disabled  # a warning: the person decides

    at.text_area(key=f"{AUDIO}__speech_text").input("x" * 4097).run()
    assert "Too long for gpt-4o-mini-tts: 4,097 characters, at most 4,096" in _captions(at)
    assert at.button(key=f"{AUDIO}__speech_make").disabled
    assert _speech_calls(studio) == []


def test_the_speech_survives_switching_models_and_shows_as_the_fields_file(studio: Studio) -> None:
    at = open_studio()
    choose(at, FABRIC)
    _typed(at)
    at.selectbox(key=f"{AUDIO}__speech_model").select("minimax/speech-2.8-hd").run()
    at.selectbox(key=f"{AUDIO}__speech_voice__minimax-speech-2-8-hd").select("Calm_Woman").run()
    _make(at)
    assert at.session_state[f"{AUDIO}__speech"].speech.voice == "Calm_Woman"

    choose(at, "video-01")
    choose(at, FABRIC)
    assert at.text_area(key=f"{AUDIO}__speech_text").value == WORDS
    assert len(at.get("audio")) == 1 and "Calm Woman" in _captions(at)
    # Upload shows it as the field's recording, as an uploaded file would be.
    at.get_by_key(f"{AUDIO}__source").set_value("Upload").run()
    assert "speech-calm-woman.wav" in _captions(at)
    generate(at)
    assert submitted_payloads(studio)[0]["audio_url"].startswith("data:audio/wav;base64,")
    assert _speech_calls(studio) == []  # MiniMax's, not OpenAI's
    assert [r["model"] for r in studio.backend.logs.query({"period": ["24h"]})["data"]].count(  # type: ignore[attr-defined]
        "minimax/speech-2.8-hd"
    ) == 1


def test_an_error_is_said_in_plain_words_and_nothing_is_kept(studio: Studio) -> None:
    from videostudio.offline.faults import FaultConfig

    at = open_studio()
    choose(at, FABRIC)
    _typed(at)
    studio.backend.faults = FaultConfig.parse("submit-error=503")  # type: ignore[attr-defined]
    _make(at)
    assert any("temporarily unavailable" in e.value for e in at.error)
    assert f"{AUDIO}__speech" not in at.session_state and not at.get("audio")
    assert not at.button(key=f"{AUDIO}__speech_make").disabled  # free for the person's next try
