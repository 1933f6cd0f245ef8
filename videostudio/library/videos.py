"""The media library: the studio's own copies of finished videos (the API's video URLs expire), and their posters.

Pure module (no Streamlit). What it keeps in the media storage (videostudio/storage: a local folder, or S3), by key:

- ``<job id>.mp4``: the finished video, downloaded once the job completes;
- ``posters/<job id>.jpg``: its first frame, longest side at most 480 px, for the history's gallery and table;
- ``inputs/``: the uploads each job was sent with (videostudio/library/kept_inputs.py).

A job's row records the keys (videostudio/storage/names.py: old rows' absolute paths still read as files).
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import requests
from PIL import Image

from videostudio.files import atomic_path, write_atomic
from videostudio.history.store import Job, JobStatus, JobStore, utcnow
from videostudio.jobs.outcomes import KeepFailed, KeepOutcome, KeptVideo
from videostudio.jobs.service import JobService
from videostudio.library.kept_inputs import delete_kept_inputs
from videostudio.storage import MediaStorage, StorageError
from videostudio.storage.names import delete_media
from videostudio.team.seen import SeenJobs

log = logging.getLogger(__name__)

# Generous: a 10 s 1080p clip is tens of MB; anything past this is not a video from these models.
MAX_VIDEO_BYTES = 500 * 1024 * 1024
CHUNK = 1024 * 1024


POSTER_SIDE = 480
POSTERS = "posters"
# After its n-th failed copy a video waits 30 s × 2ⁿ (1, 2, 4, 8 min) before the next try, and is given up after
# the 5th: a passing CDN hiccup is ridden out, an expired link (it never comes back) stops costing requests.
RETRY_BASE = timedelta(seconds=30)


class DownloadError(Exception):
    """A finished video could not be copied to the media folder; the job keeps its URL."""


class VideoFileError(DownloadError):
    """A downloaded file is not a video the studio can read (no video stream, or no frame decodes)."""


def download_video(
    url: str, dest: Path, *, timeout: tuple[float, float] = (5.0, 60.0), max_bytes: int = MAX_VIDEO_BYTES
) -> int:
    """Stream ``url`` to ``dest`` atomically; returns the size. Never sends the API key: CDN links are signed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise DownloadError(f"The video host answered {response.status_code}; the link may have expired.")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise DownloadError(f"The video is {declared} bytes, more than the {max_bytes} the studio keeps.")
            written = 0
            with atomic_path(dest) as tmp, tmp.open("wb") as out:
                for chunk in response.iter_content(CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise DownloadError("The video is larger than the studio keeps.")
                    out.write(chunk)
                if declared and written != declared:
                    raise DownloadError(f"The download stopped early ({written} of {declared} bytes).")
    except requests.RequestException as exc:
        raise DownloadError(f"The video could not be downloaded ({type(exc).__name__}).") from exc
    return written


def download_name(model_id: str, created: datetime, prompt: str, words: int = 5) -> str:
    """A file name that says what the video is: ``pixverse-v5-2026-11-21-1530-a-cat-surfing.mp4``."""
    model, slug = name_words(model_id, prompt, words)
    parts = [model, created.strftime("%Y-%m-%d-%H%M"), slug]
    return "-".join(p for p in parts if p) + ".mp4"


def name_words(model_id: str, prompt: str, words: int = 5) -> tuple[str, str]:
    """The model and the prompt's first ``words`` as file-name words: ("pixverse-v5", "a-cat-surfing")."""
    model = re.sub(r"[^a-z0-9]+", "-", model_id.lower().split("/image-to-video")[0]).strip("-")
    # Fold accents first, so "Un café à Paris" keeps its words: un-cafe-a-paris.
    ascii_prompt = unicodedata.normalize("NFKD", prompt).encode("ascii", "ignore").decode().lower()
    return model, "-".join(re.findall(r"[a-z0-9]+", ascii_prompt)[:words])


# --- probing and posters -------------------------------------------------------------------------------------------


def probe_video(path: Path | str) -> tuple[float, int, int]:
    """(seconds, width, height) of a video file; ``VideoFileError`` if it holds no readable video stream."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video or _is_still_image(container.format.name):
                raise VideoFileError("The downloaded file holds no video.")
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            if stream.duration is not None and stream.time_base is not None:
                seconds = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                seconds = container.duration / av.time_base
            else:
                seconds = 0.0  # a stream that states no length; the video still plays
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise VideoFileError(f"The downloaded file is not a video the studio can read ({type(exc).__name__}).") from exc
    if not width or not height:
        raise VideoFileError("The downloaded video has no picture size.")
    return round(max(seconds, 0.0), 3), width, height


def _is_still_image(format_name: str) -> bool:
    # FFmpeg opens a picture as a one-frame video ("jpeg_pipe", "image2"); a host's error image is no video.
    return format_name.endswith("_pipe") or format_name in ("image2", "gif", "webp")


def poster_frame(path: Path | str, dest: Path, *, max_side: int = POSTER_SIDE) -> Path:
    """Write the first frame that decodes as a JPEG at ``dest`` (atomically), longest side at most ``max_side``."""
    write_atomic(dest, poster_jpeg(path, max_side=max_side))
    return dest


def poster_jpeg(video: Path | str, *, max_side: int = POSTER_SIDE) -> bytes:
    """The first frame of ``video`` that decodes, as a JPEG whose longest side is at most ``max_side``."""
    image = _first_frame(Path(video))
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def _first_frame(path: Path) -> Image.Image:
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise VideoFileError("The downloaded file holds no video.")
            stream = container.streams.video[0]
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.FFmpegError:
                    continue  # a damaged packet at the start: the next keyframe may still decode
                for frame in frames:
                    return frame.to_image()
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise VideoFileError(f"No frame of the video could be read ({type(exc).__name__}).") from exc
    raise VideoFileError("No frame of the video could be read.")


# --- keeping finished videos ---------------------------------------------------------------------------------------


def video_key(job_id: str) -> str:
    """The storage key of a job's kept video."""
    return f"{job_id}.mp4"


def poster_key(job_id: str) -> str:
    """The storage key of a job's poster."""
    return f"{POSTERS}/{job_id}.jpg"


def store_video(storage: MediaStorage, job_id: str, video: Path) -> tuple[str, str]:
    """Put ``video`` and its poster into ``storage`` as ``job_id``'s: (video key, poster key). The poster is made
    first, so a video that does not decode stores nothing; a failed poster upload takes the video back out."""
    poster = poster_jpeg(video)
    key, poster_name = video_key(job_id), poster_key(job_id)
    storage.put_file(key, video)
    try:
        storage.put_bytes(poster_name, poster)
    except BaseException:
        delete_media(storage, key)
        raise
    return key, poster_name


# Job ids being copied by this process: the completion hook and the periodic retry must not fetch one video twice.
_in_flight: set[str] = set()
_in_flight_lock = threading.Lock()


@contextlib.contextmanager
def _claim(job_id: str) -> Iterator[bool]:
    with _in_flight_lock:
        mine = job_id not in _in_flight
        _in_flight.add(job_id)
    try:
        yield mine
    finally:
        if mine:
            with _in_flight_lock:
                _in_flight.discard(job_id)


def keep_video(job: Job, storage: MediaStorage) -> KeepOutcome:
    """Copy a finished job's video into ``storage`` with its poster: what became of it, for the job service to record
    (``JobService.record_kept``); this module never writes to the history.

    Never raises for a bad download or an unreachable store: ``KeepFailed`` leaves the job as it was (its provider
    link still works for a while) and counts the attempt, so ``retry_missing`` knows when to stop trying. None:
    nothing was tried (no link, or this video is being copied already).
    """
    if not job.video_url:
        return None
    with _claim(job.id) as mine:
        if not mine:
            return None
        # Downloaded and checked in a scratch folder first: only a whole, readable video reaches the storage.
        with tempfile.TemporaryDirectory(prefix="video-studio-keep-") as scratch:
            download = Path(scratch) / video_key(job.id)
            try:
                size = download_video(job.video_url, download)
                seconds, _width, _height = probe_video(download)
                key, poster = store_video(storage, job.id, download)
            except (DownloadError, OSError, StorageError) as exc:
                log.warning("job %s: video not kept: %s", job.id, exc)
                return KeepFailed(str(exc))
        return KeptVideo(local_path=key, video_bytes=size, video_seconds=seconds, poster_path=poster, storage=storage)


def retry_missing(
    service: JobService, storage: MediaStorage, max_attempts: int = 5, *, now: datetime | None = None
) -> list[Job]:
    """Try again to keep the videos of completed jobs that have no local copy; returns the jobs now kept.

    A job is skipped after ``max_attempts`` failures, and waits ``RETRY_BASE * 2**failures`` after its last one.
    Each attempt is recorded by ``service`` (``JobService.record_kept``), as the completion hook's is.
    """
    now = now or utcnow()
    kept = []
    for job in service.store.needs_download(max_attempts=max_attempts):
        attempts = job.download_attempts or 0
        if attempts and now - job.updated_at < RETRY_BASE * 2**attempts:
            continue
        updated = service.record_kept(job, keep_video(job, storage))
        if updated.local_path:
            kept.append(updated)
    return kept


class MissingVideoRetrier:
    """Runs ``retry_missing`` in the background, at most once per ``every`` seconds and one run at a time.

    Page loads call ``maybe_start``: a slow video host must never hold up a page or a polling tick.
    """

    def __init__(self, service: JobService, storage: MediaStorage, *, every: float = 60.0) -> None:
        self.service, self.storage, self.every = service, storage, every
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._thread: threading.Thread | None = None

    def maybe_start(self, now: float | None = None) -> bool:
        """Start a retry run unless one is running or the last began under ``every`` seconds ago."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if (self._thread and self._thread.is_alive()) or now - self._last < self.every:
                return False
            self._last = now
            self._thread = threading.Thread(target=self._run, name="video-studio-retry-missing", daemon=True)
            self._thread.start()
        return True

    def join(self, timeout: float | None = None) -> None:
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            kept = retry_missing(self.service, self.storage)
            if kept:
                log.info("kept %d videos whose first download had failed", len(kept))
        except Exception:
            # A background thread has no one to raise to; the next page load tries again.
            log.exception("retrying missing video downloads failed")


def kept_videos(store: JobStore | SeenJobs, limit: int, *, also: Iterable[str] = ()) -> dict[str, Job]:
    """Of the newest ``limit`` finished jobs, those whose video is on this computer, newest first, by id; then those
    of ``also`` (ids already chosen, however old) that still have theirs, so a choice never drops out of its list."""
    kept = {
        job.id: job for job in store.search(statuses=[JobStatus.COMPLETED.value], limit=limit) if job.has_local_video
    }
    for job_id in also:
        if job_id not in kept and (job := store.get(job_id)) is not None and job.has_local_video:
            kept[job_id] = job
    return kept


def delete_job_files(job: Job, storage: MediaStorage, store: JobStore | None = None) -> list[str]:
    """Remove a deleted job's video and poster, and its kept uploads when no other job uses them.

    Call it after the job's row is deleted. Without ``store`` the uploads are kept (other jobs may share them).
    Returns the names (storage keys, or an old row's file paths) removed.
    """
    removed = [name for name in (job.local_path, job.poster_path) if name and delete_media(storage, name)]
    return removed + (delete_kept_inputs(job, storage, store) if store is not None else [])
