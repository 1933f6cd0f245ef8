"""The offline ``POST /v1/tts``: speech from text, answered as the official documents show it.

The answer is ``{"audio": <signed link to a WAV file>, "meta": {"usage": {"credits_used", "usd_spent"}}}`` (every
speech document's 200 answer). The speech itself is real when Debian's ``espeak-ng`` is installed (run as a
subprocess writing WAV to its standard output), else a synthetic speech-like voice (syllable-rate bursts of
formant-like tones, ``render.audio.speech_tone``), so a machine without espeak-ng still works. Either way:

- the length follows the text: about ``WORDS_PER_MINUTE`` words a minute, times the ``speed`` the model takes
  (OpenAI's ``speed``, MiniMax's ``voice_setting.speed``, ElevenLabs' ``voice_settings.speed``);
- the voice changes the sound: each voice of a model maps, by its place in the model's list, to its own espeak
  variant and pitch (or, for the synthetic voice, its own pitch and rhythm): the same voice always sounds the same;
- a request the model's schema refuses (no text, text over ``maxLength``, a voice not in the enum, an unknown
  model) gets the API's 400, "Body validation error! …".

Where the voice and speed sit is read from each model's schema (a property named ``voice`` or ``voice_id``, at the
top or in one nested object), never from a table of model ids. The price is the offline catalogue's per-character
rate (``prices.credits_for``).
"""

from __future__ import annotations

import io
import logging
import shutil
import struct
import subprocess
import uuid
import wave
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from videostudio.catalogue.assist import ASSIST_KINDS, AssistModel, assist_models
from videostudio.catalogue.pricing import CREDITS_PER_USD
from videostudio.offline.assist import AssistAnswer, AssistCall, RequestError
from videostudio.offline.assist.prices import credits_for
from videostudio.offline.plan import problems_message, schema_problems
from videostudio.offline.render.audio import speech_tone

log = logging.getLogger(__name__)

SPEECH_PATH = ASSIST_KINDS["speech"].path
WORDS_PER_MINUTE = 150.0
SAMPLE_RATE = 22_050  # espeak-ng's own rate; the synthetic voice is made at it too
ESPEAK = "espeak-ng"
# espeak-ng's -s is its own words-per-minute scale: 120 on it measured about 150 real words a minute (49 words of
# plain English: 19.3 s at -s 120). Its slowest and fastest rates bound what a speed can ask.
ESPEAK_RATE_PER_WPM = 120.0 / WORDS_PER_MINUTE
ESPEAK_RATES = (80, 450)
ESPEAK_TIMEOUT = 60.0
# espeak-ng's voice variants (espeak-ng-data/voices/!v): a voice name picks one, and a pitch, by a stable hash.
ESPEAK_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt3")
PITCHES = (25, 75)  # espeak-ng's -p runs 0-99, 50 by default
SYNTHETIC_PITCH_HZ = (95.0, 250.0)
LEAD_SECONDS = 0.12  # the synthetic voice's breath before the first word (speech_tone's)


def espeak_available() -> bool:
    """Whether ``espeak-ng`` is on this machine's PATH (scripts/test.sh installs Debian's package)."""
    return shutil.which(ESPEAK) is not None


def answer_speech(call: AssistCall) -> AssistAnswer:
    """Speak ``text`` with the chosen voice, keep it as a WAV file and answer with its link and cost."""
    model = _model_of(call.payload)
    problems = schema_problems(model.schema, call.payload)
    text = call.payload.get("text")
    if not problems and isinstance(text, str) and not text.strip():
        problems = ["text: String must contain at least 1 non-space character(s)"]
    if problems:
        raise RequestError(400, problems_message(problems))
    assert isinstance(text, str)
    _voice, number = spoken_voice(model, call.payload)
    speed = spoken_speed(call.payload)
    samples = _espeak(text, number, speed) if espeak_available() else None
    if samples is None:
        samples = synthetic_speech(text, number, speed)
    link = call.keep(wav_bytes(samples), "wav")
    credits = credits_for(model, {"character": len(text)})
    usage = {"credits_used": credits, "usd_spent": credits / CREDITS_PER_USD}
    return AssistAnswer(
        body={"audio": link, "meta": {"usage": usage}},
        model=model.id,
        inference_id=str(uuid.uuid4()),
        credits=credits,
    )


def _model_of(payload: Mapping[str, Any]) -> AssistModel:
    models = {m.id: m for m in assist_models("speech")}
    model_id = payload.get("model")
    if model_id is None:
        raise RequestError(400, problems_message(["model: Required"]))
    if model_id not in models:
        expected = " | ".join(f"'{m}'" for m in models)
        problem = f"model: Invalid enum value. Expected {expected}, received '{model_id}'"
        raise RequestError(400, problems_message([problem]))
    return models[model_id]


