"""Limits a model states for its input videos, read from the field's prose description.

The official documents state video limits only in words ("Supported formats: MP4, MOV", "up to 240 frames",
"must not exceed 2,770,000 total pixels", "should not exceed 10 seconds"), so they are read from there. Where a
description states several limits of one kind (one per mode of the model), the loosest one is kept: the studio
must never refuse a video the model would take; the API has the last word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Plain container names a rule may list, and what a person calls them.
CONTAINER_WORDS = {"MP4": "MP4", "M4V": "MP4", "MOV": "MOV", "QUICKTIME": "MOV", "WEBM": "WEBM", "MKV": "MKV"}
CONTAINER_WORDS |= {"AVI": "AVI"}
# Codec words -> FFmpeg decoder names.
CODEC_WORDS = {"H.264": "h264", "H264": "h264", "AVC": "h264", "HEVC": "hevc", "H.265": "hevc", "H265": "hevc"}
CODEC_WORDS |= {"VP9": "vp9", "VP8": "vp8", "AV1": "av1"}

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_SECONDS = r"\s*(?:s|sec|secs|second|seconds)\b"
_RANGE = re.compile(rf"{_NUMBER}\s*(?:s|sec|secs|seconds)?\s*(?:-|–|—|to|and)\s*{_NUMBER}{_SECONDS}", re.I)
_AT_MOST = r"(?:up to|at most|no (?:more|longer) than|not (?:be )?(?:exceed|longer than|more than)|maximum(?: of)?|max\.?|under|less than|shorter than|within|≤|<=?)"  # noqa: E501
_AT_LEAST = r"(?:at least|no (?:less|shorter) than|minimum(?: of)?|min\.?|longer than|more than|over|≥|>=?)"
_MAX_SECONDS = re.compile(rf"{_AT_MOST}\s*(?:a duration of\s*)?{_NUMBER}{_SECONDS}", re.I)
_MIN_SECONDS = re.compile(rf"{_AT_LEAST}\s*{_NUMBER}{_SECONDS}", re.I)
_MAX_FRAMES = re.compile(rf"{_AT_MOST}\s*{_NUMBER}\s*frames\b", re.I)
_BYTES = re.compile(r"(\d+(?:\.\d+)?)\s*(KB|MB|GB)\b", re.I)
_MAX_PIXELS = re.compile(r"(\d[\d,]*)\s*(?:total\s+)?pixels", re.I)
_FRAME_SIZE = re.compile(r"(\d{3,4})\s*[x×]\s*(\d{3,4})")
_BETWEEN = re.compile(r"between\b(.*?)\band\b(.*?)(?:in resolution|resolution|[.;]|$)", re.I)
_MIN_P = re.compile(rf"(?:{_AT_LEAST}\s*(\d{{3,4}})p\b)|(?:(\d{{3,4}})p\s*or (?:higher|more|above))", re.I)
_MAX_P = re.compile(rf"{_AT_MOST}\s*(\d{{3,4}})p\b", re.I)
_MAX_FRAME_SIZE = re.compile(rf"{_AT_MOST}\s*(\d{{3,4}})\s*[x×]\s*(\d{{3,4}})", re.I)
# A limit inside "if …" / "when …" is a condition ("if the input is longer than 15 s, only the first 15 s are
# used"), not a rule for the upload.
_CONDITION = re.compile(r"\b(?:if|when|whenever|unless)\b", re.I)
_UNITS = {"KB": 1000, "MB": 1_000_000, "GB": 1_000_000_000}


@dataclass(frozen=True)
class VideoRules:
    """Limits on an input video. Zero or empty means "not stated"."""

    formats: tuple[str, ...] = ()  # plain container names, e.g. ("MP4", "MOV"); empty: MP4 or MOV
    codecs: tuple[str, ...] = ()  # FFmpeg decoder names, e.g. ("h264", "hevc"); empty: H.264 or HEVC
    min_seconds: float = 0.0
    max_seconds: float = 0.0
    max_frames: int = 0
    max_bytes: int = 0
    min_side: int = 0  # the shorter side, pixels
    max_side: int = 0  # the longer side, pixels
    min_pixels: int = 0  # width × height of one frame
    max_pixels: int = 0
    source: str = ""

    def describe(self) -> list[str]:
        """Plain-words lines, for the Models page and the upload's help."""
        lines = []
        if self.formats:
            lines.append("Video format: " + ", ".join(self.formats))
        if self.min_seconds or self.max_seconds:
            low, high = _plain(self.min_seconds), _plain(self.max_seconds)
            span = f"{low}–{high} s" if self.min_seconds and self.max_seconds else None
            lines.append(
                "Video length: " + (span or (f"at most {high} s" if self.max_seconds else f"at least {low} s"))
            )
        if self.max_frames:
            lines.append(f"Video at most {self.max_frames} frames")
        if self.max_bytes:
            lines.append(f"Video file at most {_plain(self.max_bytes / 1_000_000)} MB")
        if self.min_side:
            lines.append(f"Video shorter side at least {self.min_side} px")
        if self.max_side:
            lines.append(f"Video longer side at most {self.max_side} px")
        if self.min_pixels:
            lines.append(f"Video frame at least {self.min_pixels:,} pixels")
        if self.max_pixels:
            lines.append(f"Video frame at most {self.max_pixels:,} pixels")
        return lines


