"""Joining clips of any size, frame rate and sound: the picture copied or re-encoded to the first clip's size
(letterboxed, never stretched), one sound track for the whole length; every pair of the offline backend's outputs."""

from __future__ import annotations

import itertools
import logging
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from tests.media_samples import video_bytes
from videostudio.library.chain import ChainError, join_clips
from videostudio.library.clip_join import COPIED, SOUND_RATE, JoinResult, clip_info, fitted_size
from videostudio.library.videos import probe_video
from videostudio.offline.render.video import RenderRequest, render_video


def made(folder: Path, name: str, **options: object) -> Path:
    path = folder / f"{name}.mp4"
    path.write_bytes(video_bytes(**options))  # type: ignore[arg-type]
    return path


def voiced(
    folder: Path,
    name: str,
    *,
    codec: str,
    rate: int,
    layout: str,
    fmt: str = "mp4",
    seconds: float = 1.0,
    sound_seconds: float | None = None,
    size: tuple[int, int] = (320, 240),
) -> Path:
    """A clip (grey picture) with a 440 Hz tone in the given sound format and container (as long, or shorter)."""
    path = folder / f"{name}.{'mkv' if fmt == 'matroska' else fmt}"
    with av.open(str(path), "w", format=fmt) as box:
        picture = box.add_stream("libx264", rate=30)
        picture.width, picture.height, picture.pix_fmt = size[0], size[1], "yuv420p"
        sound = box.add_stream(codec, rate=rate, layout=layout)
        for i in range(round(seconds * 30)):
            frame = av.VideoFrame.from_ndarray(np.full((size[1], size[0], 3), 128, np.uint8), format="rgb24")
            frame.pts = i
            box.mux(picture.encode(frame))
        box.mux(picture.encode(None))
        channels = 1 if layout == "mono" else 2
        count = round(rate * (sound_seconds or seconds))
        tone = np.sin(2 * np.pi * 440 * np.arange(count) / rate).astype(np.float32) * 0.4
        samples = np.ascontiguousarray(np.repeat(tone[None, :], channels, axis=0))
        step = sound.codec_context.frame_size or 1024
        for start in range(0, samples.shape[1], step):
            chunk = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples[:, start : start + step]), "fltp", layout)
            chunk.sample_rate, chunk.pts = rate, start
            box.mux(sound.encode(chunk))
        box.mux(sound.encode(None))
    return path


def sound_of(path: Path) -> np.ndarray:
    """The joined video's sound, every channel, as decoded."""
    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


