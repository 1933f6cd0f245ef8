"""Poll latency of the offline backend: one job, N polls over one keep-alive connection.

Run: ``.venv/bin/python bench/poll_latency.py [--polls 500] [--speed 1]``. Goal: median under 5 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402

from videostudio.offline.server import UNIVERSAL_PATH, OfflineBackend  # noqa: E402

BODY = {
    "model": "pixverse/v5/image-to-video",
    "prompt": "A lighthouse at dusk",
    "image_url": "https://example.com/lighthouse.jpg",  # never fetched: the job renders a placeholder
    "resolution": "360p",
}


def main(argv: list[str] | None = None) -> int:
    """Time the polls and print median, p95 and max in milliseconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=500)
    parser.add_argument("--speed", type=float, default=1.0, help="backend time scale; 1 renders mid-run")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="poll-bench-") as state, OfflineBackend(state, speed=args.speed) as backend:
        with requests.Session() as session:
            session.headers["Authorization"] = "Bearer bench"
            job_id = session.post(backend.url + UNIVERSAL_PATH, json=BODY, timeout=10).json()["id"]
            params = {"generation_id": job_id}
            session.get(backend.url + UNIVERSAL_PATH, params=params, timeout=10)  # warm the connection
            timings: list[float] = []
            statuses: dict[str, int] = {}
            for _ in range(args.polls):
                started = time.perf_counter()
                response = session.get(backend.url + UNIVERSAL_PATH, params=params, timeout=10)
                timings.append((time.perf_counter() - started) * 1000)
                status = response.json().get("status", str(response.status_code))
                statuses[status] = statuses.get(status, 0) + 1
        stats = backend.stats

    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    print(f"{args.polls} polls over {stats['connections']} connection(s); statuses {statuses}")
    print(f"median {statistics.median(timings):.2f} ms   p95 {p95:.2f} ms   max {timings[-1]:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
