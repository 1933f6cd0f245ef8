"""Video uploads: check them with PyAV against the model's limits, repackage or convert what the API may not read,
and return them ready to send with a small poster picture for the preview.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image

from videostudio.media.common import MediaError, dims, megabytes, possessive, seconds
from videostudio.media.data_uri import to_data_uri
from videostudio.media.image_codec import thumbnail
from videostudio.media.video_rules import VideoRules

if TYPE_CHECKING:  # PyAV (and the numpy it brings) takes about a second to load: only a read video needs it
    import av

POSTER_SIDE = 320
# PyAV demuxer -> (plain name, file endings). One table for what is read and what the upload field offers.
VIDEO_CONTAINERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mov,mp4,m4a,3gp,3g2,mj2": ("MP4", ("mp4", "m4v", "mov", "3gp")),
    "matroska,webm": ("MKV", ("mkv", "webm")),
    "avi": ("AVI", ("avi",)),
    "mpegts": ("MPEG-TS", ("ts", "mts", "m2ts")),
    "mpeg": ("MPEG", ("mpg", "mpeg")),
    "flv": ("FLV", ("flv",)),
    "asf": ("WMV", ("wmv", "asf")),
    "ogg": ("OGV", ("ogv",)),
}
# What the API's video fields are documented to take (MP4/MOV, H.264/HEVC), when a model states nothing.
_DEFAULT_FORMATS = ("MP4", "MOV")
_DEFAULT_CODECS = ("h264", "hevc")
_CODEC_LABEL = {"h264": "H.264", "hevc": "HEVC", "vp8": "VP8", "vp9": "VP9", "av1": "AV1", "mpeg4": "MPEG-4"}
_CODEC_LABEL |= {"mpeg2video": "MPEG-2", "mpeg1video": "MPEG-1", "prores": "ProRes", "mjpeg": "Motion JPEG"}
_CODEC_LABEL |= {"wmv3": "WMV", "vc1": "VC-1", "theora": "Theora", "flv1": "Flash video"}
_MIME = {"MP4": "video/mp4", "MOV": "video/quicktime"}
# Request sizes are undocumented; the API's one stated upload limit is MiniMax's 20 MB (api_contract.md).
_LARGE_UPLOAD = 20_000_000
# Re-encoding more pixels × frames than this (30 s of 1080p, 7 s of 4K) keeps a person waiting half a minute or
# more on a small machine (10 s of 720p VP9 takes about 4 s on two busy cores): above it, ask them to convert it.
_MAX_CONVERT_WORK = 1920 * 1080 * 30 * 30
_POSTER_AT = 0.5  # seconds in: the very first frame is often black (a fade-in)


@dataclass(frozen=True)
class PreparedVideo:
    """A video ready to send, with a poster picture (``thumbnail_data_uri``) and what was changed."""

    data_uri: str
    mime: str
    size_bytes: int
    sha256: str
    width: int  # as shown (rotation applied)
    height: int
    duration_seconds: float
    codec: str  # plain name, e.g. "H.264"
    thumbnail_data_uri: str  # JPEG, longest side at most POSTER_SIDE, a frame near the start
    notes: tuple[str, ...]


@dataclass(frozen=True)
class VideoProbe:
    """What a video file holds, read by its content."""

    container: str  # plain name: MP4, MOV, MKV, WEBM, AVI, …
    codec: str  # FFmpeg decoder name of the picture
    width: int  # as shown
    height: int
    rotation: int  # degrees counter-clockwise the file asks players to turn the picture
    duration: float
    frames: int
    poster: Image.Image


def prepare_video(data: bytes, filename: str, rules: VideoRules | None = None, *, model_name: str) -> PreparedVideo:
    """Check an uploaded video against the model's limits, fix what can be fixed, and return it ready to send."""
    from videostudio.media.video_convert import remux_to_mp4, transcode_to_h264  # numpy too: loaded when needed

    rules = rules or VideoRules()
    who = model_name or "This model"
    notes: list[str] = []
    probe = probe_video(data, filename)
    _check_length(probe, rules, who)
    _check_frame_size(probe, rules, who)

    size = _fitted_size(probe, rules)
    formats = rules.formats or _DEFAULT_FORMATS
    codecs = rules.codecs or _DEFAULT_CODECS
    label = _codec_label(probe.codec)
    if size != (probe.width, probe.height) or probe.codec not in codecs:
        _check_convert_work(probe, size)
        sent = transcode_to_h264(data, size, probe.rotation)
        if probe.codec not in codecs or probe.container not in formats:
            what = f"{_format_label(probe)} ({label})"
            notes.append(f"Converted from {what} to MP4 (H.264) so {_reader(model_name)} can read it.")
        if size != (probe.width, probe.height):
            notes.append(
                f"Made smaller from {dims((probe.width, probe.height))} to {dims(size)} px to fit "
                f"{possessive(model_name)}frame-size limit."
            )
        container, label = "MP4", "H.264"
    elif probe.container not in formats:
        sent = remux_to_mp4(data)
        notes.append(
            f"Repackaged from {_format_label(probe)} to MP4 (same picture, no quality lost) "
            f"so {_reader(model_name)} can read it."
        )
        container = "MP4"
    else:
        sent, container = data, probe.container  # nothing to fix: the person's file goes byte for byte

    if rules.max_bytes and len(sent) > rules.max_bytes:
        raise MediaError(
            f"This video is {megabytes(len(sent))}; {who} accepts at most {megabytes(rules.max_bytes)}. "
            f"Export it shorter or at a lower resolution, or give a web address to the video instead."
        )
    if not rules.max_bytes and len(sent) > _LARGE_UPLOAD:
        notes.append(
            f"This video is {megabytes(len(sent))}. Uploads this large may be refused by the video service; "
            f"if that happens, give a web address to the video instead."
        )
    mime = _MIME.get(container, "video/mp4")
    return PreparedVideo(
        data_uri=to_data_uri(sent, mime),
        mime=mime,
        size_bytes=len(sent),
        sha256=hashlib.sha256(sent).hexdigest(),
        width=size[0],
        height=size[1],
        duration_seconds=round(probe.duration, 3),
        codec=label,
        thumbnail_data_uri=thumbnail(probe.poster, POSTER_SIDE),
        notes=tuple(notes),
    )


