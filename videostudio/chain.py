"""Chains of clips: a finished video's last frame (to continue from it), and clips joined into one MP4.

Pure module (no Streamlit), on PyAV. ``join_clips`` copies the streams (remuxing, timestamps shifted) when every
clip has the same codecs and parameters, and re-encodes to H.264 (+ AAC where any clip has sound) otherwise.
The joined video becomes a History item of its own (``record_joined``; ``JobKind.JOINED``).
"""

from __future__ import annotations

import io
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from videostudio.files import atomic_path
from videostudio.library import poster_frame, poster_path, probe_video, video_path
from videostudio.store import Job, JobKind, JobStatus, JobStore, utcnow

# The history's words for a joined video: no model ran it, and no backend bills or follows it.
JOINED_MODEL_ID = "studio/joined-clips"
JOINED_NAME = "Joined clips"
STUDIO_BACKEND = "studio"  # made on this computer by the studio itself (not in the Backends registry: never polled)
# How far before the end a last-frame search starts: past the last keyframe of any clip these models make.
_LAST_FRAME_LOOKBACK = 2.0
_AUDIO_RATE = 48000
_AAC_FRAME = 1024


class ChainError(Exception):
    """A clip cannot be continued from or joined; the message is for the person."""


# --- the last frame -------------------------------------------------------------------------------------------------


def last_frame(path: Path | str) -> bytes:
    """The video's last frame as a PNG: seek a little before the end, then decode to the last frame.

    If the seek lands past every keyframe (nothing decodes), the whole video is decoded instead.
    """
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ChainError("This file holds no video, so it has no last frame.")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"  # frame threads: the frames from the keyframe on decode in parallel
            end = _end_seconds(container, stream)
            frame = None
            if end > _LAST_FRAME_LOOKBACK:
                target = int((end - _LAST_FRAME_LOOKBACK) / stream.time_base) if stream.time_base else 0
                container.seek(target, stream=stream, backward=True)
                frame = _decode_to_last(container, stream)
            if frame is None:
                container.seek(0, stream=stream, backward=True)
                frame = _decode_to_last(container, stream)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise ChainError(f"The video could not be read ({type(exc).__name__}).") from exc
    if frame is None:
        raise ChainError("This video has no frames, so it has no last frame.")
    buffer = io.BytesIO()
    frame.to_image().save(buffer, format="PNG", compress_level=1)  # lossless; the upload step resizes it anyway
    return buffer.getvalue()


