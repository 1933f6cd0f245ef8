"""A studio process that submits one job and waits for the answer, for tests/test_recovery.py to kill -9.

    python -m tests.submit_worker DATABASE_URL OFFLINE_URL PROMPT

Submits through JobService and VideoClient, as the studio's Generate button does; the test's offline backend
holds the answer back (fault ``delay-answer``) long enough to kill this process between send and answer.
"""

from __future__ import annotations

import sys

from videostudio.api.client import VideoClient
from videostudio.catalogue import load_catalogue
from videostudio.history.store import JobStore
from videostudio.jobs.service import JobService


def main(database_url: str, offline_url: str, prompt: str) -> int:
    service = JobService(JobStore(database_url), owner="doomed-studio")
    model = load_catalogue().get("video-01")
    with VideoClient(offline_url, "offline-demo", timeout=(5.0, 300.0)) as client:
        service.submit(client, model, {"model": model.id, "prompt": prompt}, backend="offline")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