def video_extensions() -> list[str]:
    """File endings of the containers PyAV here can read."""
    import av

    readable = av.formats_available
    return sorted({ext for name, (_label, exts) in VIDEO_CONTAINERS.items() if name in readable for ext in exts})


def probe_video(data: bytes, filename: str = "") -> VideoProbe:
    """Read a video's container, picture codec, size, length and a poster frame; MediaError if it is not one."""
    import av

    if not data:
        raise MediaError("This video file is empty. Choose the file again, or try a different one.")
    not_video = MediaError("This file is not a video we can read. Upload an MP4 or MOV video.")
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.FFmpegError, ValueError, OSError, UnicodeDecodeError):
        raise not_video from None
    with container:
        name = container.format.name
        moving = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
        if name not in VIDEO_CONTAINERS or not moving:
            if container.streams.audio and not moving:
                raise MediaError("This file has sound but no picture. Upload a video file (MP4 or MOV).")
            if name.endswith("_pipe") or name in ("image2", "gif", "apng", "webp"):
                raise MediaError("This is a picture, not a video. Upload a video file (MP4 or MOV).")
            if moving:
                raise MediaError(
                    f"This kind of video file ({container.format.long_name or name}) can't be read here. "
                    f"Convert it to MP4 and upload it again."
                )
            raise not_video
        stream = moving[0]
        duration = _duration(container, stream)
        try:
            poster, rotation, frames_seen = _poster(container, stream, duration)
        except (av.FFmpegError, ValueError, OSError):
            poster = None
        if poster is None:
            raise MediaError("This video seems damaged: no picture could be read from it. Export it again as MP4.")
        if duration <= 0:
            duration = _duration_by_packets(data)
        if duration <= 0:
            raise MediaError("This video's length can't be read, so it may be damaged. Export it again as MP4.")
        width, height = stream.codec_context.width, stream.codec_context.height
        if round(rotation / 90) % 2:
            width, height = height, width
        rate = float(stream.average_rate or stream.guessed_rate or 0)
        frames = stream.frames or (round(duration * rate) if rate else frames_seen)
        return VideoProbe(
            container=_container_label(container, stream, filename),
            codec=stream.codec_context.name,
            width=width,
            height=height,
            rotation=rotation,
            duration=duration,
            frames=frames,
            poster=poster,
        )


def _duration(container: av.container.InputContainer, stream: av.video.VideoStream) -> float:
    import av

    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0  # e.g. a WebM written live by a browser: the length is then read from its packets


def _duration_by_packets(data: bytes) -> float:
    """The end of the last picture packet: for files whose header states no length (no decoding, so it is quick)."""
    import av

    end = 0.0
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.pts is not None and packet.time_base is not None:
                end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return end


