"""Audio uploads: checked by their content with PyAV and sent as they are, with warnings as notes."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from videostudio.catalogue import AudioRules
from videostudio.media.common import MediaError, seconds
from videostudio.media.data_uri import to_data_uri

# PyAV container name -> (mime, plain name, file extensions a model's rule may list).
AUDIO_CONTAINERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "mp3": ("audio/mpeg", "MP3", ("mp3",)),
    "wav": ("audio/wav", "WAV", ("wav",)),
    "mov,mp4,m4a,3gp,3g2,mj2": ("audio/mp4", "M4A", ("m4a", "mp4")),
    "aac": ("audio/aac", "AAC", ("aac",)),
    "ogg": ("audio/ogg", "OGG", ("ogg", "oga", "opus")),
    "flac": ("audio/flac", "FLAC", ("flac",)),
}


@dataclass(frozen=True)
class PreparedAudio:
    """An audio clip ready to send, with warnings about it."""

    data_uri: str
    mime: str
    size_bytes: int
    sha256: str
    duration_seconds: float | None
    notes: tuple[str, ...]


def prepare_audio(
    data: bytes, filename: str = "", rules: AudioRules | None = None, *, model_name: str = ""
) -> PreparedAudio:
    """Check an uploaded audio clip by its content and return it ready to send, with warnings as notes."""
    if not data:
        raise MediaError("This audio file is empty. Choose the file again, or try a different one.")
    container_name, duration = _probe_audio(data)
    mime, label, extensions = AUDIO_CONTAINERS[container_name]
    rules = rules or AudioRules()
    who = model_name or "This model"
    notes: list[str] = []
    # Warnings only: the API docs disagree about these limits, so the person decides.
    if rules.max_seconds and duration is not None and duration > rules.max_seconds:
        notes.append(
            f"{who} wants audio under {seconds(rules.max_seconds)} s; this clip is {seconds(duration)} s. "
            f"It may be refused or cut short, so trim it if you can."
        )
    wanted = {f.lower().lstrip(".") for f in rules.formats}
    if wanted and not wanted.intersection(extensions):
        notes.append(
            f"{who} lists {', '.join(f.upper() for f in rules.formats)} audio; this file is {label}, "
            f"so it may be refused. Convert it to MP3 or WAV to be safe."
        )
    return PreparedAudio(
        data_uri=to_data_uri(data, mime),
        mime=mime,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        duration_seconds=duration,
        notes=tuple(notes),
    )


def audio_extensions() -> list[str]:
    return sorted({ext for _mime, _label, exts in AUDIO_CONTAINERS.values() for ext in exts})


def _probe_audio(data: bytes) -> tuple[str, float | None]:
    """(container name, duration) of readable audio, judged by content rather than the file name."""
    import av

    not_audio = MediaError("This file is not audio we can read. Upload an MP3 or WAV file.")
    if not data:
        raise not_audio
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.FFmpegError, ValueError, OSError, UnicodeDecodeError):
        raise not_audio from None
    with container:
        audio = container.streams.audio
        if not audio:
            raise not_audio  # includes pictures, which FFmpeg opens as one-frame video
        # Cover art in MP3/M4A files shows up as a one-picture "video" stream; that is still audio.
        moving = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
        if moving:
            raise MediaError("This file contains video, not just sound. Upload an MP3 or WAV audio file instead.")
        name = container.format.name
        if name not in AUDIO_CONTAINERS:
            raise MediaError(
                f"This kind of audio file ({container.format.long_name or name}) can't be sent. "
                f"Convert it to MP3 or WAV and upload it again."
            )
        stream = audio[0]
        try:
            # A header alone proves little: make sure some sound actually decodes.
            decoded = next((True for packet in container.demux(stream) for _ in packet.decode()), False)
        except (av.FFmpegError, ValueError, OSError):
            decoded = False
        if not decoded:
            raise MediaError(
                "This audio file seems damaged: no sound could be read from it. Export it again as MP3 or WAV."
            )
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / av.time_base
    return name, (round(duration, 3) if duration is not None and duration > 0 else None)
