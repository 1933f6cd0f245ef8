"""Keeping finished videos and the uploads behind them: real MP4s, real loopback HTTP, a real store."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import jpeg_bytes, wav_bytes
from tests.loopback import ScriptedServer
from videostudio.history.store import Job, JobStore, utcnow
from videostudio.jobs.outcomes import KeepFailed, KeptVideo
from videostudio.jobs.service import JobService
from videostudio.library.kept_inputs import keep_inputs, kept_input_paths, load_inputs
from videostudio.library.videos import (
    MissingVideoRetrier,
    VideoFileError,
    delete_job_files,
    keep_video,
    poster_frame,
    probe_video,
    retry_missing,
)
from videostudio.media import to_data_uri
from videostudio.offline.render.video import RenderRequest, render_video
from videostudio.storage import LocalFolderStorage

VIDEO_PATH = "/cdn/output.mp4"


@pytest.fixture(scope="module")
def mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real 2 s, 640×360 H.264 MP4 from the offline renderer (whose first frame is the orange test image)."""
    path = tmp_path_factory.mktemp("render") / "clip.mp4"
    request = RenderRequest(width=640, height=360, duration=2.0, image=jpeg_bytes((640, 360), (230, 120, 20)))
    render_video(request, path)
    return path.read_bytes()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


def keep(store: JobStore, job: Job, media: LocalFolderStorage) -> Job:
    """What the completion hook and the retries do: the library copies the video, the job service records it."""
    return JobService(store).record_kept(job, keep_video(job, media))


def completed(store: JobStore, url: str, **fields: object) -> Job:
    return store.add(
        Job(model_id="video-01", backend="offline", status="completed", video_url=url, finished_at=utcnow(), **fields)
    )


# --- probe and poster -------------------------------------------------------------------------------------------------


def test_probe_reads_length_and_size(tmp_path: Path, mp4: bytes) -> None:
    path = tmp_path / "v.mp4"
    path.write_bytes(mp4)
    seconds, width, height = probe_video(path)
    assert seconds == pytest.approx(2.0, abs=0.05)
    assert (width, height) == (640, 360)