def _poster(
    container: av.container.InputContainer, stream: av.video.VideoStream, duration: float
) -> tuple[Image.Image | None, int, int]:
    """A frame near the start (upright), the file's rotation, and how many frames were decoded to get there."""
    at = min(_POSTER_AT, duration / 4) if duration > 0 else 0.0
    picked, seen = None, 0
    for frame in container.decode(stream):
        picked, seen = frame, seen + 1
        if frame.time is None or frame.time >= at:
            break
    if picked is None:
        return None, 0, 0
    rotation = _quarter_turns(picked.rotation)
    image = picked.to_image()
    if rotation:
        image = image.rotate(rotation, expand=True)  # PIL turns counter-clockwise, as the display matrix says
    return image, rotation, seen


def _quarter_turns(rotation: float | None) -> int:
    """The display rotation as a multiple of 90° in (-180, 180]; 0 for none, or for a nonsense value."""
    if rotation is None or not -360 <= rotation <= 360:
        return 0
    turned = round(rotation / 90) * 90 % 360
    return turned - 360 if turned > 180 else turned


def _container_label(container: av.container.InputContainer, stream: av.video.VideoStream, filename: str) -> str:
    label, _ = VIDEO_CONTAINERS[container.format.name]
    ending = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if label == "MP4" and (container.metadata.get("major_brand", "").strip() == "qt" or ending == "mov"):
        return "MOV"
    if label == "MKV" and (ending == "webm" or stream.codec_context.name in ("vp8", "vp9", "av1")):
        return "WEBM"
    return label


def _check_length(probe: VideoProbe, rules: VideoRules, who: str) -> None:
    # Cutting would change what the person made, so length is theirs to fix; the message says how.
    if rules.max_seconds and probe.duration > rules.max_seconds + 0.05:
        raise MediaError(
            f"This video is {seconds(probe.duration)} s long; {who} takes at most {seconds(rules.max_seconds)} s. "
            f"Trim it to {seconds(rules.max_seconds)} s or less (your phone's Photos app or any video editor can) "
            f"and upload it again."
        )
    if rules.min_seconds and probe.duration < rules.min_seconds - 0.05:
        raise MediaError(
            f"This video is {seconds(probe.duration)} s long; {who} needs at least {seconds(rules.min_seconds)} s. "
            f"Upload a longer video."
        )
    if rules.max_frames and probe.frames > rules.max_frames:
        raise MediaError(
            f"This video has {probe.frames} frames; {who} takes at most {rules.max_frames}. "
            f"Trim it (at {seconds(_fps(probe))} frames a second, to {seconds(rules.max_frames / _fps(probe))} s) "
            f"and upload it again."
        )


def _check_frame_size(probe: VideoProbe, rules: VideoRules, who: str) -> None:
    # Enlarging would only invent detail, so a too-small video is the person's to replace.
    size = dims((probe.width, probe.height))
    if rules.min_side and min(probe.width, probe.height) < rules.min_side:
        raise MediaError(
            f"This video is {size} px; {who} needs the shorter side to be at least {rules.min_side} px. "
            f"Use a higher-resolution video."
        )
    if rules.min_pixels and probe.width * probe.height < rules.min_pixels:
        raise MediaError(
            f"This video is {size} px; {who} needs at least {rules.min_pixels:,} pixels a frame "
            f"(about 640×640). Use a higher-resolution video."
        )


def _fitted_size(probe: VideoProbe, rules: VideoRules) -> tuple[int, int]:
    """The upright size to send: the video's own, or smaller to fit the limits; even sides when it changes."""
    width, height = probe.width, probe.height
    scale = 1.0
    if rules.max_side and max(width, height) > rules.max_side:
        scale = rules.max_side / max(width, height)
    if rules.max_pixels and width * height * scale * scale > rules.max_pixels:
        scale = (rules.max_pixels / (width * height)) ** 0.5
    if scale >= 1:
        return width, height
    # H.264 in yuv420p needs even sides; rounding down keeps them inside the limits.
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def _check_convert_work(probe: VideoProbe, size: tuple[int, int]) -> None:
    work = max(probe.width * probe.height, size[0] * size[1]) * max(probe.frames, 1)
    if work > _MAX_CONVERT_WORK:
        raise MediaError(
            f"This {_format_label(probe)} video ({_codec_label(probe.codec)}, {dims((probe.width, probe.height))} px, "
            f"{seconds(probe.duration)} s) needs converting, which would take too long here. Export it as MP4 "
            f"(H.264) from your video app, or make it shorter, then upload it again."
        )


def _fps(probe: VideoProbe) -> float:
    return round(probe.frames / probe.duration, 2) if probe.duration else 30.0


def _codec_label(codec: str) -> str:
    return _CODEC_LABEL.get(codec, codec.upper())


def _format_label(probe: VideoProbe) -> str:
    return {"WEBM": "WebM"}.get(probe.container, probe.container)


def _reader(model_name: str) -> str:
    return model_name or "the video service"
