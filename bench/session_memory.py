"""Server memory per extra idle browser session: 10 real Chromium tabs against a running studio.

Run: ``.venv/bin/python bench/session_memory.py [--sessions 10] [--settle 8]``. Goal: about 0.2 MB of the studio
server's RSS per extra idle session (the figure before the background follower), i.e. sessions stay light now
that a process-wide follower polls and each tab only ticks on the history every 1.5 s.

It starts a studio (``streamlit run app.py``) on a fresh offline backend and empty folders, opens warm-up tabs
until the first-use costs (imports, caches, the catalogue) are paid, reads the server's RSS, opens ``--sessions``
more tabs on the Generate page, lets them tick idle for a while, and reads the RSS again. Needs Debian's Chromium
at /usr/bin/chromium (or CHROMIUM_PATH).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, running_studio  # noqa: E402


def rss_mb(pid: int) -> float:
    """The process's resident set size in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def steady_rss_mb(pid: int, seconds: float) -> float:
    """The median of RSS readings over ``seconds`` (the tabs tick meanwhile)."""
    readings = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        readings.append(rss_mb(pid))
        time.sleep(0.5)
    return statistics.median(readings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, help="extra idle tabs to open")
    parser.add_argument("--warmup", type=int, default=3, help="tabs opened first, to pay first-use costs")
    parser.add_argument("--settle", type=float, default=8.0, help="seconds of idle ticking before each reading")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="session-memory-") as root, running_studio(Path(root)) as studio:
        assert studio.server.proc is not None
        pid = studio.server.proc.pid
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=VIEWPORT)

            def open_tab() -> Page:
                page = context.new_page()
                page.goto(studio.url)
                # The page ticks all the time, so "idle" is: connected, and its first run drew the page.
                page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=180_000)
                page.wait_for_selector("h1:has-text('Generate')", timeout=180_000)
                page.wait_for_selector(".st-key-generate button", timeout=180_000)
                return page

            started = rss_mb(pid)
            try:
                warm = [open_tab() for _ in range(args.warmup)]
                before = steady_rss_mb(pid, args.settle)
                extra = [open_tab() for _ in range(args.sessions)]
                after = steady_rss_mb(pid, args.settle)
            except Exception:
                alive = studio.server.proc.poll() is None
                print(f"A tab did not load (studio server {'running' if alive else 'exited'}); its log ends:")
                print(studio.server.log_path.read_text(errors="replace")[-3000:])
                raise
            for page in warm + extra:
                page.close()
            browser.close()

    per_session = (after - before) / args.sessions
    print(f"studio server RSS: {started:.1f} MB at start, {before:.1f} MB with {args.warmup} warm-up tabs, ")
    print(f"{after:.1f} MB with {args.sessions} more idle tabs (each ticking every 1.5 s)")
    print(f"per extra idle session: {per_session:.2f} MB   (goal: about 0.2 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
