"""Sound in the offline renderer: decoding an uploaded recording, stand-in voices and generated sound tracks."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from fractions import Fraction

import av
import numpy as np

AUDIO_RATE = 48_000
AAC_FRAME = 1024  # the native AAC encoder consumes exactly 1024 samples per frame
AUDIO_BITRATE = 128_000
# FFmpeg's default "twoloop" AAC coder took ~0.25 s for 5 s of stereo, a big slice of the CPU budget;
# the "fast" coder takes a third of that and is plenty for speech. Mono input stays mono: half the work.
AAC_OPTIONS = {"aac_coder": "fast"}


def audio_duration(data: bytes) -> float | None:
    """Return the length in seconds of an encoded audio file, or None if it cannot be decoded."""
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            # Count decoded samples rather than trusting header metadata: MP3/AAC durations in headers
            # are often estimates, and the caller uses this to size the video to the speech.
            samples = 0
            rate = 0
            for frame in container.decode(stream):
                samples += frame.samples
                rate = frame.sample_rate or rate
            if samples == 0 or rate == 0:
                return None
            return samples / rate
    except (av.FFmpegError, ValueError, OSError, EOFError):
        return None


def decode_audio(data: bytes, duration: float) -> np.ndarray:
    """Decode audio to planar float mono/stereo PCM at AUDIO_RATE, trimmed/padded to duration."""
    n_samples = round(duration * AUDIO_RATE)
    chunks: list[np.ndarray] = []
    have = 0
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                raise ValueError("audio file has no audio stream")
            stream = container.streams.audio[0]
            # Keep mono speech mono; anything with more channels is downmixed to stereo.
            layout = stream.codec_context.layout
            channels = 1 if layout is not None and layout.nb_channels == 1 else 2
            resampler = av.AudioResampler(format="fltp", layout=LAYOUTS[channels], rate=AUDIO_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
                    have += out.samples
                if have >= n_samples:
                    break  # no need to decode a long file past the clip's end
            else:
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray())
    except av.FFmpegError as exc:
        raise ValueError(f"cannot decode audio: {exc}") from exc
    pcm = np.concatenate(chunks, axis=1) if chunks else np.zeros((channels, 0), dtype=np.float32)
    if pcm.shape[1] >= n_samples:
        pcm = pcm[:, :n_samples].copy()
        # Trimming mid-waveform would click; a 15 ms fade-out hides the cut.
        fade = min(n_samples, int(0.015 * AUDIO_RATE))
        if fade:
            pcm[:, -fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    else:
        pcm = np.pad(pcm, ((0, 0), (0, n_samples - pcm.shape[1])))  # silence after the speech ends
    return np.ascontiguousarray(pcm, dtype=np.float32)


def speech_tone(
    duration: float, *, pitch_hz: float = 205.0, seed: int = 20240611, rate: int = AUDIO_RATE
) -> np.ndarray:
    """Synthesize a soft, speech-like stand-in: syllable bursts of voiced tones around ``pitch_hz`` (190-220 Hz by
    default; the offline speech endpoint gives each voice its own pitch and seed)."""
    n_samples = round(duration * rate)
    out = np.zeros(n_samples, dtype=np.float32)
    # Fixed seed: the same request renders the same file (handy for caching and tests).
    rng = np.random.default_rng(seed)
    pos = int(0.12 * rate)  # a breath before the first word
    syllables_left_in_phrase = int(rng.integers(3, 7))
    harmonics = np.arange(1, 7, dtype=np.float32)
    # Harmonic weights with a bump near 2-3x f0: a crude vowel formant so it reads as a voice, not a beep.
    weights = (1.0 / harmonics**1.3) * np.array([1.0, 1.2, 0.9, 0.5, 0.3, 0.2], dtype=np.float32)
    weights /= weights.sum()
    while pos < n_samples:
        length = int(rng.uniform(0.11, 0.26) * rate)
        end = min(n_samples, pos + length)
        seg = end - pos
        if seg <= 0:
            break
        u = np.linspace(0.0, 1.0, length, dtype=np.float32)[:seg]
        f_start = rng.uniform(190.0, 220.0) * (pitch_hz / 205.0)
        f_end = f_start * rng.uniform(0.86, 1.0)  # a slight falling inflection, like stressed syllables
        freq = f_start + (f_end - f_start) * u
        phase = 2 * np.pi * np.cumsum(freq) / rate
        voiced = (weights[:, None] * np.sin(harmonics[:, None] * phase[None, :])).sum(axis=0)
        # Quick attack, longer decay; the extra 5-7 Hz tremolo adds a bit of life.
        envelope = np.maximum(np.sin(np.pi * u), 0.0) ** 1.5 * (1.0 - 0.35 * u)
        tremolo = 1.0 + 0.15 * np.sin(2 * np.pi * rng.uniform(5.0, 7.0) * u * length / rate)
        out[pos:end] += (0.22 * rng.uniform(0.7, 1.0)) * envelope * tremolo * voiced
        pos = end
        syllables_left_in_phrase -= 1
        if syllables_left_in_phrase <= 0:
            pos += int(rng.uniform(0.25, 0.5) * rate)  # pause between phrases
            syllables_left_in_phrase = int(rng.integers(3, 7))
        else:
            pos += int(rng.uniform(0.03, 0.09) * rate)  # gap between syllables
    # Fade the very end so a burst cut by the clip boundary does not click.
    fade = min(n_samples, int(0.02 * rate))
    if fade:
        out[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return out[None, :]  # mono: the stand-in voice has no stereo image to keep


def ambience(duration: float, seed: str) -> np.ndarray:
    """A generated sound track: a low rumble, a soft drone and a few soft hits, seeded by the prompt (mono)."""
    n_samples = max(1, round(duration * AUDIO_RATE))
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))
    t = np.arange(n_samples, dtype=np.float32) / AUDIO_RATE
    # Rumble: noise at 1/64 of the rate, interpolated up, is low-passed for free.
    coarse = rng.standard_normal(n_samples // 64 + 2).astype(np.float32)
    rumble = np.interp(np.arange(n_samples) / 64, np.arange(coarse.size), coarse).astype(np.float32)
    base = rng.uniform(90.0, 160.0)
    drone = np.sin(2 * np.pi * base * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.25 * t))
    out = 0.08 * rumble + 0.06 * drone.astype(np.float32)
    # Hits: short decaying noise bursts, the kind of event sound foley adds.
    for start in rng.uniform(0.2, max(0.3, duration - 0.3), size=max(1, round(duration / 1.5))):
        first = int(start * AUDIO_RATE)
        length = min(n_samples - first, int(0.25 * AUDIO_RATE))
        if length > 0:
            decay = np.exp(-np.arange(length, dtype=np.float32) / (0.04 * AUDIO_RATE))
            out[first : first + length] += 0.25 * decay * rng.standard_normal(length).astype(np.float32)
    fade = min(n_samples, int(0.02 * AUDIO_RATE))
    out[:fade] *= np.linspace(0.0, 1.0, fade, dtype=np.float32)
    out[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return np.clip(out, -1.0, 1.0)[None, :]


def audio_frames(pcm: np.ndarray) -> Iterator[av.AudioFrame]:
    """Slice planar PCM into AAC-sized frames with sample-accurate pts."""
    total = pcm.shape[1]
    layout = layout_of(pcm)
    for start in range(0, total, AAC_FRAME):
        chunk = np.ascontiguousarray(pcm[:, start : start + AAC_FRAME])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
        frame.sample_rate = AUDIO_RATE
        frame.pts = start
        frame.time_base = Fraction(1, AUDIO_RATE)
        yield frame


LAYOUTS = {1: "mono", 2: "stereo"}


def layout_of(pcm: np.ndarray) -> str:
    """Channel layout name of planar PCM shaped (channels, samples)."""
    return LAYOUTS[pcm.shape[0]]
