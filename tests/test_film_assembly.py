"""A film assembled from its shots: sizes and frame rates evened out, each shot's sound kept (silence without), its
narration mixed over it, music under the whole film at its level, the length the sum of the shots', plain errors."""

from __future__ import annotations

import logging
from pathlib import Path

import av
import numpy as np
import pytest

from tests.media_samples import video_bytes
from videostudio.films.assembly import AssembledFilm, FilmError, FilmPart, assemble_film, limited
from videostudio.library.sound_track import SOUND_RATE


def shot(folder: Path, name: str, **options: object) -> Path:
    """A clip whose frames get redder over time, top half green; ``audio="aac"`` adds a 440 Hz tone (0.37)."""
    path = folder / f"{name}.mp4"
    path.write_bytes(video_bytes(**options))  # type: ignore[arg-type]
    return path


def tone_file(
    folder: Path,
    name: str,
    *,
    seconds: float,
    hertz: float,
    loudness: float = 0.5,
    fmt: str = "wav",
    codec: str = "pcm_s16le",
    rate: int = 44_100,
    layout: str = "mono",
) -> Path:
    """A sound file: a sine of ``hertz`` at peak ``loudness``, in the given container, codec, rate and channels."""
    suffix = {"ipod": "m4a", "adts": "aac"}.get(fmt, fmt)
    path = folder / f"{name}.{suffix}"
    with av.open(str(path), "w", format=fmt) as box:
        stream = box.add_stream(codec, rate=rate, layout=layout)
        wave = (np.sin(2 * np.pi * hertz * np.arange(round(seconds * rate)) / rate) * loudness).astype(np.float32)
        channels = 1 if layout == "mono" else 2
        samples = np.repeat(wave[None, :], channels, axis=0)
        formats = stream.codec_context.codec.audio_formats
        sample_format = "fltp" if any(f.name == "fltp" for f in formats) else formats[0].name
        step = stream.codec_context.frame_size or 1024
        for start in range(0, samples.shape[1], step):
            chunk = np.ascontiguousarray(samples[:, start : start + step])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.sample_rate, frame.pts = rate, start
            if sample_format != "fltp":
                frame = av.AudioResampler(format=sample_format, layout=layout, rate=rate).resample(frame)[0]
                frame.pts = start
            box.mux(stream.encode(frame))
        box.mux(stream.encode(None))
    return path


def sound_of(path: Path) -> np.ndarray:
    """The film's sound, every channel, as decoded (at ``SOUND_RATE``)."""
    with av.open(str(path)) as container:
        assert container.streams.audio[0].codec_context.sample_rate == SOUND_RATE
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


def rms(sound: np.ndarray, start: float, end: float) -> float:
    span = sound[:, round(start * SOUND_RATE) : round(end * SOUND_RATE)]
    return float(np.sqrt(np.mean(np.square(span))))


def frame_at(path: Path, seconds: float) -> np.ndarray:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time >= seconds:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame at {seconds} s")


def packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


# --- pictures: copied, fitted, one frame rate ------------------------------------------------------------------------


def test_shots_of_one_format_have_their_pictures_copied_and_the_film_lasts_their_sum(tmp_path: Path) -> None:
    shots = [shot(tmp_path, name, seconds=seconds) for name, seconds in (("a", 1.0), ("b", 0.5), ("c", 1.5))]
    narration = tone_file(tmp_path, "n", seconds=0.4, hertz=300)
    film = assemble_film([FilmPart(shots[0]), FilmPart(shots[1], narration), FilmPart(shots[2])], tmp_path / "film.mp4")
    assert isinstance(film, AssembledFilm) and film.path == tmp_path / "film.mp4"
    assert film.seconds == pytest.approx(3.0, abs=0.1) and film.size == (320, 240)
    assert packets(film.path) == packets(shots[0]) + packets(shots[1]) + packets(shots[2])
    assert film.method == "pictures copied as they were; sound made anew with narration over shot 2"


