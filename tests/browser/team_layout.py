"""A whole team studio for browser tests, started by the project's own ``scripts/team.sh``: PostgreSQL (a schema of
the test's own), one offline backend, two web replicas with the follower apart, and nginx in front.

    with running_team(folder) as team:             # or the fixtures of tests/browser/test_replicas*.py
        team.address, team.url(1), team.pid("FOLLOWER"), team.affinity_for(2)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext

from tests.browser.conftest import _SCRUBBED_ENV, REPO, VIEWPORT, free_port
from tests.test_store import fresh_postgres_url

AFFINITY_COOKIE = "studio_affinity"  # nginx's sticky-session cookie (scripts/team.sh)


@dataclass
class Team:
    """What ``scripts/team.sh`` started, as it wrote it to ``RUN_DIR/layout.env``."""

    proc: subprocess.Popen[bytes]
    layout: dict[str, str]
    database_url: str
    log: Path

    @property
    def address(self) -> str:
        return self.layout["ADDRESS"]

    def url(self, replica: int) -> str:
        return self.layout[f"REPLICA{replica}_URL"]

    def pid(self, name: str) -> int:
        return int(self.layout[f"{name}_PID"])

    @property
    def pids(self) -> dict[str, int]:
        return {name[: -len("_PID")]: int(value) for name, value in self.layout.items() if name.endswith("_PID")}

    @property
    def logs(self) -> Path:
        return Path(self.layout["RUN_DIR"]) / "logs"

    def affinity_for(self, replica: int) -> str:
        """A sticky-session cookie value nginx sends to ``replica``."""
        wanted = self.url(replica).removeprefix("http://")
        for n in range(200):
            value = f"pinned-{n}"
            answer = requests.get(f"{self.address}/_stcore/health", cookies={AFFINITY_COOKIE: value}, timeout=5)
            if answer.headers.get("X-Studio-Replica") == wanted:
                return value
        raise AssertionError(f"no cookie value of 200 tried reaches replica {replica}")

    def stop(self) -> int:
        """Ctrl-C, as a person stops it; returns the script's exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode


def read_layout(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def start_team(root: Path, database_url: str, *options: str) -> Team:
    """``bash scripts/team.sh`` on a free port, in ``root``, with a history of its own; returns once it is ready."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV and not k.startswith("VIDEO_STUDIO_")}
    (root / "user-home").mkdir(parents=True, exist_ok=True)
    env.update(
        # A HOME of its own keeps a developer's ~/.streamlit/secrets.toml (and a real key) out of the tests.
        HOME=str(root / "user-home"),
        DATABASE_URL=database_url,
        VIDEO_STUDIO_OFFLINE_SPEED="0.2",
        VIDEO_STUDIO_OFFLINE_POLL_SECONDS="0.5",
    )
    run_dir = root / "run"
    log = root / "team.log"
    command = ["bash", "scripts/team.sh", "--port", str(free_port()), "--run-dir", str(run_dir), *options]
    with log.open("ab") as out:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 240
    while not (run_dir / "layout.env").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.kill()
            raise RuntimeError(f"scripts/team.sh did not come up:\n{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.2)
    return Team(proc, read_layout(run_dir / "layout.env"), database_url, log)


@contextlib.contextmanager
def running_team(root: Path, *options: str) -> Iterator[Team]:
    """``scripts/team.sh`` with ``options`` on a fresh PostgreSQL schema; skips without nginx or PostgreSQL."""
    if shutil.which("nginx") is None and os.geteuid() != 0:
        pytest.skip("nginx is not installed (apt-get install -y nginx; scripts/team.sh installs it as root)")
    with fresh_postgres_url() as database_url:
        team = start_team(root, database_url, *options)
        try:
            yield team
        finally:
            team.stop()


def pinned_context(browser: Browser, team: Team, replica: int) -> BrowserContext:
    """A browser of its own whose sticky-session cookie makes nginx send it to ``replica``."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(30_000)
    context.add_cookies([{"name": AFFINITY_COOKIE, "value": team.affinity_for(replica), "url": team.address}])
    return context
