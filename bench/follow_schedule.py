"""The studio's follower against the seeds' fixed 10 s loop, on the same jobs, in one run.

    .venv/bin/python bench/follow_schedule.py [--speed 12] [--per-model 2]

An in-process offline backend runs jobs of several lengths (its run time is a few seconds per model,
scaled by ``--speed``: 24 to 75 s at the default 12). Every job is submitted once, through the studio's
JobService, then followed twice at the same time:

- by the studio's follower (videostudio/follow.py), with its PollPolicy schedule: sparse before the
  expected end, every 2 s around it (the API's default interval), backing off past it;
- by the loop the seeds' documentation shows: wait 10 s, poll, repeat until done.

Each keeps the finished video (download, probe, poster frame). Per job the bench measures the delay from
completion at the provider to the video kept, and the number of polls. Goals (issue 9, section 3): the
follower's mean delay at most 0.3x the fixed loop's, its polls per job at most 0.6x.

When a job completes at the offline backend: it exposes no completion time, so the bench computes it from
the job's record: the later of (its ``created`` time plus its planned run time, ``demo_seconds(model) x
speed``, which is when the backend starts answering "completed") and the time its MP4 was written (a
job whose render is late stays "generating" until the file is there).

With no history, the follower's expected run time is the offline demo's own planned time for the model
(what ``typical_seconds`` is for the real API); from the second job of a model on, the history's median.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from videostudio.catalogue import load_catalogue  # noqa: E402
from videostudio.client import VideoClient  # noqa: E402
from videostudio.config import Settings  # noqa: E402
from videostudio.follow import standalone  # noqa: E402
from videostudio.generation import Generation, Status  # noqa: E402
from videostudio.library import download_video, poster_frame, probe_video  # noqa: E402
from videostudio.offline.server import OfflineBackend, demo_seconds, job_key  # noqa: E402
from videostudio.store import Job  # noqa: E402

FIXED_LOOP_SECONDS = 10.0
IMAGE = "https://example.com/portrait.jpg"  # never fetched: the offline backend draws a placeholder
PAYLOADS: dict[str, dict[str, Any]] = {
    "video-01": {"prompt": "A lighthouse in fog"},
    "pixverse/v5/image-to-video": {"prompt": "A cat surfing", "image_url": IMAGE, "resolution": "360p"},
    "veed/fabric-1.0": {"image_url": IMAGE, "audio_url": "https://example.com/voice.mp3", "resolution": "480p"},
    "video-01-live2d": {"prompt": "She waves", "image_url": IMAGE},
    "kling-video/v1/standard/image-to-video": {"prompt": "Clouds over a ridge", "image_url": IMAGE},
}


@dataclass
class Follow:
    """One way of following the jobs: polls and the time each video was kept, by generation id."""

    polls: dict[str, int] = field(default_factory=dict)
    kept_at: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, generation_id: str) -> None:
        with self.lock:
            self.polls[generation_id] = self.polls.get(generation_id, 0) + 1


class CountingClient:
    def __init__(self, client: Any, follow: Follow) -> None:
        self.client, self.follow = client, follow

    def submit(self, payload: dict[str, Any], *, legacy_endpoint: str | None = None) -> Generation:
        raise AssertionError("following never submits")

    def poll(self, generation_id: str, *, legacy_endpoint: str | None = None) -> Generation:
        self.follow.count(generation_id)
        return self.client.poll(generation_id, legacy_endpoint=legacy_endpoint)


def fixed_loop(url: str, generation_id: str, submitted: float, media: Path, follow: Follow) -> None:
    """The seeds' loop: every 10 s from the submit, poll; when done, keep the video."""
    client = VideoClient(url, "offline-demo")
    try:
        polls = 0
        while True:
            polls += 1
            time.sleep(max(0.0, submitted + polls * FIXED_LOOP_SECONDS - time.time()))
            follow.count(generation_id)
            generation = client.poll(generation_id)
            if generation.status is Status.COMPLETED and generation.video_url:
                dest = media / f"{job_key(generation_id)}.mp4"
                download_video(generation.video_url, dest)
                probe_video(dest)
                poster_frame(dest, media / "posters" / f"{job_key(generation_id)}.jpg")
                follow.kept_at[generation_id] = time.time()
                return
            if generation.status is Status.FAILED:
                raise RuntimeError(f"{generation_id} failed: {generation.error}")
    finally:
        client.close()


