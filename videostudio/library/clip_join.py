"""Clips joined into one MP4, whatever their picture sizes, frame rates and sounds.

Pure module (no Streamlit), on PyAV. The picture is copied as it was (packets remuxed, timestamps shifted) when every
clip has one video format, size and frame rate; otherwise every clip is re-encoded to H.264 at the first clip's size,
a clip of another size scaled to fit inside it (keeping its shape, black bars where the shapes differ, never
stretched), each frame kept at its own time.

The sound, when any clip has some, is always made anew: each clip's sound decoded, placed at the clip's start
(silence for a clip without sound, and where a clip's sound ends early) and encoded once as AAC (``sound_track``; a
film mixes more into it through its own ``SoundPlan``). Copying sound packets end to end cannot be done exactly: an
AAC stream starts with a priming packet that lands before the end of the clip before it (FFmpeg refused that with
"Invalid argument"), and the joins would click.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from videostudio.catalogue.labels import and_list
from videostudio.files import atomic_path
from videostudio.library.sound_track import SOUND_RATE, SoundPlan, SoundTrack, decoded_sound, fitted_length
from videostudio.library.videos import VideoFileError, probe_video

if TYPE_CHECKING:  # PyAV and numpy take about a second to load: they are imported where a join needs them
    import av
    import numpy as np

log = logging.getLogger(__name__)

_TIME_BASE = Fraction(1, 90_000)  # fine enough for every frame rate: each frame keeps its own time
# "ultrafast" with its three cheap omissions turned back on (CABAC, deblocking, mbtree), as the offline renderer
# measured: a 1080p join encodes in well under half the time of "veryfast". It makes no B-frames (see _Encoder).
_X264_OPTIONS = {"preset": "ultrafast", "crf": "20", "x264-params": "cabac=1:deblock=1:mbtree=1:rc-lookahead=10"}
_MP4_OPTIONS = {"movflags": "+faststart"}  # the index at the front: the browser plays before the whole file arrives
_BLACK = (16, 0x80, 0x80)  # Y, U, V of black in yuv420p's limited range
COPIED = "streams copied as they were"
_NOT_JOINED = (
    "The studio could not write the joined video. Check that each clip plays in History and that the disk has "
    "room, then press Join again."
)


class ChainError(Exception):
    """A clip cannot be continued from or joined; the message is for the person."""


@dataclass(frozen=True)
class ClipInfo:
    """What joining needs to know of one clip."""

    path: Path
    width: int
    height: int
    video: tuple[object, ...]  # codec, pixel format, extradata, frame rate: equal tuples can share one MP4 track
    rate: Fraction  # frames a second
    pixel_aspect: Fraction  # 1 for square pixels (every generated clip)
    colours: tuple[int, int, int, int]  # colour space, primaries, transfer and range, as tagged: kept when re-encoded
    channels: int  # of its sound; 0 without sound
    start: float  # its first timestamp, seconds
    seconds: float  # from its first timestamp to the end of its longest stream

    @property
    def shown_size(self) -> tuple[int, int]:
        """The size it is shown at: its pixels, widened or narrowed by their aspect."""
        return _even(self.width * self.pixel_aspect), _even(self.height)


@dataclass(frozen=True)
class JoinResult:
    path: Path
    seconds: float
    width: int
    height: int
    copied: bool  # the pictures copied as they were; False: re-encoded to H.264 at width × height
    sound: bool  # the joined video has a sound track (made anew from every clip's sound)
    resized: tuple[int, ...] = ()  # the clips (numbered from 1) scaled to fit the joined video's size
    barred: bool = False  # some of them are of another shape: black bars fill the rest

    @property
    def how(self) -> str:
        """How it was made, in plain words: "streams copied as they were", "re-encoded to 1920×1080 (…)"."""
        if self.copied:
            return "pictures copied as they were, sound re-encoded as one track" if self.sound else COPIED
        how = f"re-encoded to {self.width}×{self.height}"
        if self.resized:
            which = "clip " if len(self.resized) == 1 else "clips "
            which += and_list(str(n) for n in self.resized)
            how += f", {which} scaled to fit" + (" with black bars" if self.barred else "")
        return how


def clip_info(path: Path | str, number: int = 1) -> ClipInfo:
    """Probe one clip; ``number`` names it in messages ("clip 2")."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ChainError(f"Clip {number} holds no picture, so it cannot be joined. Remove it from the list.")
            video = container.streams.video[0]
            audio = container.streams.audio[0] if container.streams.audio else None
            ctx = video.codec_context
            start, end = None, 0.0
            for stream in filter(None, (video, audio)):
                if stream.duration is not None and stream.time_base is not None:
                    first = float((stream.start_time or 0) * stream.time_base)
                    start = first if start is None else min(start, first)
                    end = max(end, first + float(stream.duration * stream.time_base))
            seconds = end - (start or 0.0) if end else (container.duration or 0) / av.time_base
            rate = Fraction(video.base_rate or video.average_rate or 30)
            aspect = ctx.sample_aspect_ratio
            return ClipInfo(
                path=Path(path),
                width=ctx.width,
                height=ctx.height,
                video=(ctx.name, ctx.format.name if ctx.format else None, bytes(ctx.extradata or b""), rate),
                rate=rate,
                pixel_aspect=Fraction(aspect) if aspect and aspect > 0 else Fraction(1),
                colours=(int(ctx.colorspace), int(ctx.color_primaries), int(ctx.color_trc), int(ctx.color_range)),
                channels=audio.codec_context.channels if audio is not None else 0,
                start=start or 0.0,
                seconds=max(seconds, 0.0),
            )
    except (av.FFmpegError, OSError, ValueError) as exc:
        log.warning("clip %s (%s) cannot be read: %r", number, path, exc)
        raise ChainError(
            f"Clip {number} is not a video the studio can read. Open it in History to check that it plays, "
            "or remove it from the list."
        ) from exc