@pytest.mark.parametrize("content", [b"", b"<html>Access denied</html>", jpeg_bytes()])
def test_probe_refuses_what_is_not_a_video(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "v.mp4"
    path.write_bytes(content)
    with pytest.raises(VideoFileError):
        probe_video(path)


def test_poster_is_the_first_frame_as_a_small_jpeg(tmp_path: Path, mp4: bytes) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(mp4)
    dest = tmp_path / "posters" / "v.jpg"  # the folder does not exist yet
    assert poster_frame(video, dest) == dest
    with Image.open(dest) as poster:
        assert poster.format == "JPEG"
        assert poster.size == (480, 270)  # longest side 480, shape kept
        red, green, blue = poster.convert("RGB").getpixel((20, 20))
    assert red > 180 and 70 < green < 170 and blue < 80  # the orange of the source image
    assert not list(dest.parent.glob(".part-*"))


def test_a_small_video_gets_a_poster_of_its_own_size(tmp_path: Path) -> None:
    video = tmp_path / "small.mp4"
    render_video(RenderRequest(width=320, height=180, duration=0.5, placeholder_title="x"), video)
    with Image.open(poster_frame(video, tmp_path / "p.jpg")) as poster:
        assert poster.size == (320, 180)


def test_poster_of_a_broken_file_is_an_error_and_writes_nothing(tmp_path: Path, mp4: bytes) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(mp4[:200])  # the header only
    dest = tmp_path / "p.jpg"
    with pytest.raises(VideoFileError):
        poster_frame(video, dest)
    assert not dest.exists()


# --- keep_video and retry_missing -------------------------------------------------------------------------------------


def test_keep_video_records_the_copy_its_size_length_and_poster(
    store: JobStore, server: ScriptedServer, tmp_path: Path, mp4: bytes
) -> None:
    server.add("GET", VIDEO_PATH, 200, mp4, {"Content-Type": "video/mp4"})
    job = completed(store, f"{server.url}{VIDEO_PATH}?sig=1")
    media = LocalFolderStorage(tmp_path / "media")

    outcome = keep_video(job, media)

    assert isinstance(outcome, KeptVideo)
    assert store.get(job.id) == job  # the library hands its copy over; it writes nothing to the history
    kept = JobService(store).record_kept(job, outcome)
    assert kept.local_path == f"{job.id}.mp4"  # a storage key, not a path on this machine
    assert (media.root / kept.local_path).read_bytes() == mp4
    assert kept.video_bytes == len(mp4)
    assert kept.video_seconds == pytest.approx(2.0, abs=0.05)
    assert kept.poster_path == f"posters/{job.id}.jpg" and (media.root / kept.poster_path).is_file()
    assert store.get(job.id) == kept


@pytest.mark.parametrize(("status", "body"), [(403, b"expired"), (200, b"<html>not a video</html>")])
def test_a_failed_copy_keeps_the_job_and_counts_the_attempt(
    store: JobStore, server: ScriptedServer, tmp_path: Path, status: int, body: bytes
) -> None:
    server.add("GET", VIDEO_PATH, status, body)
    job = completed(store, f"{server.url}{VIDEO_PATH}", prompt="keep me")
    media = LocalFolderStorage(tmp_path / "media")

    outcome = keep_video(job, media)
    assert isinstance(outcome, KeepFailed) and store.get(job.id) == job
    after = JobService(store).record_kept(job, outcome)

    assert after.local_path is None and after.download_attempts == 1
    stored = store.get(job.id)
    assert stored is not None and stored.status == "completed" and stored.prompt == "keep me"
    assert stored.video_url == job.video_url and not stored.error
    assert not [p for p in media.root.rglob("*") if p.is_file()]  # no half-checked copy, no poster


def test_a_copy_whose_job_was_deleted_meanwhile_is_not_kept(
    store: JobStore, server: ScriptedServer, tmp_path: Path, mp4: bytes
) -> None:
    server.add("GET", VIDEO_PATH, 200, mp4)
    job = completed(store, f"{server.url}{VIDEO_PATH}")
    media = LocalFolderStorage(tmp_path / "media")
    outcome = keep_video(job, media)
    assert isinstance(outcome, KeptVideo)
    assert media.exists(str(outcome.local_path)) and media.exists(str(outcome.poster_path))
    store.delete([job.id])  # deleted in History while its video downloaded

    assert JobService(store).record_kept(job, outcome) == job
    assert not [p for p in media.root.rglob("*") if p.is_file()]  # nothing left that no job points at


def test_retry_missing_keeps_what_failed_before(
    store: JobStore, server: ScriptedServer, tmp_path: Path, mp4: bytes
) -> None:
    media = LocalFolderStorage(tmp_path / "media")
    server.add("GET", VIDEO_PATH, 500, b"busy")
    job = keep(store, completed(store, f"{server.url}{VIDEO_PATH}"), media)
    assert job.download_attempts == 1

    server.add("GET", VIDEO_PATH, 200, mp4)
    assert retry_missing(JobService(store), media) == []  # too soon after the failure: it waits a little
    [kept] = retry_missing(JobService(store), media, now=utcnow() + timedelta(minutes=5))

    assert kept.id == job.id and kept.local_path and media.exists(kept.local_path)
    assert retry_missing(JobService(store), media, now=utcnow() + timedelta(hours=1)) == []  # nothing left to do


def test_the_background_retrier_runs_at_most_once_per_period(
    store: JobStore, server: ScriptedServer, tmp_path: Path, mp4: bytes
) -> None:
    media = LocalFolderStorage(tmp_path / "media")
    job = completed(store, f"{server.url}{VIDEO_PATH}")  # never tried yet: due at once
    server.add("GET", VIDEO_PATH, 200, mp4)
    retrier = MissingVideoRetrier(JobService(store), media, every=60)

    assert retrier.maybe_start(now=1000.0)
    retrier.join(timeout=30)
    kept = store.get(job.id)
    assert kept is not None and kept.local_path and media.exists(kept.local_path)
    assert not retrier.maybe_start(now=1030.0)  # within the period: page loads do not start another run
    assert retrier.maybe_start(now=1061.0)
    retrier.join(timeout=30)
    assert len(server.requests_to("GET")) == 1  # the second run found nothing left to fetch


def test_retry_missing_gives_up_after_max_attempts(store: JobStore, server: ScriptedServer, tmp_path: Path) -> None:
    job = completed(store, f"{server.url}{VIDEO_PATH}", download_attempts=5)
    later = utcnow() + timedelta(days=1)
    assert retry_missing(JobService(store), LocalFolderStorage(tmp_path), max_attempts=5, now=later) == []
    assert server.requests == []  # a dead link costs no more requests
    assert store.get(job.id).download_attempts == 5  # type: ignore[union-attr]


def test_retry_missing_ignores_failed_and_already_kept_jobs(
    store: JobStore, server: ScriptedServer, tmp_path: Path
) -> None:
    store.add(Job(model_id="video-01", backend="offline", status="failed", error="no"))
    completed(store, f"{server.url}{VIDEO_PATH}", local_path=str(tmp_path / "x.mp4"))
    assert retry_missing(JobService(store), LocalFolderStorage(tmp_path), now=utcnow() + timedelta(days=1)) == []
    assert server.requests == []


# --- keep_inputs and load_inputs --------------------------------------------------------------------------------------


def test_uploads_are_kept_once_by_content_and_load_back(tmp_path: Path) -> None:
    image, audio = jpeg_bytes((400, 300)), wav_bytes(0.5)
    payload = {
        "model": "veed/fabric-1.0",
        "image_url": to_data_uri(image, "image/jpeg"),
        "audio_url": to_data_uri(audio, "audio/wav"),
        "resolution": "720p",
    }
    media = LocalFolderStorage(tmp_path / "media")

    first = keep_inputs(payload, {"image_url": "face.jpg", "audio_url": "voice.wav"}, media)
    again = keep_inputs(payload, {"image_url": "face.jpg", "audio_url": "voice.wav"}, media)

    assert first == again  # the same submission twice: one manifest
    assert first and first.startswith("inputs/") and first.endswith(".json")  # a storage key
    files = sorted(p.name for p in (media.root / "inputs").iterdir())
    assert len(files) == 3  # image, audio, manifest: nothing twice
    assert load_inputs(first, media) == {
        "image_url": ("face.jpg", image, "image/jpeg"),
        "audio_url": ("voice.wav", audio, "audio/wav"),
    }
    manifest = json.loads(media.get_bytes(first))
    assert "base64" not in json.dumps(manifest)


def test_nested_uploads_keep_their_paths_and_web_addresses_are_not_files(tmp_path: Path) -> None:
    mask = jpeg_bytes((64, 64), (255, 255, 255))
    payload = {
        "image_url": "https://example.com/first.jpg",
        "dynamic_masks": [{"mask": to_data_uri(mask, "image/png"), "trajectories": [{"x": 1, "y": 2}]}],
    }
    media = LocalFolderStorage(tmp_path)
    kept = keep_inputs(payload, None, media)
    assert set(load_inputs(kept, media)) == {"dynamic_masks.0.mask"}
    name, data, mime = load_inputs(kept, media)["dynamic_masks.0.mask"]
    assert (data, mime) == (mask, "image/png") and name.endswith(".png")


def test_no_uploads_keeps_nothing(tmp_path: Path) -> None:
    assert (
        keep_inputs({"prompt": "a cat", "image_url": "https://example.com/a.jpg"}, None, LocalFolderStorage(tmp_path))
        is None
    )
    assert not (tmp_path / "inputs").exists()
    assert load_inputs(None) == {}


def test_an_altered_or_missing_input_is_left_out(tmp_path: Path) -> None:
    image = jpeg_bytes()
    media = LocalFolderStorage(tmp_path)
    kept = keep_inputs({"image_url": to_data_uri(image, "image/jpeg")}, {"image_url": "a.jpg"}, media)
    [stored] = [p for p in (tmp_path / "inputs").iterdir() if p.suffix == ".jpg"]
    stored.write_bytes(b"tampered")
    assert load_inputs(kept, media) == {}
    stored.unlink()
    assert load_inputs(kept, media) == {}
    assert load_inputs("inputs/nope.json", media) == {}
    assert load_inputs(tmp_path / "inputs" / "nope.json") == {}


def test_kept_input_paths_tells_which_uploads_are_still_there_without_reading_them(tmp_path: Path) -> None:
    payload = {"image_url": to_data_uri(jpeg_bytes(), "image/jpeg"), "audio_url": to_data_uri(wav_bytes(), "audio/wav")}
    media = LocalFolderStorage(tmp_path)
    kept = keep_inputs(payload, None, media)
    assert kept_input_paths(kept, media) == {"image_url", "audio_url"}
    [audio] = [p for p in (tmp_path / "inputs").iterdir() if p.suffix == ".wav"]
    audio.write_bytes(b"cut short")
    assert kept_input_paths(kept, media) == {"image_url"}
    audio.unlink()
    assert kept_input_paths(kept, media) == {"image_url"}
    assert kept_input_paths(None, media) == set() and kept_input_paths("inputs/nope.json", media) == set()


def test_a_manifest_cannot_point_outside_its_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    manifest = tmp_path / "inputs" / ("0" * 64 + ".json")
    manifest.parent.mkdir()
    manifest.write_text(json.dumps({"files": {"image_url": {"file": "../secret.txt", "sha256": "x"}}}))
    assert load_inputs(manifest) == {}


# --- delete_job_files -------------------------------------------------------------------------------------------------


def test_delete_removes_video_poster_and_unshared_inputs(
    store: JobStore, server: ScriptedServer, tmp_path: Path, mp4: bytes
) -> None:
    media = LocalFolderStorage(tmp_path / "media")
    shared, own = jpeg_bytes((300, 300), (1, 2, 3)), jpeg_bytes((300, 300), (250, 0, 0))
    sha = hashlib.sha256

    def submitted(tail: bytes) -> Job:
        payload = {"image_url": to_data_uri(shared, "image/jpeg"), "tail_image_url": to_data_uri(tail, "image/jpeg")}
        media_info = {
            "image_url": {"sha256": sha(shared).hexdigest()},
            "tail_image_url": {"sha256": sha(tail).hexdigest()},
        }
        server.add("GET", VIDEO_PATH, 200, mp4)
        job = completed(store, f"{server.url}{VIDEO_PATH}", media=media_info)
        job = keep(store, job, media)
        return store.update(job.id, inputs_dir=keep_inputs(payload, None, media))

    doomed = submitted(own)
    other = submitted(jpeg_bytes((300, 300), (0, 250, 0)))
    store.delete([doomed.id])

    removed = delete_job_files(doomed, media, store)

    assert not media.exists(doomed.local_path) and not media.exists(doomed.poster_path)  # type: ignore[arg-type]
    assert not (media.root / "inputs" / f"{sha(own).hexdigest()}.jpg").exists()
    assert not media.exists(doomed.inputs_dir)  # type: ignore[arg-type]
    assert (media.root / "inputs" / f"{sha(shared).hexdigest()}.jpg").exists()  # still used by the other job
    assert set(load_inputs(other.inputs_dir, media)) == {"image_url", "tail_image_url"}
    assert media.exists(other.local_path)  # type: ignore[arg-type]
    assert len(removed) == 4


def test_delete_without_the_store_keeps_the_inputs(tmp_path: Path) -> None:
    media = LocalFolderStorage(tmp_path)
    inputs = keep_inputs({"image_url": to_data_uri(jpeg_bytes(), "image/jpeg")}, None, media)
    media.put_bytes("v.mp4", b"x")
    job = Job(model_id="video-01", backend="offline", local_path="v.mp4", inputs_dir=inputs)
    assert delete_job_files(job, media) == ["v.mp4"]
    assert not (tmp_path / "v.mp4").exists()
    assert load_inputs(inputs, media)


def test_data_uri_round_trip_is_exact(tmp_path: Path) -> None:
    # The kept bytes are the sent bytes: re-encoding them gives the very same data URI.
    data = jpeg_bytes((333, 222))
    uri = to_data_uri(data, "image/jpeg")
    media = LocalFolderStorage(tmp_path)
    kept = load_inputs(keep_inputs({"image_url": uri}, None, media), media)
    name, back, mime = kept["image_url"]
    assert to_data_uri(back, mime) == uri and base64.b64decode(uri.split(",", 1)[1]) == back