def test_shots_of_other_sizes_are_letterboxed_to_the_first_shots_size_never_stretched(tmp_path: Path) -> None:
    wide = shot(tmp_path, "wide", size=(320, 240), seconds=0.5)
    square = shot(tmp_path, "square", size=(120, 120), seconds=0.5)  # another shape: bars left and right
    film = assemble_film([FilmPart(wide), FilmPart(square)], tmp_path / "film.mp4")
    assert film.size == (320, 240) and film.seconds == pytest.approx(1.0, abs=0.1)
    assert film.method == "re-encoded to 320×240 at 30 frames a second, shot 2 scaled to fit with black bars; no sound"
    # The square shot is 240×240 in the middle: black at the sides, its picture (top half green) between them.
    picture = frame_at(film.path, 0.7).astype(int)
    assert picture[:, :30].max() < 30 and picture[:, -30:].max() < 30
    assert picture[60, 160, 1] > 200 and picture[180, 160, 1] < 60


def test_shots_of_other_frame_rates_become_one_frame_rate(tmp_path: Path) -> None:
    fast = shot(tmp_path, "fast", rate=30, seconds=1.0)
    slow = shot(tmp_path, "slow", rate=24, seconds=1.0)
    film = assemble_film([FilmPart(slow), FilmPart(fast)], tmp_path / "film.mp4")
    assert film.method.startswith("re-encoded to 320×240 at 30 frames a second")
    assert film.seconds == pytest.approx(2.0, abs=0.1)
    with av.open(str(film.path)) as container:
        times = [f.time for f in container.decode(video=0)]
    assert len(times) == 60  # the 24 fps shot's frames repeated where needed: 30 a second throughout
    assert np.allclose(np.diff(times), 1 / 30, atol=0.001)


def test_a_film_of_one_shot_is_made(tmp_path: Path) -> None:
    film = assemble_film([FilmPart(shot(tmp_path, "a", audio="aac"))], tmp_path / "film.mp4")
    assert film.seconds == pytest.approx(1.0, abs=0.1) and film.method.startswith("pictures copied as they were")


# --- sound ----------------------------------------------------------------------------------------------------------


def test_a_shot_without_sound_is_silent_between_shots_that_keep_theirs(tmp_path: Path) -> None:
    voiced, silent = shot(tmp_path, "v", audio="aac"), shot(tmp_path, "s")
    film = assemble_film([FilmPart(voiced), FilmPart(silent), FilmPart(voiced)], tmp_path / "film.mp4")
    sound = sound_of(film.path)
    assert film.seconds == pytest.approx(3.0, abs=0.1)
    assert sound.shape[1] / SOUND_RATE == pytest.approx(3.0, abs=0.1)
    assert rms(sound, 0.2, 0.8) == pytest.approx(0.366 / np.sqrt(2), rel=0.1)  # the first shot's tone, as it was
    assert rms(sound, 1.2, 1.8) < 0.001  # silence for the shot without sound
    assert rms(sound, 2.2, 2.8) == pytest.approx(0.366 / np.sqrt(2), rel=0.1)
    assert film.method == "pictures copied as they were; sound made anew"


def test_narration_is_heard_over_the_music_in_its_shot_only(tmp_path: Path) -> None:
    shots = [shot(tmp_path, name, seconds=1.0) for name in "abc"]
    narration = tone_file(tmp_path, "n", seconds=2.5, hertz=300, loudness=0.5)  # longer than its shot: cut there
    music = tone_file(tmp_path, "m", seconds=5.0, hertz=200, loudness=0.5, fmt="mp3", codec="libmp3lame")
    parts = [FilmPart(shots[0]), FilmPart(shots[1], narration), FilmPart(shots[2])]
    film = assemble_film(parts, tmp_path / "film.mp4", music=music)
    music_only = assemble_film([FilmPart(s) for s in shots], tmp_path / "music.mp4", music=music)
    narrated, plain = sound_of(film.path), sound_of(music_only.path)
    assert rms(narrated, 1.1, 1.9) > 3 * rms(plain, 1.1, 1.9)  # the narration stands out over the music
    assert rms(plain, 1.1, 1.9) == pytest.approx(0.3 * 0.5 / np.sqrt(2), rel=0.1)  # the music at its level, 0.3
    for start, end in ((0.1, 0.9), (2.1, 2.6)):  # before and after the narrated shot: the music alone
        assert rms(narrated, start, end) == pytest.approx(rms(plain, start, end), rel=0.05)
    assert film.seconds == pytest.approx(3.0, abs=0.1)
    assert film.method.endswith("sound made anew with narration over shot 2 and music under the whole film")


