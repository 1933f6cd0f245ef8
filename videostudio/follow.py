"""The follower on its own: ``python -m videostudio.follow``, for teams that keep the web processes and the
follower apart.

It reads the studio's settings from the same environment (``DATABASE_URL``, ``VIDEO_STUDIO_HOME``, ...).
It follows AI/ML API jobs with the key in ``AIMLAPI_API_KEY`` (or ``.streamlit/secrets.toml`` in the
working directory), and offline demo jobs at ``VIDEO_STUDIO_OFFLINE_URL`` (an offline backend started
inside a web process cannot be reached from here: run one with ``python -m videostudio.offline``).
The follower itself is videostudio/jobs/follower.py; its job service is wired in videostudio/studio.py.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from videostudio.catalogue import load_catalogue
from videostudio.config import API_KEY_NAME, Settings, api_key_from
from videostudio.history.store import JobStore
from videostudio.jobs.backends import Backends, studio_backends
from videostudio.jobs.follower import Follower, follower_name
from videostudio.studio import follow_films, studio_film_works, studio_job_service

log = logging.getLogger("videostudio.follow")


def _secrets(folder: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((folder / ".streamlit" / "secrets.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def standalone(settings: Settings, env: Mapping[str, str] = os.environ) -> Follower:
    """A follower for this process alone, as ``python -m videostudio.follow`` runs it (not started)."""

    def no_offline_backend() -> str:
        raise RuntimeError("no offline backend to follow: set VIDEO_STUDIO_OFFLINE_URL")

    catalogue = load_catalogue()
    offline_url = (lambda: settings.offline_url) if settings.offline_url else no_offline_backend
    backends = studio_backends(settings, catalogue, offline_url)
    service = studio_job_service(settings, JobStore(settings.database_url), backends, owner=follower_name())
    key = api_key_from(env, _secrets(Path.cwd()))
    follower = Follower(service, backends, keys={b.name: key for b in backends if b.needs_key} if key else None)
    works = studio_film_works(settings, service, catalogue, follower.client)
    return follow_films(follower, works)  # films being made go on here too


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m videostudio.follow",
        description="Follow every running Video Studio job to its end and keep its video, without a browser.",
    )
    parser.add_argument("--once", action="store_true", help="poll the jobs due now, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    follower = standalone(settings)
    log.info("history: %s", settings.database_url.split("@")[-1])  # never the password of a database URL
    for waiting in (b for b in follower.backends if not follower.can_follow(b.name)):
        log.warning("%s is not set: %s jobs wait until it is", API_KEY_NAME, waiting.label)
    if not settings.offline_url:
        log.warning("VIDEO_STUDIO_OFFLINE_URL is not set: offline demo jobs are left to the studio that runs one")
        follower.backends = Backends([b for b in follower.backends if not b.served_by_the_studio])
    if args.once:
        changed = follower.run_once()
        log.info("%d jobs changed", len(changed))
        return 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    follower.start()
    stop.wait()
    follower.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