def can_copy(clips: Sequence[ClipInfo]) -> bool:
    """Whether the pictures can be copied into one MP4 track: one video format, size and frame rate in all."""
    first = clips[0]
    return all(c.video == first.video and (c.width, c.height) == (first.width, first.height) for c in clips)


def fitted_size(shown: tuple[int, int], frame: tuple[int, int]) -> tuple[int, int]:
    """The largest even size of the shape ``shown`` that fits inside ``frame`` (never stretched)."""
    scale = min(Fraction(frame[0], shown[0]), Fraction(frame[1], shown[1]))
    return min(frame[0], _even(shown[0] * scale)), min(frame[1], _even(shown[1] * scale))


def join_clips(paths: Sequence[Path | str], dest: Path) -> JoinResult:
    """Join ``paths`` in order into the MP4 ``dest`` (atomically); its length is the sum of theirs."""
    import av

    if len(paths) < 2:
        raise ChainError("Choose at least two clips to join.")
    clips = [clip_info(p, n) for n, p in enumerate(paths, 1)]
    size = clips[0].shown_size
    channels = min(max(c.channels for c in clips), 2)
    try:
        copied = write_joined(clips, dest, size, _OwnSound(channels, clips) if channels else None)
        seconds, width, height = probe_video(dest)
    except (av.FFmpegError, OSError, ValueError, VideoFileError) as exc:
        # The library's words (an errno, "returned 22") are for the log; the person gets what to do.
        log.exception("joining %s into %s failed", [str(c.path) for c in clips], dest)
        raise ChainError(_NOT_JOINED) from exc
    resized, barred = scaled_clips(clips, size, copied)
    return JoinResult(dest, seconds, width, height, copied, bool(channels), resized, barred)


def scaled_clips(clips: Sequence[ClipInfo], size: tuple[int, int], copied: bool) -> tuple[tuple[int, ...], bool]:
    """The clips (numbered from 1) scaled to fit ``size``, and whether any of them has black bars."""
    resized = () if copied else tuple(n for n, c in enumerate(clips, 1) if (c.width, c.height) != size)
    return resized, any(fitted_size(clips[n - 1].shown_size, size) != size for n in resized)