def test_the_levels_scale_the_narration_and_the_music(tmp_path: Path) -> None:
    shots = [FilmPart(shot(tmp_path, "a", seconds=1.0), tone_file(tmp_path, "n", seconds=1.0, hertz=300))]
    music = tone_file(tmp_path, "m", seconds=1.0, hertz=200)
    full = sound_of(assemble_film(shots, tmp_path / "full.mp4", narration_level=1.0, music_level=0.0).path)
    half = sound_of(assemble_film(shots, tmp_path / "half.mp4", narration_level=0.5, music_level=0.0).path)
    assert rms(full, 0.1, 0.9) == pytest.approx(0.5 / np.sqrt(2), rel=0.05)
    assert rms(half, 0.1, 0.9) == pytest.approx(rms(full, 0.1, 0.9) / 2, rel=0.05)
    silent = [FilmPart(shots[0].video)]
    quiet = sound_of(assemble_film(silent, tmp_path / "quiet.mp4", music=music).path)
    loud = sound_of(assemble_film(silent, tmp_path / "loud.mp4", music=music, music_level=0.6).path)
    assert rms(quiet, 0.1, 0.5) == pytest.approx(0.3 * 0.5 / np.sqrt(2), rel=0.05)  # 0.3 by default
    assert rms(loud, 0.1, 0.5) == pytest.approx(2 * rms(quiet, 0.1, 0.5), rel=0.05)
    with pytest.raises(ValueError):
        assemble_film(shots, tmp_path / "no.mp4", music_level=-0.1)


def test_music_shorter_than_the_film_loops_and_fades_out_at_the_end(tmp_path: Path) -> None:
    shots = [FilmPart(shot(tmp_path, name, seconds=1.5)) for name in "ab"]
    music = tone_file(tmp_path, "m", seconds=0.7, hertz=200, loudness=0.5)
    sound = sound_of(assemble_film(shots, tmp_path / "film.mp4", music=music, music_level=1.0).path)
    steady = 0.5 / np.sqrt(2)
    for start in (0.1, 0.8, 1.5):  # the first play and two loops
        assert rms(sound, start, start + 0.5) == pytest.approx(steady, rel=0.1)
    assert rms(sound, 2.45, 2.55) == pytest.approx(steady * 0.5, rel=0.15)  # half-way through the last second
    assert rms(sound, 2.9, 3.0) < steady * 0.15  # faded out to silence at the end
    assert sound.shape[1] / SOUND_RATE == pytest.approx(3.0, abs=0.1)


def test_music_longer_than_the_film_is_cut_at_its_end(tmp_path: Path) -> None:
    music = tone_file(tmp_path, "m", seconds=4.0, hertz=200, fmt="ipod", codec="aac", rate=32_000, layout="stereo")
    film = assemble_film([FilmPart(shot(tmp_path, "a", seconds=1.0))], tmp_path / "film.mp4", music=music)
    assert film.seconds == pytest.approx(1.0, abs=0.1)
    assert sound_of(film.path).shape == pytest.approx((2, SOUND_RATE), abs=0.1 * SOUND_RATE)  # stereo, as the music


@pytest.mark.parametrize(
    ("fmt", "codec", "rate", "layout"),
    [
        ("wav", "pcm_s16le", 22_050, "mono"),
        ("mp3", "libmp3lame", 44_100, "stereo"),
        ("ipod", "aac", 48_000, "stereo"),  # .m4a
        ("adts", "aac", 24_000, "mono"),  # .aac
    ],
)
def test_narration_of_any_format_rate_and_channels_is_resampled(
    tmp_path: Path, fmt: str, codec: str, rate: int, layout: str
) -> None:
    narration = tone_file(tmp_path, "n", seconds=0.8, hertz=300, fmt=fmt, codec=codec, rate=rate, layout=layout)
    film = assemble_film([FilmPart(shot(tmp_path, "a", seconds=1.0), narration)], tmp_path / "film.mp4")
    sound = sound_of(film.path)
    assert rms(sound, 0.2, 0.6) == pytest.approx(0.5 / np.sqrt(2), rel=0.1)
    assert rms(sound, 0.9, 1.0) < 0.01  # it ended at 0.8 s: silence after it
    # Its pitch survives the resampling: 300 Hz, the strongest frequency.
    span = sound[0, round(0.1 * SOUND_RATE) : round(0.7 * SOUND_RATE)]
    assert np.argmax(np.abs(np.fft.rfft(span))) * SOUND_RATE / span.size == pytest.approx(300, abs=5)


