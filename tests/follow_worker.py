"""One studio process's follower, for tests/test_follow.py's test of several processes sharing one history.

    python -m tests.follow_worker DATABASE_URL OFFLINE_URL MEDIA_DIR LOG_FILE

Follows every job until none is active (or 60 s pass), logging one JSON line per poll (job, process, when it
was sent and answered) and per kept video.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from videostudio.api.generation import Generation
from videostudio.config import Settings
from videostudio.follow import standalone
from videostudio.jobs.service import Client


class LoggingClient:
    def __init__(self, client: Client, log: Any) -> None:
        self.client, self.log = client, log

    def submit(self, payload: dict[str, Any], *, legacy_endpoint: str | None = None) -> Generation:
        raise AssertionError("a follower never submits")

    def poll(self, generation_id: str, *, legacy_endpoint: str | None = None) -> Generation:
        sent = time.time()
        try:
            return self.client.poll(generation_id, legacy_endpoint=legacy_endpoint)
        finally:
            self.log({"poll": generation_id, "pid": os.getpid(), "sent": sent, "answered": time.time()})


def main(database_url: str, offline_url: str, media_dir: str, log_file: str) -> int:
    home = Path(media_dir).parent
    settings = Settings(
        data_dir=home,
        database_url=database_url,
        media_dir=Path(media_dir),
        offline_dir=home / "offline",
        offline_url=offline_url,
        offline_speed=0.3,
        offline_poll_seconds=0.05,
    )
    with open(log_file, "a", encoding="utf-8") as out:

        def log(entry: dict[str, Any]) -> None:
            out.write(json.dumps(entry) + "\n")
            out.flush()

        follower = standalone(settings, env={})
        make_clients = follower.clients
        follower.clients = lambda: {name: LoggingClient(c, log) for name, c in make_clients().items()}  # type: ignore[method-assign]
        keep = follower.service.on_complete
        assert keep is not None

        def logged_keep(job: Any) -> Any:
            log({"kept": job.generation_id, "pid": os.getpid()})
            return keep(job)

        follower.service.on_complete = logged_keep
        deadline = time.monotonic() + 60
        while follower.service.store.active() and time.monotonic() < deadline:
            follower.run_once()
            time.sleep(0.01)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