def write_joined(
    clips: Sequence[ClipInfo], dest: Path, size: tuple[int, int], sound: SoundPlan | None, *, steady: bool = False
) -> bool:
    """Write the clips' pictures and the ``sound`` planned (none: a silent video) as the MP4 ``dest``
    (atomically); whether the pictures were copied. Re-encoded and ``steady``, the video has one frame rate (the
    highest of the clips'); else each frame keeps its own time. PyAV's and the disk's errors pass through."""
    import av

    with atomic_path(dest) as tmp:
        if can_copy(clips):
            try:
                _write(clips, tmp, size, sound, copy=True)
                return True
            except (av.FFmpegError, ValueError) as exc:
                # Clips that look alike may still disagree (timestamps a muxer refuses): re-encoding always works.
                log.warning("copying the clips' pictures failed (%r); re-encoding them instead", exc)
        _write(clips, tmp, size, sound, copy=False, steady=steady)
        return False


def _write(
    clips: Sequence[ClipInfo],
    path: Path,
    size: tuple[int, int],
    plan: SoundPlan | None,
    *,
    copy: bool,
    steady: bool = False,
) -> None:
    """Write the joined MP4: every clip's picture (copied or re-encoded) and one sound track, interleaved."""
    import av

    with av.open(str(path), "w", format="mp4", options=_MP4_OPTIONS) as out:
        if copy:
            with av.open(str(clips[0].path)) as first:
                picture: _Copier | _Encoder = _Copier(out.add_stream_from_template(first.streams.video[0]))
        else:
            picture = _Encoder(out, size, max(c.rate for c in clips), clips[0].colours, steady)
        sound = SoundTrack(out, plan.channels) if plan is not None else None
        offset = 0.0
        for index, clip in enumerate(clips):
            if plan is not None and sound is not None:
                begin, end = round(offset * SOUND_RATE), round((offset + clip.seconds) * SOUND_RATE)
                sound.add(plan.samples(index, begin, end - begin))
            with av.open(str(clip.path)) as container:
                picture.add(out, container, clip, offset, sound)
            offset += clip.seconds
        picture.close(out, offset)
        if sound is not None:
            sound.close(out)


class _Copier:
    """The clips' video packets into one track, each clip's timestamps shifted to where it starts."""

    def __init__(self, stream: av.video.stream.VideoStream) -> None:
        self.stream = stream

    def add(
        self,
        out: av.container.OutputContainer,
        source: av.container.InputContainer,
        clip: ClipInfo,
        at: float,
        sound: SoundTrack | None,
    ) -> None:
        for packet in source.demux(source.streams.video[0]):
            if packet.dts is None or packet.size == 0:
                continue  # the demuxer's end-of-stream marker
            shift = round((at - clip.start) / packet.time_base)
            packet.pts = packet.pts + shift if packet.pts is not None else None
            packet.dts += shift
            if sound is not None:
                sound.until(out, float(packet.dts * packet.time_base))
            packet.stream = self.stream
            out.mux(packet)

    def close(self, out: av.container.OutputContainer, end: float) -> None:
        pass


