"""Music in the offline renderer: chords, a bass line, an arpeggio and a beat, whose key and tempo follow the prompt.

Deterministic: the same prompt gives the same piece. The tempo is the prompt's own "NN BPM" when it says one, else
slower for calm words and faster for lively ones; the key is minor for sad or dark words (or "minor"), else major,
its root picked by the prompt's hash. Four bars (one per chord of a classic progression) are drawn once and repeated
to the asked length, then faded in and out, so five minutes cost little more than ten seconds.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

import av
import numpy as np

from videostudio.offline.render.audio import AUDIO_RATE, audio_frames, layout_of

MP3_BITRATE = 128_000
# LAME's fastest quality setting: three times quicker than its default, and plenty for a demo's music.
MP3_OPTIONS = {"compression_level": "9"}
_BPM = re.compile(r"(\d{2,3})\s*bpm", re.IGNORECASE)
_MINOR_WORDS = ("minor", "sad", "dark", "melanchol", "gloomy", "tense", "mysterious", "lonely", "somber", "noir")
_SLOW_WORDS = ("calm", "slow", "ambient", "peaceful", "meditat", "gentle", "soft", "lullaby", "piano")
_FAST_WORDS = ("fast", "energetic", "upbeat", "dance", "action", "drum", "rock", "epic", "techno", "chase")
_KEYS = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# Chords as (degree in semitones above the key's root, minor chord?): I-V-vi-IV and i-VI-III-VII.
_MAJOR_PROGRESSION = ((0, False), (7, False), (9, True), (5, False))
_MINOR_PROGRESSION = ((0, True), (8, False), (3, False), (10, False))


@dataclass(frozen=True)
class MusicPlan:
    """What a prompt asks for, in numbers: the key's root (0 = C), major or minor, and the tempo."""

    root: int
    minor: bool
    bpm: int

    @property
    def key_name(self) -> str:
        return f"{_KEYS[self.root]} {'minor' if self.minor else 'major'}"


def plan_music(prompt: str) -> MusicPlan:
    """The key and tempo a prompt gives, the same every time for the same prompt."""
    words = prompt.lower()
    digest = hashlib.sha256(prompt.strip().encode()).digest()
    stated = _BPM.search(prompt)
    if stated and 40 <= int(stated.group(1)) <= 220:
        bpm = int(stated.group(1))
    elif any(word in words for word in _SLOW_WORDS):
        bpm = 64 + digest[1] % 20
    elif any(word in words for word in _FAST_WORDS):
        bpm = 120 + digest[1] % 30
    else:
        bpm = 88 + digest[1] % 28
    return MusicPlan(root=digest[0] % 12, minor=any(word in words for word in _MINOR_WORDS), bpm=bpm)


def music_pcm(prompt: str, seconds: float, *, rate: int = AUDIO_RATE) -> np.ndarray:
    """Planar stereo float PCM (2, n) of music for ``prompt``, ``seconds`` long."""
    plan = plan_music(prompt)
    n_samples = max(1, round(seconds * rate))
    bar = round(4 * 60 / plan.bpm * rate)
    progression = _MINOR_PROGRESSION if plan.minor else _MAJOR_PROGRESSION
    phrase = np.concatenate([_bar(plan, degree, minor, bar, rate) for degree, minor in progression], axis=1)
    repeats = -(-n_samples // phrase.shape[1])
    out = np.tile(phrase, (1, repeats))[:, :n_samples].copy()
    fade_in = min(n_samples, int(0.5 * rate))
    fade_out = min(n_samples, int(min(3.0, seconds / 4) * rate))
    out[:, :fade_in] *= np.linspace(0.0, 1.0, fade_in, dtype=np.float32)
    out[:, n_samples - fade_out :] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32)
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def encode_mp3(pcm: np.ndarray, *, rate: int = AUDIO_RATE) -> bytes:
    """Planar float PCM as an MP3 file (PyAV's LAME encoder)."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=rate, layout=layout_of(pcm), options=MP3_OPTIONS)
        stream.bit_rate = MP3_BITRATE
        for frame in audio_frames(pcm):
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def _bar(plan: MusicPlan, degree: int, minor: bool, length: int, rate: int) -> np.ndarray:
    """One bar of four beats over one chord: a pad, a bass note per beat, an eighth-note arpeggio and drums."""
    t = np.arange(length, dtype=np.float32) / rate
    root_hz = 110.0 * 2 ** (((plan.root + degree) % 12) / 12)  # A2 to G#3
    chord = (0, 3 if minor else 4, 7)
    pad = sum(_tone(root_hz * 2 ** ((12 + step) / 12), t, harmonics=3) for step in chord) / 3
    pad *= 0.8 + 0.2 * np.sin(2 * np.pi * 0.5 * t)  # a slow swell
    beat = length // 4
    bass = np.zeros(length, dtype=np.float32)
    arpeggio = np.zeros(length, dtype=np.float32)
    drums = np.zeros(length, dtype=np.float32)
    for n in range(4):
        start = n * beat
        bass[start : start + beat] += _note(root_hz / 2, beat, rate, decay=0.35, harmonics=2)
        drums[start : start + beat] += _kick(beat, rate) if n % 2 == 0 else _snare(beat, rate, seed=n)
    eighth = length // 8
    for n in range(8):
        step = (0, *chord, 12, *chord[::-1])[n % 8]
        start = n * eighth
        arpeggio[start : start + eighth] += _note(root_hz * 2 ** ((24 + step) / 12), eighth, rate, decay=0.12)
        drums[start : start + eighth] += _hat(eighth, rate, seed=n)
    left = 0.22 * pad + 0.30 * bass + 0.16 * arpeggio + 0.30 * drums
    right = 0.22 * pad + 0.30 * bass + 0.10 * arpeggio + 0.34 * drums
    return np.stack([left, right]).astype(np.float32)


def _tone(hz: float, t: np.ndarray, *, harmonics: int = 1) -> np.ndarray:
    wave = sum(np.sin(2 * np.pi * hz * k * t) / k**1.5 for k in range(1, harmonics + 1))
    return np.asarray(wave, dtype=np.float32)


def _note(hz: float, length: int, rate: int, *, decay: float, harmonics: int = 1) -> np.ndarray:
    t = np.arange(length, dtype=np.float32) / rate
    attack = np.minimum(1.0, t / 0.005)  # 5 ms: no click at the start
    return (_tone(hz, t, harmonics=harmonics) * attack * np.exp(-t / decay)).astype(np.float32)


def _kick(length: int, rate: int) -> np.ndarray:
    t = np.arange(length, dtype=np.float32) / rate
    sweep = 2 * np.pi * (50 * t + 60 * 0.04 * (1 - np.exp(-t / 0.04)))  # 110 Hz falling to 50 Hz
    return (np.sin(sweep) * np.exp(-t / 0.12)).astype(np.float32)


def _snare(length: int, rate: int, *, seed: int) -> np.ndarray:
    t = np.arange(length, dtype=np.float32) / rate
    noise = np.random.default_rng(seed).standard_normal(length).astype(np.float32)
    return (0.5 * noise * np.exp(-t / 0.06) + 0.3 * np.sin(2 * np.pi * 190 * t) * np.exp(-t / 0.05)).astype(np.float32)


def _hat(length: int, rate: int, *, seed: int) -> np.ndarray:
    noise = np.random.default_rng(100 + seed).standard_normal(length).astype(np.float32)
    bright = np.diff(noise, prepend=np.float32(0))  # a first difference: the high end only
    t = np.arange(length, dtype=np.float32) / rate
    return (0.12 * bright * np.exp(-t / 0.015)).astype(np.float32)
