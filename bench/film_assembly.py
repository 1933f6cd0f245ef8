"""Film assembly against a plain Join clips of the same shots, in the same run.

Run: ``.venv/bin/python bench/film_assembly.py [--seconds 10] [--runs 5] [--re-encoded]``. Goal: assembling a
3 × 10 s 720p film with narration and music takes at most 1.5× the plain join (``clip_join.join_clips``) when the shots
share a format: both copy the pictures and make the sound anew, the film only mixes more into that sound.

The shots are the offline renderer's (720p, 24 fps, H.264 with an AAC sound track), once with its mono sound and
once with a stereo sound; the narration is its stand-in voice as a 22.05 kHz mono MP3 (as a speech model answers), the
music a 44.1 kHz stereo MP3 shorter than the film (it loops). The film's sound is stereo because the music is: with
mono shots the join encodes one channel and the film two, which costs the film most of its extra time.

Each round times the join and the films one after another (the order turned each round), so a busy machine slows them
alike. Prints, in milliseconds, the median wall time and CPU time (``time.process_time``, which counts x264's and the
decoders' threads) of each, and the film's ratio to the join. ``--re-encoded`` adds a round trip with a 1080p 30 fps
shot among the 720p 24 fps ones (pictures re-encoded; no goal, for comparison).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from videostudio.films.assembly import FilmPart, assemble_film  # noqa: E402
from videostudio.library.clip_join import join_clips  # noqa: E402
from videostudio.offline.render.audio import ambience, speech_tone  # noqa: E402
from videostudio.offline.render.video import RenderRequest, render_video  # noqa: E402

SCENES = ("A lighthouse on a headland at dusk", "Gulls circling over the waves", "A boat coming into the harbour")


def mp3(path: Path, samples: np.ndarray, rate: int) -> Path:
    """``samples`` (channels × n, float) written as an MP3 at ``rate``."""
    layout = "mono" if samples.shape[0] == 1 else "stereo"
    with av.open(str(path), "w") as box:
        stream = box.add_stream("libmp3lame", rate=rate, layout=layout)
        step = stream.codec_context.frame_size or 1152
        for start in range(0, samples.shape[1], step):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(samples[:, start : start + step], np.float32), format="fltp", layout=layout
            )
            frame.sample_rate, frame.pts = rate, start
            box.mux(stream.encode(frame))
        box.mux(stream.encode(None))
    return path


def music(seconds: float, rate: int = 44_100) -> np.ndarray:
    """A stereo chord that swells and falls, a little apart left and right."""
    t = np.arange(round(seconds * rate)) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 3
    swell = 0.6 + 0.4 * np.sin(2 * np.pi * 0.2 * t)
    return np.stack([chord * swell * 0.5, np.roll(chord, 200) * swell * 0.5])


def stereo_sound(path: Path, seconds: float, seed: str) -> bytes:
    """A stereo sound track for a shot: the renderer's ambience, a little apart left and right, as an MP3."""
    mono = ambience(seconds, seed)
    mp3(path, np.concatenate([mono, np.roll(mono, 300, axis=1)]), 48_000)
    return path.read_bytes()


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def compare(label: str, works: dict[str, Callable[[], object]], runs: int) -> None:
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in works}
    for run in range(runs):
        names = list(works) if run % 2 == 0 else list(reversed(works))
        for name in names:
            times[name].append(timed(works[name]))
    print(label)
    join_wall = statistics.median(t[0] for t in times["join"])
    join_cpu = statistics.median(t[1] for t in times["join"])
    for name, taken in times.items():
        wall, cpu = statistics.median(t[0] for t in taken), statistics.median(t[1] for t in taken)
        ratio = "" if name == "join" else f"   {wall / join_wall:4.2f}× the join (CPU {cpu / join_cpu:4.2f}×)"
        print(f"  {name:<34}{wall:7.0f} ms wall {cpu:7.0f} ms CPU{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--re-encoded", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shots, stereo = [], []
        for number, scene in enumerate(SCENES, 1):
            request = RenderRequest(width=1280, height=720, duration=args.seconds, scene=scene, ambience=True)
            shots.append(render_video(request, root / f"shot{number}.mp4").path)
            sound = stereo_sound(root / f"sound{number}.mp3", args.seconds, scene)
            request = RenderRequest(width=1280, height=720, duration=args.seconds, scene=scene, audio=sound)
            stereo.append(render_video(request, root / f"stereo{number}.mp4").path)
        voices = [mp3(root / f"voice{n}.mp3", speech_tone(args.seconds * 0.8)[:, ::2], 22_050) for n in range(3)]
        bed = mp3(root / "music.mp3", music(args.seconds * 2), 44_100)
        print(f"shots: 3 × {args.seconds:g} s at 1280×720, 24 fps, with sound; medians of {args.runs} rounds")
        for kind, clips in (("mono", shots), ("stereo", stereo)):
            one = [FilmPart(clips[0]), FilmPart(clips[1], voices[1]), FilmPart(clips[2])]
            every = [FilmPart(clip, voice) for clip, voice in zip(clips, voices, strict=True)]
            film = assemble_film(one, root / "film.mp4", music=bed)
            print(f"film: {film.seconds:.2f} s; {film.method}")
            compare(
                f"shots of one format with {kind} sound (goal: film ≤ 1.5× the join)",
                {
                    "join": lambda clips=clips: join_clips(clips, root / "joined.mp4"),
                    "film, narration on shot 2 + music": lambda one=one: assemble_film(
                        one, root / "film.mp4", music=bed
                    ),
                    "film, narration on all + music": lambda every=every: assemble_film(
                        every, root / "film.mp4", music=bed
                    ),
                },
                args.runs,
            )
        if args.re_encoded:
            request = RenderRequest(width=1920, height=1080, duration=args.seconds, scene=SCENES[0], fps=30)
            mixed = [render_video(request, root / "large.mp4").path, *shots[1:]]
            parts = [FilmPart(mixed[0]), FilmPart(mixed[1], voices[1]), FilmPart(mixed[2])]
            compare(
                "a 1080p 30 fps shot first (pictures re-encoded; no goal)",
                {
                    "join": lambda: join_clips(mixed, root / "joined.mp4"),
                    "film, narration on shot 2 + music": lambda: assemble_film(parts, root / "film.mp4", music=bed),
                },
                max(1, args.runs // 2),
            )


if __name__ == "__main__":
    main()
