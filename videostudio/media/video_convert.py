"""Rewriting a video into the form every video API reads: MP4, H.264 picture, AAC sound, index at the front.

A picture already in H.264 (or HEVC) is only repackaged (remux: the same compressed frames, no quality lost, fast);
anything else is re-encoded. Both write to a temporary file, because moving the index to the front
("faststart", so a server can start reading before the end arrives) needs a second pass over the written file.
"""

from __future__ import annotations

import io
import tempfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

# Sound codecs an MP4 carries that every reader plays; anything else is re-encoded to AAC.
_MP4_AUDIO = ("aac", "mp3")
_X264_OPTIONS = {"preset": "veryfast", "crf": "20"}
_MP4_OPTIONS = {"movflags": "+faststart"}


def remux_to_mp4(data: bytes) -> bytes:
    """The same video and (where MP4 can carry it) sound, repackaged as MP4."""
    with tempfile.TemporaryDirectory(prefix="videostudio-") as folder:
        target = Path(folder) / "out.mp4"
        # genpts: AVI and some Matroska files carry no presentation times, which MP4 needs.
        with _source(data) as source, _mp4(target) as out:
            video_in = source.streams.video[0]
            video_out = out.add_stream_from_template(video_in)
            audio_in = source.streams.audio[0] if source.streams.audio else None
            audio_out, audio_copy = _audio_stream(out, audio_in)
            streams = [video_in] + ([audio_in] if audio_in is not None else [])
            last_dts: dict[int, int] = {}
            for packet in source.demux(streams):
                if packet.size == 0:
                    continue  # the demuxer's end-of-stream marker
                _fill_dts(packet, last_dts)
                if packet.stream is video_in:
                    packet.stream = video_out
                    out.mux(packet)
                elif audio_copy:
                    packet.stream = audio_out
                    out.mux(packet)
                elif audio_out is not None:
                    _encode_audio(out, audio_out, packet.decode())
            if audio_out is not None and not audio_copy:
                _encode_audio(out, audio_out, [None])
        return target.read_bytes()


def transcode_to_h264(data: bytes, size: tuple[int, int], rotation: int) -> bytes:
    """The video re-encoded as MP4 H.264 (yuv420p) at ``size`` (the upright size, even sides), sound as AAC."""
    width, height = size
    with tempfile.TemporaryDirectory(prefix="videostudio-") as folder:
        target = Path(folder) / "out.mp4"
        with _source(data) as source, _mp4(target) as out:
            video_in = source.streams.video[0]
            rate = video_in.average_rate or video_in.guessed_rate or Fraction(30)
            video_out = out.add_stream("libx264", rate=rate, options=_X264_OPTIONS)
            video_out.width, video_out.height, video_out.pix_fmt = width, height, "yuv420p"
            # Keep each frame's own time, so a variable-frame-rate phone or screen recording keeps its timing.
            video_out.codec_context.time_base = video_in.time_base or Fraction(1, 90_000)
            audio_in = source.streams.audio[0] if source.streams.audio else None
            audio_out, _ = _audio_stream(out, audio_in, copy=False)
            streams = [video_in] + ([audio_in] if audio_in is not None else [])
            first_pts = last_pts = None
            for packet in source.demux(streams):
                if packet.stream is video_in:
                    for frame in packet.decode():
                        if frame.pts is None or (last_pts is not None and frame.pts <= last_pts):
                            continue  # a frame with no time, or out of order, can't be placed in MP4
                        first_pts = frame.pts if first_pts is None else first_pts
                        last_pts = frame.pts
                        upright = _upright(frame, rotation, width, height)
                        # The picture starts at 0 s, as the sound (timed from its samples) does: MPEG-TS clocks
                        # often start seconds in, which would leave a gap at the front.
                        upright.pts, upright.time_base = frame.pts - first_pts, frame.time_base
                        for encoded in video_out.encode(upright):
                            out.mux(encoded)
                elif audio_out is not None and packet.dts is not None:
                    _encode_audio(out, audio_out, packet.decode())
            for encoded in video_out.encode(None):
                out.mux(encoded)
            if audio_out is not None:
                _encode_audio(out, audio_out, [None])
        return target.read_bytes()


def _fill_dts(packet: av.Packet, last_dts: dict[int, int]) -> None:
    """Give a packet the decode time MP4 needs and Matroska may leave out (the first frames before B-frames).

    Decode times only have to rise and stay at or before the show time, so a missing one is placed just after the
    previous one, or (at the start) a little before the frame is shown.
    """
    index = packet.stream.index
    previous = last_dts.get(index)
    if packet.dts is None or (previous is not None and packet.dts <= previous):
        lead = (packet.duration or 1) * 4
        packet.dts = previous + 1 if previous is not None else (packet.pts or 0) - lead
    if packet.pts is not None and packet.pts < packet.dts:
        packet.pts = packet.dts
    last_dts[index] = packet.dts


def _source(data: bytes) -> av.container.InputContainer:
    return av.open(io.BytesIO(data), options={"fflags": "+genpts"})


def _mp4(path: Path) -> av.container.OutputContainer:
    return av.open(str(path), "w", format="mp4", options=_MP4_OPTIONS)


def _upright(frame: av.VideoFrame, rotation: int, width: int, height: int) -> av.VideoFrame:
    """The frame turned as the file says it should be shown, at the output size."""
    turns = round(rotation / 90) % 4
    if not turns:
        return frame.reformat(width=width, height=height, format="yuv420p")
    # The display matrix is not carried into the new file, so the pixels are turned instead (rare: phone videos
    # are usually H.264 or HEVC already, and only repackaged).
    pixels = np.rot90(frame.to_ndarray(format="rgb24"), k=turns)
    turned = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format="rgb24")
    return turned.reformat(width=width, height=height, format="yuv420p")


def _audio_stream(
    out: av.container.OutputContainer, audio_in: av.audio.AudioStream | None, copy: bool = True
) -> tuple[av.audio.AudioStream | None, bool]:
    if audio_in is None:
        return None, False
    if copy and audio_in.codec_context.name in _MP4_AUDIO:
        return out.add_stream_from_template(audio_in), True
    rate = audio_in.codec_context.sample_rate or 48_000
    # Named layouts only (a file may say just "2 channels"); sound with more channels is mixed down to stereo.
    layout = "mono" if audio_in.codec_context.channels == 1 else "stereo"
    return out.add_stream("aac", rate=rate, layout=layout), False


def _encode_audio(out: av.container.OutputContainer, stream: av.audio.AudioStream, frames) -> None:  # type: ignore[no-untyped-def]
    for frame in frames:
        if frame is not None:
            frame.pts = None  # the encoder times the sound from its samples; the source's clock may differ
        for packet in stream.encode(frame):
            out.mux(packet)