def video_rules_from_text(description: str) -> VideoRules:
    """The limits a field's description states for its video, e.g. "MP4/MOV, duration 2–10 s, up to 50MB"."""
    text = description or ""
    if not text.strip():
        return VideoRules()
    upper = text.upper()
    formats = tuple(
        dict.fromkeys(
            name for word, name in CONTAINER_WORDS.items() if re.search(rf"(?<![A-Z0-9]){word}(?![A-Z0-9])", upper)
        )
    )
    codecs = tuple(
        dict.fromkeys(
            name
            for word, name in CODEC_WORDS.items()
            if re.search(rf"(?<![A-Z0-9]){re.escape(word)}(?![A-Z0-9])", upper)
        )
    )
    minima, maxima = [], []
    for low, high in _stated(_RANGE, text):
        minima.append(_float(low))
        maxima.append(_float(high))
    maxima += [_float(v) for v in _stated(_MAX_SECONDS, text)]
    minima += [_float(v) for v in _stated(_MIN_SECONDS, text)]
    frames = [int(_float(v)) for v in _stated(_MAX_FRAMES, text)]
    sizes = [int(float(n) * _UNITS[unit.upper()]) for n, unit in _BYTES.findall(text)]
    max_pixels = [int(v.replace(",", "")) for v in _MAX_PIXELS.findall(text) if len(v.replace(",", "")) > 4]
    min_pixels: list[int] = []
    between = _BETWEEN.search(text)
    if between:
        low, high = _FRAME_SIZE.search(between[1]), _FRAME_SIZE.search(between[2])
        if low and high:
            min_pixels.append(int(low[1]) * int(low[2]))
            max_pixels.append(int(high[1]) * int(high[2]))
    min_side = [int(a or b) for a, b in _MIN_P.findall(text)]
    max_pixels += [round(int(p) ** 2 * 16 / 9) for p in _MAX_P.findall(text)]
    max_side = [max(int(w), int(h)) for w, h in _MAX_FRAME_SIZE.findall(text)]
    max_pixels += [int(w) * int(h) for w, h in _MAX_FRAME_SIZE.findall(text)]
    return VideoRules(
        formats=formats,
        codecs=codecs,
        # The loosest limit of each kind (see the module's docstring).
        min_seconds=min(minima, default=0.0),
        max_seconds=max(maxima, default=0.0),
        max_frames=max(frames, default=0),
        max_bytes=max(sizes, default=0),
        min_side=min(min_side, default=0),
        max_side=max(max_side, default=0),
        min_pixels=min(min_pixels, default=0),
        max_pixels=max(max_pixels, default=0),
        source=text.strip(),
    )


def _stated(pattern: re.Pattern[str], text: str) -> list:
    """``pattern``'s matches (as findall gives them) outside conditional clauses."""
    found = []
    for match in pattern.finditer(text):
        clause = re.split(r"[.;:\n]", text[: match.start()])[-1]
        if not _CONDITION.search(clause):
            groups = match.groups()
            found.append(groups if len(groups) > 1 else groups[0])
    return found


def _float(value: str) -> float:
    return float(value.replace(",", "."))


def _plain(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
