"""A film assembled from its shots: the pictures in order, each shot's narration over it, music under the whole film.

Pure module (no Streamlit), on PyAV. The pictures are joined as ``clip_join`` joins clips (``write_joined``): copied
as they were when every shot has one video format, size and frame rate, else re-encoded to the first shot's size
(letterboxed, never stretched) at one frame rate. The sound is always made anew as one AAC track: each shot's own sound
(silence without), its narration from the shot's start and cut at its end, and the music under the whole film
(looped when shorter, cut when longer, faded out over the last second). Audio of any kind, rate and channels is
resampled; where the sum would pass -1 dBFS it is turned down for that moment, so loud moments never clip.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from videostudio.catalogue.labels import and_list
from videostudio.library.clip_join import ChainError, ClipInfo, clip_info, clip_sound, scaled_clips, write_joined
from videostudio.library.sound_track import SOUND_RATE, decoded_sound, fitted_length, sound_channels
from videostudio.library.videos import VideoFileError, probe_video

if TYPE_CHECKING:  # numpy takes a while to load: it is imported where a film is assembled
    import numpy as np

log = logging.getLogger(__name__)

_FADE_OUT = 1.0  # seconds: the music fades out over the film's last second (over half the film when shorter)
_SEAM = 0.015  # seconds: a sound cut mid-wave (narration at its shot's end, music at each loop) fades over this
_CEILING = 0.891  # -1 dBFS: the mixed sound is turned down where it would pass this (lossy coding overshoots a little)
_GLIDE = 480  # samples (10 ms) over which the limiter's gain moves
_NOT_ASSEMBLED = (
    "The studio could not write the film. Check that each shot plays in History and that the disk has room, "
    "then make the film again."
)


@dataclass(frozen=True)
class FilmPart:
    """One shot of a film: its video, and the narration spoken over it (an audio file of any kind), if any."""

    video: Path
    narration: Path | None = None


@dataclass(frozen=True)
class AssembledFilm:
    path: Path
    seconds: float
    size: tuple[int, int]  # width, height
    method: str  # what was done, in plain words: "pictures copied as they were; …", "re-encoded to 1280×720; …"


class FilmError(Exception):
    """A film cannot be assembled; the message is for the person."""


def assemble_film(
    shots: Sequence[FilmPart],
    out: Path,
    *,
    music: Path | None = None,
    music_level: float = 0.3,
    narration_level: float = 1.0,
) -> AssembledFilm:
    """Assemble ``shots`` in order into the MP4 ``out`` (atomically); its length is the sum of theirs.

    ``music_level`` and ``narration_level`` scale those sounds (1.0 as recorded); the shots' own sound stays as it was.
    """
    import av

    if not shots:
        raise FilmError("The film has no shots yet. Add a shot, then make the film again.")
    if music_level < 0 or narration_level < 0:
        raise ValueError(f"levels are never negative: music {music_level}, narration {narration_level}")
    clips = [_shot_clip(number, shot.video) for number, shot in enumerate(shots, 1)]
    plan = _sound_plan(shots, clips, music, narration_level, music_level)
    size = clips[0].shown_size
    try:
        copied = write_joined(clips, out, size, plan, steady=True)
        seconds, width, height = probe_video(out)
    except (av.FFmpegError, OSError, ValueError, VideoFileError) as exc:
        # The library's words (an errno, "returned 22") are for the log; the person gets what to do.
        log.exception("assembling the film %s from %s failed", out, [str(c.path) for c in clips])
        raise FilmError(_NOT_ASSEMBLED) from exc
    narrated = [number for number, shot in enumerate(shots, 1) if shot.narration]
    method = _method(clips, (width, height), copied, narrated, music is not None, plan is not None)
    return AssembledFilm(out, seconds, (width, height), method)


@dataclass(frozen=True)
class FilmSound:
    """The film's sound plan (``sound_track.SoundPlan``): each shot's own sound, its narration and the music's span,
    mixed and limited. ``clips`` are the shots; ``narrations`` (one per shot, or None) and ``music`` are already at
    ``channels`` and ``SOUND_RATE``; ``total`` is the film's length in samples."""

    channels: int
    clips: Sequence[ClipInfo]
    narrations: Sequence[np.ndarray | None]
    music: np.ndarray | None
    total: int
    narration_level: float
    music_level: float

    def samples(self, index: int, begin: int, length: int) -> np.ndarray:
        mixed = clip_sound(self.clips[index], self.channels, length)
        narration = self.narrations[index]
        if narration is not None and narration.shape[1]:
            mixed += self.narration_level * faded_out(fitted_length(narration, length), _SEAM)
        if self.music is not None and self.music_level:
            mixed += self.music_level * self.music_span(begin, length)
        return limited(mixed)

    def music_span(self, begin: int, length: int) -> np.ndarray:
        """The music from ``begin`` for ``length`` samples: looped, and faded out towards the film's end."""
        import numpy as np

        assert self.music is not None
        at = np.arange(begin, begin + length)
        span = self.music[:, at % self.music.shape[1]]
        fade = max(1, min(round(_FADE_OUT * SOUND_RATE), self.total // 2))
        return span * np.clip((self.total - at) / fade, 0.0, 1.0).astype(np.float32)


def _sound_plan(
    shots: Sequence[FilmPart], clips: Sequence[ClipInfo], music: Path | None, narration_level: float, music_level: float
) -> FilmSound | None:
    """The film's sound, its files read (their errors in plain words); None when no shot, narration or music has any."""
    voices = [_channels(shot.narration, f"Shot {n}'s narration") for n, shot in enumerate(shots, 1) if shot.narration]
    music_channels = _channels(music, "The music") if music is not None else 0
    channels = min(2, max(*(c.channels for c in clips), *voices, music_channels))
    if not channels:
        return None
    lengths = _lengths(clips)
    narrations = [
        _decoded(shot.narration, channels, lengths[n - 1], f"Shot {n}'s narration") if shot.narration else None
        for n, shot in enumerate(shots, 1)
    ]
    music_samples = _music(music, channels, sum(lengths)) if music is not None else None
    return FilmSound(channels, clips, narrations, music_samples, sum(lengths), narration_level, music_level)


def limited(samples: np.ndarray) -> np.ndarray:
    """``samples`` as they were where they stay under ``_CEILING``; where they go past it, turned down just enough, the
    gain gliding over a few milliseconds (turned down, not clipped or bent: a bent wave is full of harsh overtones,
    which the AAC encoder then overshoots far past full scale)."""
    import numpy as np

    peak = np.abs(samples).max(axis=0)
    if not samples.size or peak.max() <= _CEILING:
        return samples
    need = np.minimum(1.0, _CEILING / np.maximum(peak, 1e-9))  # the gain each sample needs
    blocks = -(-need.size // _GLIDE)
    lowest = np.pad(need, (0, blocks * _GLIDE - need.size), constant_values=1.0).reshape(blocks, _GLIDE).min(axis=1)
    # Each block's gain no higher than its neighbours' either: gliding between block centres then never lets a
    # sample past the ceiling.
    held = np.minimum(lowest, np.minimum(np.r_[lowest[1:], 1.0], np.r_[1.0, lowest[:-1]]))
    gain = np.interp(np.arange(need.size), np.arange(blocks) * _GLIDE + (_GLIDE - 1) / 2, held)
    return (samples * gain.astype(np.float32)).astype(np.float32, copy=False)


def faded_out(samples: np.ndarray, seconds: float) -> np.ndarray:
    """``samples`` (a copy) with their last ``seconds`` faded to silence: a cut mid-wave does not click."""
    import numpy as np

    samples = samples.copy()
    count = min(samples.shape[1], round(seconds * SOUND_RATE))
    if count:
        samples[:, -count:] *= np.linspace(1.0, 0.0, count, dtype=np.float32)
    return samples


def _shot_clip(number: int, video: Path) -> ClipInfo:
    try:
        return clip_info(video, number)  # logs what the library said
    except ChainError as exc:
        raise FilmError(
            f"Shot {number}'s video is not one the studio can read. Make that shot again, or take it out of the film."
        ) from exc


def _channels(path: Path, what: str) -> int:
    """The channels of the sound file at ``path`` (``what`` names it for the person), which must hold sound."""
    import av

    try:
        channels = sound_channels(path)
    except (av.FFmpegError, OSError, ValueError) as exc:
        log.warning("%s (%s) cannot be read: %r", what, path, exc)
        raise FilmError(f"{what} is not a sound the studio can read. Make it again, or leave it out.") from exc
    if not channels:
        raise FilmError(f"{what} holds no sound. Make it again, or leave it out.")
    return channels


def _decoded(path: Path, channels: int, limit: int, what: str) -> np.ndarray:
    """The sound at ``path`` as samples (decoding stops past ``limit``); ``what`` names it for the person."""
    import av

    try:
        return decoded_sound(path, channels, limit=limit)
    except (av.FFmpegError, OSError, ValueError) as exc:
        log.warning("%s (%s) cannot be decoded: %r", what, path, exc)
        raise FilmError(f"{what} is not a sound the studio can read. Make it again, or leave it out.") from exc


def _music(path: Path, channels: int, total: int) -> np.ndarray:
    """The music's samples, as far as the film needs them; when it loops, its end fades so the loop does not click."""
    samples = _decoded(path, channels, total, "The music")
    if not samples.shape[1]:
        raise FilmError("The music holds no sound. Make it again, or leave it out.")
    return faded_out(samples, _SEAM) if samples.shape[1] < total else samples


def _lengths(clips: Sequence[ClipInfo]) -> list[int]:
    """Each shot's length in samples, rounded as ``write_joined`` places them."""
    ends, offset = [0], 0.0
    for clip in clips:
        offset += clip.seconds
        ends.append(round(offset * SOUND_RATE))
    return [end - begin for begin, end in zip(ends, ends[1:], strict=False)]


def _method(
    clips: Sequence[ClipInfo], size: tuple[int, int], copied: bool, narrated: list[int], music: bool, sound: bool
) -> str:
    """What was done, in plain words."""
    if copied:
        picture = "pictures copied as they were"
    else:
        picture = f"re-encoded to {size[0]}×{size[1]} at {float(max(c.rate for c in clips)):.4g} frames a second"
        resized, barred = scaled_clips(clips, size, copied)
        if resized:
            picture += f", shot{'s' if len(resized) > 1 else ''} {and_list(str(n) for n in resized)} scaled to fit"
            picture += " with black bars" if barred else ""
    if not sound:
        return f"{picture}; no sound"
    mixed = ["music under the whole film"] if music else []
    if narrated:
        mixed.insert(0, f"narration over shot{'s' if len(narrated) > 1 else ''} {and_list(str(n) for n in narrated)}")
    return f"{picture}; sound made anew" + (f" with {and_list(mixed)}" if mixed else "")
