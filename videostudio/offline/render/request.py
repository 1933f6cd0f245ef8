"""What the offline renderer is asked to draw, and what it wrote: the data shared by render.py and its frames.

A module of its own so the frame sources (render_frames.py) and the encoder (render.py) both depend on it, and
not on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RenderRequest:
    """What to render; see render_video."""

    width: int  # even, output frame size
    height: int
    duration: float  # seconds
    caption: str = ""  # the prompt, drawn as a caption (wrapped, max 2 lines, ellipsis)
    image: bytes | None = None  # encoded image bytes (any Pillow format); the frames come from it
    end_image: bytes | None = None  # optional last frame: cross-fade to it over the clip (Kling tail frame)
    placeholder_title: str = ""  # used when image is None: a titled placeholder frame
    audio: bytes | None = None  # encoded audio file bytes to carry into the MP4 as AAC
    tone: bool = False  # no audio given but a stand-in speech track wanted (pixverse lip-sync)
    motion: str = "zoom"  # "zoom" (slow Ken Burns zoom-in) or "pan" (slow horizontal pan)
    fps: int = 24
    keyframes: tuple[bytes, ...] = ()  # images between image and end_image: the clip cross-fades through them
    video: bytes | None = None  # an input clip whose frames are reused (replayed with a tint, or extended)
    extend: bool = False  # with video: the input plays once, then new frames carry on from its last frame
    scene: str = ""  # no image and no placeholder title: a scene drawn from this text (the prompt)
    ambience: bool = False  # no audio and no tone: a generated sound track (foley, generate_audio)


@dataclass(frozen=True)
class RenderResult:
    """What render_video wrote."""

    path: Path
    width: int
    height: int
    duration: float
    has_audio: bool
    size_bytes: int