def completed_at(backend: OfflineBackend, generation_id: str, speed: float) -> float:
    """When the offline backend first answers "completed" for the job (see the module's docstring)."""
    key = job_key(generation_id)
    record = json.loads((backend.jobs_dir / f"{key}.json").read_text())
    planned = record["created"] + demo_seconds(backend.catalogue.get(record["model"])) * speed
    return max(planned, (backend.videos_dir / f"{key}.mp4").stat().st_mtime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=float, default=12.0, help="offline run times x this (default 12)")
    parser.add_argument("--per-model", type=int, default=2, help="jobs per model (default 2)")
    args = parser.parse_args()
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        backend = OfflineBackend(root / "offline", catalogue=catalogue, speed=args.speed, workers=2)
        url = backend.start()
        settings = Settings(
            data_dir=root / "home",
            database_url=f"sqlite:///{root / 'home' / 'history.sqlite3'}",
            media_dir=root / "home" / "media",
            offline_dir=root / "offline",
            offline_url=url,
            offline_speed=args.speed,
            offline_poll_seconds=2.0,  # the AI/ML API's default dense interval (VIDEO_STUDIO_POLL_SECONDS)
        )
        follower = standalone(settings, env={})
        studio, seeds = Follow(), Follow()
        make_clients = follower.clients
        follower.clients = lambda: {n: CountingClient(c, studio) for n, c in make_clients().items()}  # type: ignore[method-assign]
        keep = follower.service.on_complete
        assert keep is not None

        def keep_and_time(job: Job) -> Job:
            kept = keep(job)
            studio.kept_at[job.generation_id or ""] = time.time()
            return kept

        follower.service.on_complete = keep_and_time
        submitter = VideoClient(url, "offline-demo")
        jobs: list[Job] = []
        for _ in range(args.per_model):
            for model_id, payload in PAYLOADS.items():
                job = follower.service.submit(
                    submitter, catalogue.get(model_id), {"model": model_id, **payload}, backend="offline"
                )
                jobs.append(job)
        submitter.close()
        started = time.time()
        follower.start()
        (root / "seeds").mkdir()
        loops = [
            threading.Thread(
                target=fixed_loop,
                args=(url, job.generation_id, job.created_at.timestamp(), root / "seeds", seeds),
                daemon=True,
            )
            for job in jobs
        ]
        for loop in loops:
            loop.start()
        for loop in loops:
            loop.join(timeout=300)
        deadline = time.monotonic() + 60
        while len(studio.kept_at) < len(jobs) and time.monotonic() < deadline:
            time.sleep(0.1)
        follower.stop()
        backend.stop()

        print(f"{len(jobs)} jobs on the offline backend at speed {args.speed:g}, followed both ways at once")
        print(f"{'model':42} {'run s':>6} | {'studio delay':>12} {'polls':>5} | {'10 s loop delay':>15} {'polls':>5}")
        rows = []
        for job in jobs:
            gid = job.generation_id or ""
            done = completed_at(backend, gid, args.speed)
            row = (done - job.created_at.timestamp(), studio.kept_at[gid] - done, studio.polls.get(gid, 0))
            row += (seeds.kept_at[gid] - done, seeds.polls.get(gid, 0))
            rows.append(row)
            print(f"{job.model_id:42} {row[0]:6.1f} | {row[1]:12.2f} {row[2]:5d} | {row[3]:15.2f} {row[4]:5d}")
        studio_delay = statistics.mean(r[1] for r in rows)
        seeds_delay = statistics.mean(r[3] for r in rows)
        studio_polls = statistics.mean(r[2] for r in rows)
        seeds_polls = statistics.mean(r[4] for r in rows)
        delay_ratio, polls_ratio = studio_delay / seeds_delay, studio_polls / seeds_polls
        print()
        print(f"delay from completion to video kept: studio {studio_delay:.2f} s, 10 s loop {seeds_delay:.2f} s")
        print(f"  ratio {delay_ratio:.2f} (goal at most 0.30): {'met' if delay_ratio <= 0.3 else 'NOT MET'}")
        print(f"API calls per job: studio {studio_polls:.2f}, 10 s loop {seeds_polls:.2f}")
        print(f"  ratio {polls_ratio:.2f} (goal at most 0.60): {'met' if polls_ratio <= 0.6 else 'NOT MET'}")
        print(f"whole run: {time.time() - started:.0f} s")
        return 0 if delay_ratio <= 0.3 and polls_ratio <= 0.6 else 1


if __name__ == "__main__":
    sys.exit(main())
