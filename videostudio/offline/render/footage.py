"""Input video in the offline renderer: what a clip is (length, size, sound) and its frames, decoded as needed.

Frames are decoded in order and only as far as the output needs them, so a long upload costs no more than the
seconds that are shown; looping reopens the clip instead of keeping every frame in memory.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import av
import numpy as np


@dataclass(frozen=True)
class ClipInfo:
    """What the container says about an input clip, read without decoding its frames."""

    duration: float  # seconds; 0 when the container does not say
    width: int
    height: int
    has_audio: bool


def clip_info(data: bytes) -> ClipInfo | None:
    """The clip's length, frame size and whether it has sound; None when it is not a video PyAV can open."""
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            if stream.duration and stream.time_base:
                duration = float(stream.duration * stream.time_base)
            elif container.duration:
                duration = container.duration / av.time_base
            else:
                duration = 0.0
            return ClipInfo(
                duration=duration,
                width=stream.codec_context.width,
                height=stream.codec_context.height,
                has_audio=bool(container.streams.audio),
            )
    except (av.FFmpegError, ValueError, OSError, EOFError):
        return None


class Footage:
    """An input clip's frames as RGB arrays cover-fitted to ``width`` x ``height``, by time in seconds."""

    def __init__(self, data: bytes, width: int, height: int) -> None:
        self._data = data
        self.width, self.height = width, height
        info = clip_info(data)
        if info is None:
            raise ValueError("cannot decode the input video")
        self.duration = info.duration
        self.frames_read = 0  # decoded so far, over every pass: shows that only what is shown gets decoded
        self._container: av.container.InputContainer | None = None
        self._open()

    def _open(self) -> None:
        self.close()
        self._container = av.open(io.BytesIO(self._data), "r")
        stream = self._container.streams.video[0]
        self._frames = self._container.decode(stream)
        self._current: av.VideoFrame | None = None
        self._current_time = -math.inf
        self._pending: av.VideoFrame | None = None
        self._rgb: np.ndarray | None = None
        self.exhausted = False

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None

    def at(self, seconds: float) -> np.ndarray:
        """The frame showing at ``seconds`` (the last one once the clip has ended)."""
        if seconds < self._current_time - 1e-6:
            self._open()  # going back (a loop): start again rather than keep every frame
        while not self.exhausted:
            if self._pending is None:
                try:
                    self._pending = next(self._frames)
                    self.frames_read += 1
                except (StopIteration, av.FFmpegError):
                    self.exhausted = True
                    break
            when = self._pending.time if self._pending.time is not None else self._current_time + 1e-3
            if self._current is not None and when > seconds + 1e-6:
                break
            self._current, self._current_time, self._pending, self._rgb = self._pending, when, None, None
        if self._current is None:
            raise ValueError("the input video has no frames")
        if self._rgb is None:
            self._rgb = self._cover(self._current)
        return self._rgb

    def _cover(self, frame: av.VideoFrame) -> np.ndarray:
        """Scale so the frame fills width x height, then crop the middle (CSS object-fit: cover)."""
        scale = max(self.width / frame.width, self.height / frame.height)
        scaled_w = max(self.width, math.ceil(frame.width * scale))
        scaled_h = max(self.height, math.ceil(frame.height * scale))
        rgb = frame.reformat(width=scaled_w, height=scaled_h, format="rgb24", interpolation="BILINEAR").to_ndarray()
        left, top = (scaled_w - self.width) // 2, (scaled_h - self.height) // 2
        return rgb[top : top + self.height, left : left + self.width]