def sound_span(path: Path) -> tuple[float, float]:
    """Where the sound track starts and how long it lasts, as the file says."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return float((stream.start_time or 0) * stream.time_base), float(stream.duration * stream.time_base)


def loudness(sound: np.ndarray, start: float, end: float) -> float:
    return float(np.abs(sound[:, int(start * SOUND_RATE) : int(end * SOUND_RATE)]).max())


def frame_at(path: Path, seconds: float) -> np.ndarray:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time >= seconds:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame at {seconds} s")


def packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


# --- the fit ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "frame", "fit"),
    [
        ((1280, 720), (1920, 1080), (1920, 1080)),  # the same shape: scaled, no bars
        ((1920, 1080), (1280, 720), (1280, 720)),
        ((720, 720), (1280, 720), (720, 720)),  # square in wide: bars left and right
        ((1080, 1920), (1920, 1080), (608, 1080)),  # portrait in wide: 1080 × 9/16 = 607.5, the even 608
        ((1920, 1080), (720, 720), (720, 406)),  # wide in square: bars above and below (720 × 9/16 = 405)
        ((1000, 998), (100, 100), (100, 100)),  # rounding never goes past the frame
    ],
)
def test_fitted_size_keeps_the_shape_inside_the_frame(
    shown: tuple[int, int], frame: tuple[int, int], fit: tuple[int, int]
) -> None:
    assert fitted_size(shown, frame) == fit
    assert fit[0] % 2 == 0 and fit[1] % 2 == 0
    assert abs(fit[0] / fit[1] - shown[0] / shown[1]) < 0.02  # never stretched (give or take an even pixel)


def test_how_says_in_words_what_was_done(tmp_path: Path) -> None:
    path = tmp_path / "j.mp4"
    assert JoinResult(path, 2.0, 320, 240, copied=True, sound=False).how == COPIED == "streams copied as they were"
    assert "pictures copied as they were" in JoinResult(path, 2.0, 320, 240, copied=True, sound=True).how
    assert JoinResult(path, 2.0, 1920, 1080, copied=False, sound=False).how == "re-encoded to 1920×1080"
    resized = JoinResult(path, 2.0, 1920, 1080, copied=False, sound=False, resized=(2,))
    assert resized.how == "re-encoded to 1920×1080, clip 2 scaled to fit"
    barred = JoinResult(path, 2.0, 1920, 1080, copied=False, sound=True, resized=(2, 3), barred=True)
    assert barred.how == "re-encoded to 1920×1080, clips 2 and 3 scaled to fit with black bars"


# --- sizes and frame rates ----------------------------------------------------------------------------------------


def test_clips_of_other_sizes_are_fitted_to_the_first_clips_size_with_black_bars(tmp_path: Path) -> None:
    wide = made(tmp_path, "wide", size=(320, 240), seconds=0.5)
    small = made(tmp_path, "small", size=(160, 120), seconds=0.5)  # the same shape: scaled up, no bars
    square = made(tmp_path, "square", size=(120, 120), seconds=0.5)  # another shape: bars left and right
    result = join_clips([wide, small, square], tmp_path / "joined.mp4")
    assert not result.copied and (result.width, result.height) == (320, 240)
    assert result.how == "re-encoded to 320×240, clips 2 and 3 scaled to fit with black bars"
    assert result.seconds == pytest.approx(1.5, abs=0.05)
    # The square clip is 240×240 in the middle: black at the sides, its picture (top half green) between them.
    picture = frame_at(result.path, 1.2).astype(int)
    assert picture[:, :30].max() < 30 and picture[:, -30:].max() < 30
    assert picture[60, 160, 1] > 200 and picture[180, 160, 1] < 60
    # The small clip fills the frame: no bars.
    assert frame_at(result.path, 0.7)[60, 5, 1] > 200


def test_clips_of_other_frame_rates_keep_every_frame_and_their_length(tmp_path: Path) -> None:
    fast = made(tmp_path, "fast", rate=30, seconds=1.0)
    slow = made(tmp_path, "slow", rate=24, seconds=1.0)
    result = join_clips([fast, slow], tmp_path / "joined.mp4")
    assert not result.copied and result.how == "re-encoded to 320×240"
    assert result.seconds == pytest.approx(2.0, abs=0.01)
    with av.open(str(result.path)) as container:
        times = [f.time for f in container.decode(video=0)]
    assert len(times) == 30 + 24  # every frame of both, none dropped or doubled
    assert times[30] == pytest.approx(1.0, abs=0.001) and times[31] - times[30] == pytest.approx(1 / 24, abs=0.001)


def test_clips_of_one_format_are_copied_packet_for_packet(tmp_path: Path) -> None:
    first = made(tmp_path, "a", seconds=1.0)
    second = made(tmp_path, "b", seconds=0.5)
    result = join_clips([first, second], tmp_path / "joined.mp4")
    assert result.copied and result.how == "streams copied as they were" and not result.sound
    assert packets(result.path) == packets(first) + packets(second)
    assert result.seconds == pytest.approx(1.5, abs=0.01)


def test_a_copy_the_muxer_refuses_is_re_encoded_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from videostudio.library import clip_join

    def refuse(*_args: object) -> None:
        raise ValueError("Invalid argument: returned 22")

    monkeypatch.setattr(clip_join._Copier, "add", refuse)
    first, second = made(tmp_path, "a"), made(tmp_path, "b")
    with caplog.at_level(logging.WARNING, logger="videostudio.library.clip_join"):
        result = join_clips([first, second], tmp_path / "joined.mp4")
    assert not result.copied and result.how == "re-encoded to 320×240"
    assert result.seconds == pytest.approx(2.0, abs=0.05)
    assert "re-encoding them instead" in caplog.text


# --- sound --------------------------------------------------------------------------------------------------------


def test_two_clips_with_sound_join_and_sound_the_whole_length(tmp_path: Path) -> None:
    # The offline backend's clips with sound (AAC with a priming packet): copying their sound packets end to end
    # failed with "Invalid argument ... returned 22".
    clips = []
    for name in ("veo", "kling"):
        clips.append(tmp_path / f"{name}.mp4")
        render_video(RenderRequest(width=320, height=180, duration=1.0, scene=name, tone=True), clips[-1])
    result = join_clips(clips, tmp_path / "joined.mp4")
    assert result.copied and result.sound
    assert result.how == "pictures copied as they were, sound re-encoded as one track"
    assert packets(result.path) == packets(clips[0]) + packets(clips[1])  # the pictures as they were
    start, length = sound_span(result.path)
    assert start == pytest.approx(0, abs=0.03) and length == pytest.approx(2.0, abs=0.03)
    sound = sound_of(result.path)
    assert sound.shape[1] == pytest.approx(2 * SOUND_RATE, abs=0.03 * SOUND_RATE)
    assert loudness(sound, 0.2, 0.9) > 0.05 and loudness(sound, 1.2, 1.9) > 0.05  # both clips' voices


def test_sounds_of_every_format_become_one_track_with_silence_for_a_silent_clip(tmp_path: Path) -> None:
    clips = [
        voiced(tmp_path, "aac44", codec="aac", rate=44100, layout="mono"),
        made(tmp_path, "silent", seconds=1.0),
        voiced(tmp_path, "mp3", codec="libmp3lame", rate=32000, layout="stereo"),
        voiced(tmp_path, "opus", codec="libopus", rate=48000, layout="stereo", fmt="matroska"),
        voiced(tmp_path, "pcm", codec="pcm_s16le", rate=22050, layout="mono", fmt="mov"),
    ]
    result = join_clips(clips, tmp_path / "joined.mp4")
    assert result.sound and result.copied  # one picture format, even from MKV and MOV: the sound alone is made anew
    assert result.seconds == pytest.approx(sum(probe_video(c)[0] for c in clips), abs=0.1)
    with av.open(str(result.path)) as container:
        ctx = container.streams.audio[0].codec_context
        assert (ctx.name, ctx.sample_rate, ctx.channels) == ("aac", SOUND_RATE, 2)  # stereo: some clips are
    start, length = sound_span(result.path)
    assert start == pytest.approx(0, abs=0.03) and length == pytest.approx(result.seconds, abs=0.1)
    sound = sound_of(result.path)
    for index, at in enumerate((0.0, 1.0, 2.0, 3.0, 4.0)):  # each clip's second, from its own start
        level = loudness(sound, at + 0.2, at + 0.8)
        assert (level < 0.01) if index == 1 else (level > 0.2), (index, level)
    assert loudness(sound[1:], 2.2, 2.8) > 0.2  # a stereo clip's sound is in both channels


def test_a_clips_sound_that_ends_early_is_followed_by_silence_and_the_next_clip_starts_on_time(tmp_path: Path) -> None:
    # A 1 s picture with 0.4 s of sound, then a clip with sound all along: the second sound starts at 1 s, not 0.4 s.
    early = voiced(tmp_path, "early", codec="aac", rate=48000, layout="stereo", seconds=1.0, sound_seconds=0.4)
    whole = voiced(tmp_path, "whole", codec="aac", rate=44100, layout="mono", seconds=1.0)
    result = join_clips([early, whole], tmp_path / "joined.mp4")
    sound = sound_of(result.path)
    assert loudness(sound, 0.05, 0.35) > 0.2 and loudness(sound, 0.5, 0.95) < 0.01
    assert loudness(sound, 1.05, 1.9) > 0.2 and sound.shape[1] == pytest.approx(2 * SOUND_RATE, abs=0.03 * SOUND_RATE)


# --- the offline backend's outputs, every pair ---------------------------------------------------------------------

# With and without sound, 720p and 1080p, 24 and 30 fps: the sound at 24 fps is the generated (mono) sound track, at
# 30 fps an uploaded stereo recording carried into the clip.
OFFLINE = {
    f"{'sound' if sound else 'silent'}-{height}p-{fps}": (sound, height, fps)
    for sound, height, fps in itertools.product((True, False), (720, 1080), (24, 30))
}


@pytest.fixture(scope="module")
def offline_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("offline-clips")
    recording = voiced(folder, "recording", codec="aac", rate=44100, layout="stereo", seconds=0.6, size=(64, 48))
    clips = {}
    for name, (sound, height, fps) in OFFLINE.items():
        request = RenderRequest(
            width=height * 16 // 9,
            height=height,
            duration=0.5,
            fps=fps,
            scene=name,
            ambience=sound and fps == 24,
            audio=recording.read_bytes() if sound and fps == 30 else None,
        )
        clips[name] = render_video(request, folder / f"{name}.mp4").path
    return clips


@pytest.mark.parametrize(("first", "second"), list(itertools.product(OFFLINE, repeat=2)))
def test_every_pair_of_offline_clips_joins(
    tmp_path: Path, offline_clips: dict[str, Path], first: str, second: str
) -> None:
    paths = [offline_clips[first], offline_clips[second]]
    result = join_clips(paths, tmp_path / "joined.mp4")
    assert result.seconds == pytest.approx(sum(probe_video(p)[0] for p in paths), abs=0.1)
    assert (result.width, result.height) == probe_video(paths[0])[1:]  # the first clip's size
    assert result.copied == (OFFLINE[first][1:] == OFFLINE[second][1:])  # one size and frame rate: whatever the sound
    if result.copied:
        assert "copied as they were" in result.how
    else:
        assert result.how.startswith(f"re-encoded to {result.width}×{result.height}")
    sounds = [OFFLINE[first][0], OFFLINE[second][0]]
    with av.open(str(result.path)) as container:
        assert bool(container.streams.audio) == any(sounds)
    if any(sounds):
        start, length = sound_span(result.path)
        assert start == pytest.approx(0, abs=0.03) and length == pytest.approx(result.seconds, abs=0.1)
        decoded = sound_of(result.path).shape[1] / SOUND_RATE
        assert decoded == pytest.approx(result.seconds, abs=0.1)


# --- what a person is told -----------------------------------------------------------------------------------------


def test_a_join_that_cannot_be_written_says_what_to_do_and_logs_the_cause(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = made(tmp_path, "a"), made(tmp_path, "b")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.ERROR, logger="videostudio.library.clip_join"), pytest.raises(ChainError) as refused:
        join_clips([first, second], blocked / "joined.mp4")
    message = str(refused.value)
    assert message.startswith("The studio could not write the joined video.") and "press Join again" in message
    assert "Errno" not in message and "Error" not in message  # the library's words stay in the log
    assert "joining" in caplog.text and "Errno" in caplog.text


def test_an_unreadable_clip_is_named_in_plain_words(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    with pytest.raises(ChainError) as refused:
        clip_info(broken, 3)
    assert str(refused.value) == (
        "Clip 3 is not a video the studio can read. Open it in History to check that it plays, "
        "or remove it from the list."
    )


def test_clip_info_reads_the_pixel_shape_and_the_sound(tmp_path: Path) -> None:
    info = clip_info(voiced(tmp_path, "v", codec="aac", rate=44100, layout="stereo"))
    assert (info.width, info.height, info.channels, info.rate) == (320, 240, 2, Fraction(30))
    assert info.shown_size == (320, 240) and info.pixel_aspect == 1
