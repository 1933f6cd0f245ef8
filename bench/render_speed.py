"""Benchmark the offline renderer: a 5 s 1280x720 clip from a photo-like image, with caption and tone track.

Run from the repo root:  .venv/bin/python bench/render_speed.py [--runs N] [--source image|scene|video]
Goal: at most 2 s of CPU per render (time.process_time(), which includes libx264's worker threads).
``--source scene`` draws the clip from the prompt alone (text to video); ``--source video`` replays a 5 s 720p
input clip under the prompt's tint (video to video), decoding it as it goes.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Running as a plain script puts bench/ (not the repo root) on sys.path; add the root so the
# package imports without installing it.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from videostudio.offline.render.video import RenderRequest, render_video  # noqa: E402

WIDTH, HEIGHT, DURATION = 1280, 720, 5.0
CAPTION = (
    "A lone lighthouse on a rocky headland at golden hour, waves breaking below, "
    "gulls circling, cinematic wide shot with soft volumetric light"
)
CPU_BUDGET_S = 2.0


def test_image(width: int = 1920, height: int = 1080) -> bytes:
    """A photo-like JPEG: sky gradient, sun, layered hills and fine grain (flat colours would flatter x264)."""
    rng = np.random.default_rng(7)
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    sky = (1 - ys) * np.array([40, 90, 170], np.float32) + ys * np.array([250, 190, 120], np.float32)
    img = Image.fromarray(np.broadcast_to(sky, (height, width, 3)).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    draw.ellipse((width * 0.62, height * 0.35, width * 0.74, height * 0.56), fill=(255, 236, 180))
    for layer, colour in enumerate([(70, 80, 110), (45, 60, 70), (25, 40, 35)]):
        xs = np.arange(0, width + 40, 40)
        base = height * (0.55 + 0.12 * layer)
        ridge = base + rng.normal(0, height * 0.04, xs.size).cumsum() * 0.3
        draw.polygon([(0, height), *zip(xs.tolist(), ridge.tolist(), strict=True), (width, height)], fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    grain = rng.normal(0, 5, (height, width, 1)).astype(np.float32)
    pixels = np.clip(np.asarray(img, np.float32) + grain, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


def input_clip(image: bytes) -> bytes:
    """A 5 s 720p MP4 made from the test image: the input of a video-to-video render."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.mp4"
        render_video(RenderRequest(width=WIDTH, height=HEIGHT, duration=DURATION, image=image), path)
        return path.read_bytes()


def main() -> int:
    """Render N times and print a timing table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--motion", choices=["zoom", "pan"], default="zoom")
    parser.add_argument("--source", choices=["image", "scene", "video"], default="image")
    args = parser.parse_args()

    image = test_image()
    request = RenderRequest(
        width=WIDTH,
        height=HEIGHT,
        duration=DURATION,
        caption=CAPTION,
        image=image if args.source == "image" else None,
        scene=CAPTION if args.source == "scene" else "",
        video=input_clip(image) if args.source == "video" else None,
        tone=True,
        motion=args.motion,
    )
    cpu: list[float] = []
    wall: list[float] = []
    size = 0
    with tempfile.TemporaryDirectory() as tmp:
        # One untimed-in-the-table warm-up: the first render in a process also pays one-off costs
        # (codec and font initialisation) that a long-running backend pays once. Shown separately.
        cpu0, wall0 = time.process_time(), time.perf_counter()
        render_video(request, Path(tmp) / "warmup.mp4")
        warmup = (time.process_time() - cpu0, time.perf_counter() - wall0)
        for run in range(args.runs):
            dest = Path(tmp) / f"run{run}.mp4"
            cpu0, wall0 = time.process_time(), time.perf_counter()
            result = render_video(request, dest)
            cpu.append(time.process_time() - cpu0)
            wall.append(time.perf_counter() - wall0)
            size = result.size_bytes

    what = f"{request.motion}, from {args.source}, caption + tone"
    print(f"render_video: {WIDTH}x{HEIGHT}, {DURATION:g} s @ {request.fps} fps, {what}")
    print(f"runs: {args.runs}   file size: {size:,} bytes ({size / 1024:.0f} KiB)")
    print()
    print(f"{'':10}{'median':>10}{'max':>10}")
    print(f"{'CPU s':10}{statistics.median(cpu):>10.3f}{max(cpu):>10.3f}")
    print(f"{'wall s':10}{statistics.median(wall):>10.3f}{max(wall):>10.3f}")
    print()
    verdict = "OK" if statistics.median(cpu) <= CPU_BUDGET_S else "OVER BUDGET"
    print(f"CPU budget {CPU_BUDGET_S:.1f} s (median): {verdict}")
    print("per-run CPU s: " + ", ".join(f"{c:.3f}" for c in cpu))
    print(f"first render in the process (warm-up, not in the table): CPU {warmup[0]:.3f} s, wall {warmup[1]:.3f} s")
    print(f"load average while measuring: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
