"""Chains of clips: a finished video's last frame (to continue from it), and clips joined into one MP4.

Pure module (no Streamlit), on PyAV. The joining itself is ``clip_join.join_clips`` (copied when the clips allow it,
re-encoded to the first clip's size otherwise, the sound made anew); the joined video becomes a History item of its
own here (``record_joined``; ``JobKind.JOINED``), with its settings in words (``joined_settings``).
"""

from __future__ import annotations

import io
import logging
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from videostudio.history.store import Job, JobKind, JobStatus, JobStore, utcnow
from videostudio.library.clip_join import COPIED, ChainError, JoinResult, join_clips
from videostudio.library.videos import VideoFileError, store_video, video_key
from videostudio.storage import MediaStorage, StorageError
from videostudio.storage.names import media_file
from videostudio.team.seen import SeenJobs

if TYPE_CHECKING:  # PyAV takes about half a second to load: only reading a video needs it
    import av

# The history's words for a joined video: no model ran it, and no backend bills or follows it.
JOINED_MODEL_ID = "studio/joined-clips"
JOINED_NAME = "Joined clips"
# A storyboard's film, assembled by the studio from its shots, narration and music (videostudio/films).
FILM_MODEL_ID = "studio/film"
FILM_NAME = "Film"
# The names of what the studio made itself (no model of the catalogue made it), by the history's model id.
STUDIO_MADE = {JOINED_MODEL_ID: JOINED_NAME, FILM_MODEL_ID: FILM_NAME}
STUDIO_BACKEND = "studio"  # made on this computer by the studio itself (not in the Backends registry: never polled)
# How far before the end a last-frame search starts: past the last keyframe of any clip these models make.
_LAST_FRAME_LOOKBACK = 2.0

__all__ = [
    "ChainError",
    "JoinResult",
    "chain_of",
    "job_last_frame",
    "join_clips",
    "joined_settings",
    "last_frame",
    "record_joined",
]
log = logging.getLogger(__name__)


# --- the last frame -------------------------------------------------------------------------------------------------


def last_frame(path: Path | str) -> bytes:
    """The video's last frame as a PNG: seek a little before the end, then decode to the last frame.

    If the seek lands past every keyframe (nothing decodes), the whole video is decoded instead.
    """
    import av

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
        log.warning("the last frame of %s cannot be read: %r", path, exc)
        raise ChainError("The video could not be read. Check that it plays in History, or download it again.") from exc
    if frame is None:
        raise ChainError("This video has no frames, so it has no last frame.")
    buffer = io.BytesIO()
    frame.to_image().save(buffer, format="PNG", compress_level=1)  # lossless; the upload step resizes it anyway
    return buffer.getvalue()


def job_last_frame(job: Job, storage: MediaStorage) -> bytes:
    """The last frame of ``job``'s kept video (from object storage, fetched into this machine's cache once)."""
    video = media_file(storage, job.local_path) if job.has_local_video else None
    if video is None:
        raise ChainError("Its video is no longer kept by the studio. Pick another video in History.")
    return last_frame(video)


def _end_seconds(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    import av

    if stream.duration is not None and stream.time_base is not None:
        return float((stream.start_time or 0) * stream.time_base + stream.duration * stream.time_base)
    return (container.duration or 0) / av.time_base


def _decode_to_last(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> av.VideoFrame | None:
    import av

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


# --- the joined video as a History item -----------------------------------------------------------------------------


def record_joined(
    store: JobStore,
    jobs: Sequence[Job],
    storage: MediaStorage,
    titles: Sequence[str] | None = None,
    owner: str | None = None,
) -> tuple[Job, JoinResult]:
    """Join the videos of ``jobs`` in order, keep the result with its poster in ``storage``, and add it to the history.

    ``titles`` name the clips in the joined video's settings ("Kling 2.1 (a cat surfing)"); by default their
    prompts. ``owner``: the person who joined them (None without sign-in): the joined video is their work.
    """
    clips = []
    for number, job in enumerate(jobs, 1):
        clip = media_file(storage, job.local_path) if job.has_local_video else None
        if clip is None:
            raise ChainError(f"Clip {number} has no finished video on this computer, so it cannot be joined.")
        clips.append(clip)
    job_id = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(prefix="video-studio-join-") as scratch:
        joined_file = Path(scratch) / video_key(job_id)
        result = join_clips(clips, joined_file)
        try:
            key, poster = store_video(storage, job_id, joined_file)
        except (VideoFileError, OSError, StorageError) as exc:
            log.exception("the joined video %s could not be kept", job_id)  # nothing is left behind
            raise ChainError(
                "The joined video could not be kept. Check that the disk has room, then try again."
            ) from exc
        size = joined_file.stat().st_size
    now = utcnow()
    joined = Job(
        id=job_id,
        model_id=JOINED_MODEL_ID,
        backend=STUDIO_BACKEND,
        kind=JobKind.JOINED.value,
        status=JobStatus.COMPLETED.value,
        prompt=f"Joined {len(jobs)} clips",
        params={
            "clips": [j.id for j in jobs],  # for the studio; the person reads the two below
            "joined_from": list(titles) if titles is not None else [j.prompt or j.model_id for j in jobs],
            "how": result.how,
        },
        local_path=key,
        video_bytes=size,
        video_seconds=result.seconds,
        poster_path=poster,
        created_at=now,
        updated_at=now,
        finished_at=now,
        owner=owner,
    )
    return store.add(joined), result


def joined_settings(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A joined video's settings in words: "Joined from" its clips in order, and "How" it was made; a film's also
    its title, each shot's narration and its music ("Film", "Narration", "Music").

    Joins recorded before these words kept only the clips' ids and "copied" or "re-encoded".
    """
    clips = params.get("clips") or []
    titles = params.get("joined_from") or []
    source = ", then ".join(str(t) for t in titles) if titles else f"{len(clips)} clips (their names were not kept)"
    how = params.get("how") or {"copied": COPIED, "re-encoded": "re-encoded to H.264"}.get(params.get("method"), "–")
    rows = [("Film", str(params["film_title"]))] if params.get("film_title") else []
    rows.append(("Joined from", source))
    rows += [("Narration", str(words)) for words in params.get("narration") or []]
    if params.get("music"):
        rows.append(("Music", str(params["music"])))
    return [*rows, ("How", str(how))]


def chain_of(store: JobStore | SeenJobs, job: Job) -> list[Job]:
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
