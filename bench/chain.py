"""Continue and join: how long the last frame takes, and a join by stream copy against a re-encode.

Run: ``.venv/bin/python bench/chain.py [--seconds 10] [--runs 3]``. Goals: the last frame of a 10 s 720p clip in
well under a second (it seeks, it does not decode the whole clip); a copied join of two such clips in well under a
second; a re-encode takes longer (it runs behind a spinner once the clips pass 20 s together).

Prints, as medians over the runs, in milliseconds:
- last frame (seek): ``videostudio.chain.last_frame``;
- last frame (decode all): every frame decoded from the start, for comparison;
- join, copied: two clips of one format;
- join, re-encoded: the same two clips, one with sound and one without (so they must be re-encoded).
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
from videostudio.chain import join_clips, last_frame  # noqa: E402


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
        size = (1280, 720)
        first, second, silent = root / "a.mp4", root / "b.mp4", root / "c.mp4"
        first.write_bytes(video_bytes(seconds=args.seconds, size=size, audio="aac"))
        second.write_bytes(video_bytes(seconds=args.seconds, size=size, audio="aac"))
        silent.write_bytes(video_bytes(seconds=args.seconds, size=size))
        print(f"clips: {args.seconds:.0f} s at {size[0]}×{size[1]}, 30 fps; medians of {args.runs} runs")
        print(f"last frame (seek):       {median_ms(lambda: last_frame(first), args.runs):8.0f} ms")
        print(f"last frame (decode all): {median_ms(lambda: decode_all(first), args.runs):8.0f} ms")
        copied = median_ms(lambda: join_clips([first, second], root / "copied.mp4"), args.runs)
        print(f"join, copied:            {copied:8.0f} ms")
        encoded = median_ms(lambda: join_clips([first, silent], root / "encoded.mp4"), args.runs)
        print(f"join, re-encoded:        {encoded:8.0f} ms")


if __name__ == "__main__":
    main()