class _Encoder:
    """The clips' frames decoded, fitted to one size and encoded as H.264, each at its own time (``steady``: on the
    nearest tick of ``rate``, repeated until the next frame's tick, so the video has one frame rate).

    A frame is encoded once the next one's time is known, so each lasts until the next (the last one until the end):
    the joined video lasts exactly as long as the clips together. No B-frames: with them the MP4's decode times run a
    fixed number of ticks behind, which cuts the end short when the frame rate changes between clips.
    """

    def __init__(
        self,
        out: av.container.OutputContainer,
        size: tuple[int, int],
        rate: Fraction,
        colours: tuple[int, ...],
        steady: bool = False,
    ) -> None:

        self.stream = out.add_stream("libx264", rate=rate, options=dict(_X264_OPTIONS))
        self.stream.width, self.stream.height, self.stream.pix_fmt = size[0], size[1], "yuv420p"
        ctx = self.stream.codec_context
        ctx.time_base = _TIME_BASE
        # Tagged as the first clip is (the offline clips say BT.709), so the browser shows the colours it did.
        ctx.colorspace, ctx.color_primaries, ctx.color_trc, ctx.color_range = colours
        self.size, self.rate, self.steady = size, rate, steady
        self.held: av.VideoFrame | None = None
        self.durations: dict[int, int] = {}  # by pts: x264 gives the last packet the stream's nominal duration

    def add(
        self,
        out: av.container.OutputContainer,
        source: av.container.InputContainer,
        clip: ClipInfo,
        at: float,
        sound: SoundTrack | None,
    ) -> None:
        import av

        stream = source.streams.video[0]
        stream.thread_type = "AUTO"  # frame threads: decoding keeps up with the encoder
        fit = fitted_size(clip.shown_size, self.size)
        for packet in source.demux(stream):
            try:
                frames = packet.decode()
            except av.FFmpegError:
                continue  # a damaged packet: the frames after the next keyframe still count
            for frame in frames:
                if frame.time is None:
                    continue  # a frame with no time cannot be placed
                seconds = at + frame.time - clip.start
                pts = self._tick(seconds)
                if self.held is not None and pts <= self.held.pts:
                    continue  # out of order, or two frames on one tick
                if sound is not None:
                    sound.until(out, seconds)
                self._send(out, pts)
                self.held = fitted_frame(frame, fit, self.size)
                self.held.pts, self.held.time_base = pts, _TIME_BASE

    def close(self, out: av.container.OutputContainer, end: float) -> None:
        self._send(out, round(end / _TIME_BASE))
        self._mux(out, self.stream.encode(None))

    def _tick(self, seconds: float) -> int:
        return round((round(seconds * self.rate) / self.rate if self.steady else seconds) / _TIME_BASE)

    def _send(self, out: av.container.OutputContainer, next_pts: int) -> None:
        if self.held is None:
            return
        while self.steady and (following := self._tick(float(self.held.pts * _TIME_BASE + 1 / self.rate))) < next_pts:
            self.held.duration = self.durations[self.held.pts] = following - self.held.pts
            self._mux(out, self.stream.encode(self.held))
            self.held.pts = following
        self.held.duration = self.durations[self.held.pts] = max(1, next_pts - self.held.pts)
        self._mux(out, self.stream.encode(self.held))
        self.held = None

    def _mux(self, out: av.container.OutputContainer, packets: list[av.Packet]) -> None:
        for packet in packets:
            packet.duration = self.durations.pop(packet.pts, packet.duration)
            out.mux(packet)


def fitted_frame(frame: av.VideoFrame, fit: tuple[int, int], size: tuple[int, int]) -> av.VideoFrame:
    """The frame scaled to ``fit`` and centred on black at ``size`` (yuv420p)."""
    import av

    picture = frame.reformat(width=fit[0], height=fit[1], format="yuv420p", interpolation="BICUBIC")
    if fit == size:
        return picture
    boxed = av.VideoFrame(size[0], size[1], "yuv420p")
    # Even offsets: a chroma sample covers 2×2 pixels, so the picture's colours stay on its own pixels.
    left, top = (size[0] - fit[0]) // 4 * 2, (size[1] - fit[1]) // 4 * 2
    for index, black in enumerate(_BLACK):
        shrink = 1 if index == 0 else 2
        target, source = _plane(boxed, index), _plane(picture, index)
        target[:] = black
        x, y = left // shrink, top // shrink
        target[y : y + source.shape[0], x : x + source.shape[1]] = source
    return boxed


def _plane(frame: av.VideoFrame, index: int) -> np.ndarray:
    import numpy as np

    plane = frame.planes[index]
    rows = np.frombuffer(plane, np.uint8, count=plane.height * plane.line_size).reshape(plane.height, plane.line_size)
    return rows[:, : plane.width]


@dataclass(frozen=True)
class _OwnSound:
    """The join's sound plan: each clip's own sound, end to end."""

    channels: int
    clips: Sequence[ClipInfo]

    def samples(self, index: int, begin: int, length: int) -> np.ndarray:
        return clip_sound(self.clips[index], self.channels, length)


def clip_sound(clip: ClipInfo, channels: int, length: int) -> np.ndarray:
    """The clip's sound as float samples at ``SOUND_RATE`` with ``channels`` channels, exactly ``length`` long:
    placed at its own start within the clip, silence where it has none."""
    import numpy as np

    if not clip.channels:
        return np.zeros((channels, length), np.float32)
    return fitted_length(decoded_sound(clip.path, channels, clip.start, limit=length), length)


def _even(value: float | Fraction) -> int:
    """The nearest even whole number (halves up), at least 2 (yuv420p needs even sides)."""
    return max(2, 2 * math.floor(value / 2 + Fraction(1, 2)))