def _voice_node(schema: Mapping[str, Any]) -> tuple[tuple[str, ...], Mapping[str, Any]] | None:
    """Where the voice sits in the request (its path) and its schema: ``voice``, else ``<object>.voice_id``."""
    properties = schema.get("properties") or {}
    for name in ("voice", "voice_id"):
        if isinstance(properties.get(name), Mapping):
            return (name,), properties[name]
    for name, node in properties.items():
        inner = node.get("properties") if isinstance(node, Mapping) else None
        if isinstance(inner, Mapping) and isinstance(inner.get("voice_id"), Mapping):
            return (name, "voice_id"), inner["voice_id"]
    return None


def spoken_voice(model: AssistModel, payload: Mapping[str, Any]) -> tuple[str, int]:
    """The voice asked for (else the schema's default) and its number: its place in the model's list of voices, so
    each voice of a model gets its own sound; a voice the list does not name (a custom one) is numbered by a hash."""
    found = _voice_node(model.schema)
    if found is None:
        return model.id, 0
    path, node = found
    value: Any = payload
    for part in path:
        value = value.get(part) if isinstance(value, Mapping) else None
    voice = str(value) if isinstance(value, str) and value else str(node.get("default") or model.id)
    listed = [v for branch in (node, *(node.get("anyOf") or ())) for v in branch.get("enum") or ()]
    return voice, listed.index(voice) if voice in listed else zlib.crc32(voice.encode()) % 1000


def spoken_speed(payload: Mapping[str, Any]) -> float:
    """The ``speed`` asked for, at the top or in a nested voice setting; 1 when none (the schemas bound it)."""
    candidates = [payload.get("speed")]
    candidates += [v.get("speed") for v in payload.values() if isinstance(v, Mapping)]
    for value in candidates:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
    return 1.0


def espeak_command(voice_number: int, speed: float) -> list[str]:
    """The espeak-ng command line for a voice: its variant and pitch by its number (no two of a model's first
    ``len(ESPEAK_VARIANTS) × 41`` voices alike), its rate by the speed."""
    variant = ESPEAK_VARIANTS[voice_number % len(ESPEAK_VARIANTS)]
    low, high = PITCHES
    # Neighbours differ in pitch too; voices sharing a variant are 33 pitch steps apart, modulo the range.
    pitch = low + (voice_number * 17) % (high - low + 1)
    rate = round(min(max(WORDS_PER_MINUTE * speed * ESPEAK_RATE_PER_WPM, ESPEAK_RATES[0]), ESPEAK_RATES[1]))
    # -b 1: the text on standard input is UTF-8; --stdout: the WAV on standard output.
    return [ESPEAK, "--stdout", "-b", "1", "-v", f"en+{variant}", "-p", str(pitch), "-s", str(rate)]


def _espeak(text: str, voice_number: int, speed: float) -> np.ndarray | None:
    """espeak-ng's speech as int16 mono samples at SAMPLE_RATE, or None when it failed (logged)."""
    try:
        done = subprocess.run(
            espeak_command(voice_number, speed),
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=ESPEAK_TIMEOUT,
            check=True,
        )
        return _wav_samples(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.warning("espeak-ng failed, the synthetic voice speaks instead: %s", exc)
        return None


def _wav_samples(data: bytes) -> np.ndarray:
    """The samples of espeak-ng's WAV. Written to a pipe, its header cannot know the length (it says 2 GB), so the
    chunks are walked and the data chunk is read to the end."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("espeak-ng wrote no WAV")
    at = 12
    while at + 8 <= len(data):
        chunk, size = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        if chunk == b"fmt ":
            channels, rate, bits = struct.unpack("<HI", data[at + 10 : at + 16]) + struct.unpack(
                "<H", data[at + 22 : at + 24]
            )
            if (channels, rate, bits) != (1, SAMPLE_RATE, 16):
                raise ValueError(f"espeak-ng wrote {channels} channels, {rate} Hz, {bits} bits")
        if chunk == b"data":
            body = data[at + 8 :]
            return np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2").copy()
        at += 8 + size + (size & 1)
    raise ValueError("espeak-ng's WAV has no data")


def spoken_seconds(text: str, speed: float) -> float:
    """How long ``text`` takes at about WORDS_PER_MINUTE × speed (the synthetic voice's length)."""
    words = max(1, len(text.split()))
    return LEAD_SECONDS + words * 60.0 / (WORDS_PER_MINUTE * speed) + 0.2


def synthetic_speech(text: str, voice_number: int, speed: float) -> np.ndarray:
    """A speech-like voice with no speech engine: syllable bursts of formant-like tones, pitched by the voice."""
    low, high = SYNTHETIC_PITCH_HZ
    pitch = low + (high - low) * ((voice_number * 37) % 64) / 63  # 64 pitches, neighbours far apart
    tone = speech_tone(spoken_seconds(text, speed), pitch_hz=pitch, seed=20240611 + voice_number, rate=SAMPLE_RATE)
    return (np.clip(tone[0] * 2.5, -1.0, 1.0) * 32767).astype("<i2")


def wav_bytes(samples: np.ndarray) -> bytes:
    """16-bit mono WAV at SAMPLE_RATE, with a header that knows its length."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
    return out.getvalue()
