"""Chains of clips: the last frame of a video, and clips joined into one MP4 (copied or re-encoded)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from tests.media_samples import video_bytes
from videostudio.history.store import Job, JobKind, JobStatus, JobStore, utcnow
from videostudio.library.chain import (
    JOINED_MODEL_ID,
    STUDIO_BACKEND,
    ChainError,
    chain_of,
    join_clips,
    joined_settings,
    last_frame,
    record_joined,
)
from videostudio.library.videos import VideoFileError, delete_job_files, probe_video
from videostudio.storage import LocalFolderStorage

FRAME = 1 / 30  # the sample clips' frame time


def clip(folder: Path, name: str, **options: object) -> Path:
    path = folder / f"{name}.mp4"
    path.write_bytes(video_bytes(**options))  # type: ignore[arg-type]
    return path


def slow_last_frame(path: Path) -> np.ndarray:
    """Every frame decoded from the start; the last one."""
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return frames[-1]


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB"))


def stream_kinds(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [s.type for s in container.streams]


def frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


# --- last_frame ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [0.2, 1.0, 4.0])
def test_last_frame_is_the_videos_true_last_frame(tmp_path: Path, seconds: float) -> None:
    # 4 s is past the seek look-back, so the seek path is used; the short ones decode from the start.
    path = clip(tmp_path, "a", seconds=seconds)
    assert np.array_equal(pixels(last_frame(path)), slow_last_frame(path))
    # The sample clip gets redder frame by frame: the last frame is the reddest, unlike the first.
    assert pixels(last_frame(path))[-1, 0, 0] > 240


def test_last_frame_with_b_frames_and_a_sparse_keyframe(tmp_path: Path) -> None:
    path = tmp_path / "b.mp4"
    with av.open(str(path), "w") as box:
        stream = box.add_stream("libx264", rate=25, options={"g": "250", "bf": "3"})
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(150):  # 6 s, one keyframe: the seek lands before the end and decodes from the start
            picture = np.full((48, 64, 3), i, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                box.mux(packet)
        for packet in stream.encode(None):
            box.mux(packet)
    assert np.array_equal(pixels(last_frame(path)), slow_last_frame(path))
    assert abs(int(pixels(last_frame(path))[10, 10].mean()) - 149) <= 3


def test_last_frame_of_a_video_without_frames_is_a_plain_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    with av.open(str(empty), "w") as box:
        stream = box.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
    with pytest.raises(ChainError, match="no frames|could not be read"):
        last_frame(empty)
    sound = tmp_path / "sound.m4a"
    with av.open(str(sound), "w", format="mp4") as box:
        box.add_stream("aac", rate=44100)
    with pytest.raises(ChainError, match="no video|could not be read"):
        last_frame(sound)


# --- join_clips -----------------------------------------------------------------------------------------------------


def test_join_copies_streams_of_one_format_and_lasts_the_sum(tmp_path: Path) -> None:
    first = clip(tmp_path, "a", seconds=1.0, audio="aac")
    second = clip(tmp_path, "b", seconds=2.0, audio="aac")
    result = join_clips([first, second], tmp_path / "joined.mp4")
    assert result.copied and result.how == "pictures copied as they were, sound re-encoded as one track"
    seconds, width, height = probe_video(result.path)
    assert (width, height) == (320, 240)
    assert abs(seconds - (probe_video(first)[0] + probe_video(second)[0])) <= FRAME
    assert stream_kinds(result.path) == ["video", "audio"]
    assert frame_count(result.path) == 90  # every frame of both, none dropped or doubled


def test_join_keeps_the_order_given(tmp_path: Path) -> None:
    short = clip(tmp_path, "short", seconds=0.5)
    long = clip(tmp_path, "long", seconds=1.5)
    result = join_clips([long, short], tmp_path / "joined.mp4")
    # The sample clips redden as they go: the joined video ends on the short clip's last frame.
    assert np.array_equal(pixels(last_frame(result.path)), slow_last_frame(short))


def test_join_re_encodes_mixed_clips_with_silence_where_one_has_no_sound(tmp_path: Path) -> None:
    voiced = clip(tmp_path, "a", seconds=1.0, audio="aac")
    silent = clip(tmp_path, "b", seconds=1.5)
    other_codec = clip(tmp_path, "c", fmt="mp4", codec="mpeg4", seconds=0.5)
    result = join_clips([voiced, silent, other_codec], tmp_path / "joined.mp4")
    assert not result.copied and result.how == "re-encoded to 320×240"
    expected = sum(probe_video(p)[0] for p in (voiced, silent, other_codec))
    assert abs(result.seconds - expected) <= FRAME
    assert stream_kinds(result.path) == ["video", "audio"]
    with av.open(str(result.path)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        # The silent clip's stretch (1.0 s to 2.5 s) is silence; the tone before it is not.
        audio = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])
    rate = 48000
    assert np.abs(audio[int(0.2 * rate) : int(0.8 * rate)]).max() > 0.1
    assert np.abs(audio[int(1.3 * rate) : int(2.2 * rate)]).max() < 0.01


def test_join_takes_clips_of_different_sizes_at_the_first_clips_size(tmp_path: Path) -> None:
    # Once refused ("All clips must be the same size"): a chain of a 1080p and a 720p model could not be joined.
    a = clip(tmp_path, "a", size=(320, 240))
    b = clip(tmp_path, "b", size=(160, 120))
    c = clip(tmp_path, "c", size=(320, 240))
    result = join_clips([a, b, c], tmp_path / "joined.mp4")
    assert (result.width, result.height) == (320, 240) and result.seconds == pytest.approx(3.0, abs=0.05)
    assert result.how == "re-encoded to 320×240, clip 2 scaled to fit"


def test_join_needs_two_readable_clips(tmp_path: Path) -> None:
    a = clip(tmp_path, "a")
    with pytest.raises(ChainError, match="at least two"):
        join_clips([a], tmp_path / "j.mp4")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    with pytest.raises(ChainError, match="Clip 2 is not a video"):
        join_clips([a, broken], tmp_path / "j.mp4")
    assert not (tmp_path / "j.mp4").exists()


# --- the joined job -------------------------------------------------------------------------------------------------


def finished(store: JobStore, path: Path, *, parent: Job | None = None, minutes: int = 0) -> Job:
    return store.add(
        Job(
            model_id="video-01",
            backend="offline",
            status=JobStatus.COMPLETED.value,
            local_path=str(path),
            parent_id=parent.id if parent else None,
            created_at=utcnow() + timedelta(minutes=minutes),
        )
    )


def test_record_joined_adds_a_completed_joined_job_with_its_file_and_poster(tmp_path: Path) -> None:
    store = JobStore(f"sqlite:///{tmp_path / 'h.db'}")
    jobs = [finished(store, clip(tmp_path, n, seconds=1.0)) for n in ("a", "b", "c")]  # old rows: file paths
    media = LocalFolderStorage(tmp_path / "media")
    joined, result = record_joined(store, jobs, media)
    stored = store.get(joined.id)
    assert stored is not None
    assert stored.kind == JobKind.JOINED and stored.status == JobStatus.COMPLETED and not stored.is_active
    assert stored.model_id == JOINED_MODEL_ID and stored.backend == STUDIO_BACKEND
    assert stored.prompt == "Joined 3 clips"
    assert stored.params == {
        "clips": [j.id for j in jobs],
        "joined_from": ["video-01", "video-01", "video-01"],  # no titles given, no prompts: the model ids
        "how": "streams copied as they were",
    }
    assert joined_settings(stored.params) == [
        ("Joined from", "video-01, then video-01, then video-01"),
        ("How", "streams copied as they were"),
    ]
    assert stored.local_path == f"{stored.id}.mp4" and (media.root / stored.local_path).is_file()
    assert stored.poster_path == f"posters/{stored.id}.jpg" and media.exists(stored.poster_path)
    assert abs((stored.video_seconds or 0) - 3.0) <= FRAME and result.copied
    assert stored.credits is None and stored.usd is None
    # Never claimed by a follower: it is not active.
    assert store.claim_due("someone") == []
    # Deleting it removes its files.
    store.delete([stored.id])
    removed = delete_job_files(stored, media, store)
    assert stored.local_path in removed and not (media.root / stored.local_path).exists()
    assert not media.exists(stored.poster_path)


def test_record_joined_names_the_clips_as_told(tmp_path: Path) -> None:
    store = JobStore(f"sqlite:///{tmp_path / 'h.db'}")
    jobs = [finished(store, clip(tmp_path, n, seconds=0.5, size=s)) for n, s in (("a", (320, 240)), ("b", (240, 240)))]
    joined, _ = record_joined(
        store, jobs, LocalFolderStorage(tmp_path / "media"), ["Veo 3.1 (“a boat”)", "Kling 2.1 (“the sea”)"]
    )
    assert joined_settings(joined.params) == [
        ("Joined from", "Veo 3.1 (“a boat”), then Kling 2.1 (“the sea”)"),
        ("How", "re-encoded to 320×240, clip 2 scaled to fit with black bars"),
    ]


def test_joins_recorded_before_the_words_still_read_plainly() -> None:
    old = {"clips": ["1f0c", "9a7e"], "method": "copied"}
    assert joined_settings(old) == [
        ("Joined from", "2 clips (their names were not kept)"),
        ("How", "streams copied as they were"),
    ]
    assert joined_settings({"clips": ["a", "b"], "method": "re-encoded"})[1] == ("How", "re-encoded to H.264")


def test_record_joined_keeps_nothing_when_the_poster_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from videostudio.library import videos

    def no_poster(*_args: object, **_kwargs: object) -> bytes:
        raise VideoFileError("The downloaded file holds no video.")

    monkeypatch.setattr(videos, "poster_jpeg", no_poster)
    store = JobStore(f"sqlite:///{tmp_path / 'h.db'}")
    jobs = [finished(store, clip(tmp_path, n)) for n in ("a", "b")]
    media = tmp_path / "media"
    with pytest.raises(ChainError, match="could not be kept. Check that the disk has room"):
        record_joined(store, jobs, LocalFolderStorage(media))
    assert store.count() == 2 and list(media.rglob("*")) == []


def test_record_joined_refuses_a_clip_without_a_video(tmp_path: Path) -> None:
    store = JobStore(f"sqlite:///{tmp_path / 'h.db'}")
    good = finished(store, clip(tmp_path, "a"))
    gone = finished(store, tmp_path / "missing.mp4")
    with pytest.raises(ChainError, match="Clip 2 has no finished video"):
        record_joined(store, [good, gone], LocalFolderStorage(tmp_path / "media"))
    assert store.count() == 2


def test_chain_of_follows_parents_and_the_newest_children(tmp_path: Path) -> None:
    store = JobStore(f"sqlite:///{tmp_path / 'h.db'}")
    root = finished(store, clip(tmp_path, "a"))
    middle = finished(store, clip(tmp_path, "b"), parent=root, minutes=1)
    finished(store, clip(tmp_path, "older"), parent=middle, minutes=2)
    last = finished(store, clip(tmp_path, "c"), parent=middle, minutes=3)
    alone = finished(store, clip(tmp_path, "d"))
    assert [j.id for j in chain_of(store, middle)] == [root.id, middle.id, last.id]
    assert [j.id for j in chain_of(store, root)] == [root.id, middle.id, last.id]
    assert [j.id for j in chain_of(store, alone)] == [alone.id]
    assert [j.id for j in store.children_of(root.id)] == [middle.id]


def test_every_animate_a_picture_model_has_a_start_image_field() -> None:
    from videostudio.catalogue import Task, load_catalogue, start_image_path

    models = list(load_catalogue())
    for model in models:
        path = start_image_path(model.schema, model.media)
        # The same rule as the task: a model has a start image exactly when it animates a picture.
        assert (path is not None) == (Task.IMAGE in model.tasks), model.id
        assert path is None or model.media[path] == "image", model.id
    by_id = {m.id: m for m in models}
    assert start_image_path(by_id["pixverse/v5/image-to-video"].schema, by_id["pixverse/v5/image-to-video"].media) == (
        "image_url"
    )
    luma = by_id["luma/ray-2"]
    assert start_image_path(luma.schema, luma.media) == "keyframes.frame0.url"
    fabric = by_id["veed/fabric-1.0"]  # its picture is the face that talks, not a start frame
    assert start_image_path(fabric.schema, fabric.media) is None


def test_only_a_finished_job_with_its_video_on_this_computer_can_be_chained(tmp_path: Path) -> None:
    video = tmp_path / "kept.mp4"
    video.write_bytes(b"not checked here")
    done = Job(model_id="video-01", backend="offline", status=JobStatus.COMPLETED.value, local_path=str(video))
    assert done.has_local_video
    assert not Job(model_id="video-01", backend="offline", status=JobStatus.COMPLETED.value).has_local_video
    gone = Job(model_id="video-01", backend="offline", status="completed", local_path=str(tmp_path / "deleted.mp4"))
    assert not gone.has_local_video
    failed = Job(model_id="video-01", backend="offline", status=JobStatus.FAILED.value, local_path=str(video))
    assert not failed.has_local_video