def _end_seconds(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float((stream.start_time or 0) * stream.time_base + stream.duration * stream.time_base)
    return (container.duration or 0) / av.time_base


def _decode_to_last(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> av.VideoFrame | None:
    last = None
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.FFmpegError:
            continue  # a damaged packet: the frames after the next keyframe still count
        for frame in frames:
            # Decoders give frames in presentation order; the pts guards against a stream that does not.
            if last is None or frame.pts is None or last.pts is None or frame.pts >= last.pts:
                last = frame
    return last


# --- joining --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClipInfo:
    """What joining needs to know of one clip."""

    path: Path
    width: int
    height: int
    video: tuple[object, ...]  # codec, pixel format, extradata: equal tuples can share one MP4 track
    audio: tuple[object, ...] | None  # codec, rate, layout, extradata; None without sound
    rate: Fraction
    seconds: float  # from its first timestamp to the end of its longest stream


@dataclass(frozen=True)
class JoinResult:
    path: Path
    seconds: float
    width: int
    height: int
    copied: bool  # streams copied as they were; False: re-encoded to H.264 (+ AAC)

    @property
    def method(self) -> str:
        return "copied" if self.copied else "re-encoded"


def clip_info(path: Path | str, number: int = 1) -> ClipInfo:
    """Probe one clip; ``number`` names it in messages ("clip 2")."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ChainError(f"Clip {number} holds no video.")
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
            sound = None
            if audio is not None:
                a = audio.codec_context
                sound = (a.name, a.sample_rate, a.layout.name, bytes(a.extradata or b""))
            return ClipInfo(
                path=Path(path),
                width=ctx.width,
                height=ctx.height,
                video=(ctx.name, ctx.format.name if ctx.format else None, bytes(ctx.extradata or b"")),
                audio=sound,
                rate=Fraction(video.average_rate or 30),
                seconds=max(seconds, 0.0),
            )
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise ChainError(f"Clip {number} is not a video the studio can read ({type(exc).__name__}).") from exc


def check_same_size(clips: Sequence[ClipInfo]) -> None:
    """Refuse, in plain words, clips of different sizes: a joined video has one picture size."""
    sizes = Counter((c.width, c.height) for c in clips)
    common = sizes.most_common(1)[0][0]
    odd = [i for i, c in enumerate(clips, 1) if (c.width, c.height) != common]
    if odd:
        clip = clips[odd[0] - 1]
        raise ChainError(
            f"All clips must be the same size; clip {odd[0]} is {clip.width}×{clip.height}, "
            f"the others {common[0]}×{common[1]}."
        )


def can_copy(clips: Sequence[ClipInfo]) -> bool:
    """Whether the streams can be copied into one MP4: one video format, and the same sound (or none) in all."""
    first = clips[0]
    return all(c.video == first.video and c.audio == first.audio for c in clips)


def join_clips(paths: Sequence[Path | str], dest: Path) -> JoinResult:
    """Join ``paths`` in order into the MP4 ``dest`` (atomically); its length is the sum of theirs."""
    if len(paths) < 2:
        raise ChainError("Choose at least two clips to join.")
    clips = [clip_info(p, n) for n, p in enumerate(paths, 1)]
    check_same_size(clips)
    copied = can_copy(clips)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        try:
            (_remux if copied else _reencode)(clips, tmp)
        except (av.FFmpegError, OSError, ValueError) as exc:
            raise ChainError(f"The clips could not be joined ({type(exc).__name__}: {exc}).") from exc
    seconds, width, height = probe_video(dest)
    return JoinResult(dest, seconds, width, height, copied)


def _remux(clips: Sequence[ClipInfo], out_path: Path) -> None:
    """Copy every packet, each clip's timestamps shifted by the length of the clips before it."""
    with av.open(str(out_path), "w", format="mp4") as out:
        outputs: dict[str, av.stream.Stream] = {}
        offset = 0.0
        for clip in clips:
            with av.open(str(clip.path)) as container:
                streams = [container.streams.video[0], *container.streams.audio[:1]]
                for stream in streams:
                    if stream.type not in outputs:
                        outputs[stream.type] = out.add_stream_from_template(stream)
                start = min(float((s.start_time or 0) * s.time_base) for s in streams if s.time_base is not None)
                for packet in container.demux(streams):
                    if packet.dts is None or packet.size == 0:
                        continue  # the demuxer's end-of-stream marker
                    shift = round((offset - start) / packet.time_base)
                    packet.pts = packet.pts + shift if packet.pts is not None else None
                    packet.dts += shift
                    packet.stream = outputs[packet.stream.type]
                    out.mux(packet)
            offset += clip.seconds


def _reencode(clips: Sequence[ClipInfo], out_path: Path) -> None:
    """Decode every clip and encode one H.264 video (+ AAC, with silence for clips without sound)."""
    rate = max(c.rate for c in clips)
    time_base = Fraction(1, 90000)
    with av.open(str(out_path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=rate)
        video.width, video.height, video.pix_fmt = clips[0].width, clips[0].height, "yuv420p"
        video.codec_context.time_base = time_base
        video.options = {"crf": "18", "preset": "veryfast"}
        sound = None
        if any(c.audio for c in clips):
            sound = out.add_stream("aac", rate=_AUDIO_RATE, layout="stereo")
        offset, samples_written, last_pts = 0.0, 0, -1
        for clip in clips:
            with av.open(str(clip.path)) as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                first_time = None
                for frame in container.decode(stream):
                    seconds = frame.time or 0.0
                    first_time = seconds if first_time is None else first_time
                    pts = round((offset + seconds - first_time) / time_base)
                    if pts <= last_pts:
                        continue  # two frames on one tick: the later rate's duplicate
                    picture = frame.reformat(format="yuv420p")
                    picture.pts, picture.time_base, last_pts = pts, time_base, pts
                    for packet in video.encode(picture):
                        out.mux(packet)
            if sound is not None:
                samples = _clip_sound(clip, round(clip.seconds * _AUDIO_RATE))
                samples_written = _encode_sound(out, sound, samples, samples_written)
            offset += clip.seconds
        for packet in video.encode(None):
            out.mux(packet)
        if sound is not None:
            for packet in sound.encode(None):
                out.mux(packet)


def _clip_sound(clip: ClipInfo, length: int) -> np.ndarray:
    """The clip's sound as stereo float samples at the output rate, cut or padded with silence to ``length``."""
    pieces: list[np.ndarray] = []
    if clip.audio is not None:
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=_AUDIO_RATE)
        with av.open(str(clip.path)) as container:
            for frame in container.decode(container.streams.audio[0]):
                pieces += [f.to_ndarray() for f in resampler.resample(frame)]
            pieces += [f.to_ndarray() for f in resampler.resample(None)]
    samples = np.concatenate(pieces, axis=1) if pieces else np.zeros((2, 0), np.float32)
    if samples.shape[1] < length:
        samples = np.pad(samples, ((0, 0), (0, length - samples.shape[1])))
    return np.ascontiguousarray(samples[:, :length], dtype=np.float32)


def _encode_sound(out: av.container.OutputContainer, sound: av.stream.Stream, samples: np.ndarray, at: int) -> int:
    for start in range(0, samples.shape[1], _AAC_FRAME):
        chunk = np.ascontiguousarray(samples[:, start : start + _AAC_FRAME])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = _AUDIO_RATE, at + start, Fraction(1, _AUDIO_RATE)
        for packet in sound.encode(frame):
            out.mux(packet)
    return at + samples.shape[1]


# --- the joined video as a History item -----------------------------------------------------------------------------


def record_joined(store: JobStore, jobs: Sequence[Job], media_dir: Path) -> tuple[Job, JoinResult]:
    """Join the videos of ``jobs`` in order, keep the result with its poster, and add it to the history."""
    for number, job in enumerate(jobs, 1):
        if not job.has_local_video:
            raise ChainError(f"Clip {number} has no finished video on this computer, so it cannot be joined.")
    job_id = uuid.uuid4().hex
    dest = video_path(media_dir, job_id)
    result = join_clips([Path(j.local_path or "") for j in jobs], dest)
    poster = poster_frame(dest, poster_path(media_dir, job_id))
    now = utcnow()
    joined = Job(
        id=job_id,
        model_id=JOINED_MODEL_ID,
        backend=STUDIO_BACKEND,
        kind=JobKind.JOINED.value,
        status=JobStatus.COMPLETED.value,
        prompt=f"Joined {len(jobs)} clips",
        params={"clips": [j.id for j in jobs], "method": result.method},
        local_path=str(dest),
        video_bytes=dest.stat().st_size,
        video_seconds=result.seconds,
        poster_path=str(poster),
        created_at=now,
        updated_at=now,
        finished_at=now,
    )
    return store.add(joined), result


def chain_of(store: JobStore, job: Job) -> list[Job]:
    """The chain ``job`` is part of, first to last: its ancestors by ``parent_id``, itself, then its descendants
    (the newest child at each step, as the person most likely continued the last take)."""
    ancestors: list[Job] = []
    seen = {job.id}
    current = job
    while current.parent_id and current.parent_id not in seen:
        parent = store.get(current.parent_id)
        if parent is None:
            break
        ancestors.insert(0, parent)
        seen.add(parent.id)
        current = parent
    chain = [*ancestors, job]
    current = job
    while True:
        children = [c for c in store.children_of(current.id) if c.id not in seen and c.has_local_video]
        if not children:
            break
        current = max(children, key=lambda c: c.created_at)
        seen.add(current.id)
        chain.append(current)
    return chain