def test_loud_sounds_together_are_turned_down_below_full_scale(tmp_path: Path) -> None:
    narration = tone_file(tmp_path, "n", seconds=1.0, hertz=300, loudness=0.9)
    music = tone_file(tmp_path, "m", seconds=1.0, hertz=200, loudness=0.9)
    parts = [FilmPart(shot(tmp_path, "a", audio="aac"), narration)]
    sound = sound_of(assemble_film(parts, tmp_path / "film.mp4", music=music, music_level=1.0).path)
    # Their sum reaches 2.2; turned down to -1 dBFS before encoding (AAC's own overshoot on top stays small).
    assert np.abs(sound).max() < 1.1


def test_the_limiter_leaves_quiet_sound_alone_and_turns_loud_sound_down_without_bending_it() -> None:
    quiet = np.array([[0.1, -0.5, 0.89]], np.float32)
    assert np.array_equal(limited(quiet.copy()), quiet)
    seconds = np.arange(SOUND_RATE) / SOUND_RATE
    loud = np.sin(2 * np.pi * 300 * seconds) * np.where(seconds < 0.5, 0.5, 2.0)  # too loud from half-way
    both = np.stack([loud, loud / 2]).astype(np.float32)
    turned = limited(both.copy())
    assert np.abs(turned).max() <= 0.891 + 1e-6
    assert np.array_equal(turned[:, : SOUND_RATE // 4], both[:, : SOUND_RATE // 4])  # before it: as it was
    assert turned[1] == pytest.approx(turned[0] / 2, abs=1e-6)  # one gain for both channels: the balance stays
    # Not bent: the loud half is still a pure 300 Hz tone, with hardly any overtones.
    spectrum = np.abs(np.fft.rfft(turned[0, round(0.6 * SOUND_RATE) :]))
    tone = round(300 * spectrum.size * 2 / SOUND_RATE)
    assert spectrum[tone * 2 :].max() < 0.01 * spectrum.max()


# --- what a person is told -------------------------------------------------------------------------------------------


def test_a_missing_or_unreadable_shot_is_named_in_plain_words(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good, broken = shot(tmp_path, "a"), tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    for bad in (broken, tmp_path / "missing.mp4"):
        with caplog.at_level(logging.WARNING), pytest.raises(FilmError) as refused:
            assemble_film([FilmPart(good), FilmPart(bad)], tmp_path / "film.mp4")
        assert str(refused.value) == (
            "Shot 2's video is not one the studio can read. Make that shot again, or take it out of the film."
        )
        assert str(bad) in caplog.text  # the detail is in the log
    assert not (tmp_path / "film.mp4").exists()


def test_unreadable_narration_or_music_is_named_in_plain_words(tmp_path: Path) -> None:
    video = shot(tmp_path, "a")
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not a sound")
    with pytest.raises(FilmError) as refused:
        assemble_film([FilmPart(video), FilmPart(video, broken)], tmp_path / "film.mp4")
    assert (
        str(refused.value) == "Shot 2's narration is not a sound the studio can read. Make it again, or leave it out."
    )
    with pytest.raises(FilmError) as refused:
        assemble_film([FilmPart(video)], tmp_path / "film.mp4", music=tmp_path / "missing.mp3")
    assert str(refused.value) == "The music is not a sound the studio can read. Make it again, or leave it out."
    with pytest.raises(FilmError) as refused:
        assemble_film([FilmPart(video)], tmp_path / "film.mp4", music=video)  # a video without sound
    assert str(refused.value) == "The music holds no sound. Make it again, or leave it out."
    with pytest.raises(FilmError) as refused:
        assemble_film([], tmp_path / "film.mp4")
    assert str(refused.value) == "The film has no shots yet. Add a shot, then make the film again."


def test_a_film_that_cannot_be_written_says_what_to_do_and_logs_the_cause(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.ERROR, logger="videostudio.films.assembly"), pytest.raises(FilmError) as refused:
        assemble_film([FilmPart(shot(tmp_path, "a"))], blocked / "film.mp4")
    message = str(refused.value)
    assert message.startswith("The studio could not write the film.") and "make the film again" in message
    assert "Errno" not in message and "Error" not in message  # the library's words stay in the log
    assert "assembling the film" in caplog.text and "Errno" in caplog.text
