"""Continue and join: how long the last frame takes, and a join by stream copy against a re-encode.

Run: ``.venv/bin/python bench/chain.py [--seconds 10] [--runs 3]``. Goals: the last frame of a 10 s 720p clip in
well under a second (it seeks, it does not decode the whole clip); a copied join of two such clips in well under a
second, with their sound made anew in about a second more; a re-encode takes longer (it runs behind a spinner).

Prints, as medians over the runs, in milliseconds:
- last frame (seek): ``videostudio.library.chain.last_frame``;
- last frame (decode all): every frame decoded from the start, for comparison;
- join, copied: two silent clips of one format;
- join, copied + sound: two clips of one format with sound (the pictures copied, the sound re-encoded as one track);
- join, re-encoded 720p: a 30 fps and a 24 fps clip (so the pictures must be re-encoded), one with sound;
- join, re-encoded 1080p: a 1080p clip with sound, then a 720p one scaled up to fit.
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.media_samples import video_bytes  # noqa: E402
from videostudio.library.chain import join_clips, last_frame  # noqa: E402


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def decode_all(path: Path) -> None:
    with av.open(str(path)) as container:
        for _frame in container.decode(video=0):
            pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        size, large = (1280, 720), (1920, 1080)
        seconds = args.seconds
        first, second, silent = root / "a.mp4", root / "b.mp4", root / "c.mp4"
        other_rate, full_hd = root / "d.mp4", root / "e.mp4"
        first.write_bytes(video_bytes(seconds=seconds, size=size, audio="aac"))
        second.write_bytes(video_bytes(seconds=seconds, size=size, audio="aac"))
        silent.write_bytes(video_bytes(seconds=seconds, size=size))
        other_rate.write_bytes(video_bytes(seconds=seconds, size=size, rate=24))
        full_hd.write_bytes(video_bytes(seconds=seconds, size=large, audio="aac"))
        print(f"clips: {seconds:.0f} s at {size[0]}×{size[1]}, 30 fps; medians of {args.runs} runs")
        print(f"last frame (seek):       {median_ms(lambda: last_frame(first), args.runs):8.0f} ms")
        print(f"last frame (decode all): {median_ms(lambda: decode_all(first), args.runs):8.0f} ms")
        joins = {
            "join, copied:           ": [silent, silent],
            "join, copied + sound:   ": [first, second],
            "join, re-encoded 720p:  ": [first, other_rate],
            "join, re-encoded 1080p: ": [full_hd, silent],
        }
        for label, clips in joins.items():
            result = join_clips(clips, root / "joined.mp4")
            took = median_ms(lambda clips=clips: join_clips(clips, root / "joined.mp4"), args.runs)
            print(f"{label}{took:8.0f} ms  ({took / 1000 / (2 * seconds):.2f} s per second of video; {result.how})")


if __name__ == "__main__":
    main()
