"""How long the Generate page takes to become usable in a browser, next to a bare Streamlit page.

Starts, from this environment and the repository folder (so both read ``.streamlit/config.toml``):

- the studio as a person starts it (``streamlit run app.py``, its offline backend started in-process), with a
  fresh home of its own and its "AI/ML API" pointed at a closed loopback port, so nothing leaves the machine;
- a bare page: one text area and one "Generate" button (``streamlit run <temp>/bare.py``).

Each round starts both servers afresh and opens each address once (**cold**: the first visit after the server
starts), then several times more (**warm**), each visit in a fresh browser context of headless Chromium. The two
pages take turns in pairs, and which one goes first alternates from pair to pair, so a slow moment of the machine
falls on both. A visit is timed from ``page.goto`` to an enabled, visible Generate button on a connected page
(**usable**), and on to the end of the page's first script run (**idle**).

Prints, for each of cold and warm: the medians and the fastest visits, the ratio of the medians (the goals'
figure), and the median of the paired ratios (each studio visit against the bare visit beside it, so a slow moment
of the machine that falls on one pair counts once, not for one page only).

    .venv/bin/python bench/first_screen.py [--rounds 3] [--warm 8]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests
from playwright.sync_api import Browser, sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1440, "height": 900}
BARE_PAGE = """import streamlit as st

st.text_area("Prompt")
st.button("Generate", type="primary")
"""
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
GENERATE = "[data-testid='stMain'] button:has-text('Generate'):enabled"
_SCRUBBED = ("AIMLAPI_API_KEY", "AIMLAPI_BASE_URL", "DATABASE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(script: str, home: Path) -> Iterator[str]:
    """``streamlit run script`` on a free loopback port, from the repository folder; its address."""
    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED and not k.startswith("VIDEO_STUDIO_")}
    env.update(
        HOME=str(home / "user-home"),
        VIDEO_STUDIO_HOME=str(home / "studio"),
        AIMLAPI_BASE_URL=f"http://127.0.0.1:{free_port()}",  # closed: the studio never reaches the internet here
    )
    command = [str(Path(sys.executable).parent / "streamlit"), "run", script, "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with (home / "server.log").open("ab") as log:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{script} did not start: see {home / 'server.log'}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def visit(browser: Browser, url: str) -> tuple[float, float]:
    """Seconds from opening ``url`` in a fresh context to a usable Generate button, and to the first idle page."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector(CONNECTED, timeout=120_000)
        page.locator(GENERATE).first.wait_for(state="visible", timeout=120_000)
        usable = time.perf_counter() - start
        page.wait_for_selector(IDLE, timeout=120_000)
        return usable, time.perf_counter() - start
    finally:
        context.close()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


Visits = dict[str, list[tuple[float, float]]]  # "studio" or "bare" -> (usable, idle) of each visit, in pair order


def visit_pair(browser: Browser, urls: dict[str, str], visits: Visits, bare_first: bool) -> None:
    """One visit to each page, one after the other, in the order asked for."""
    for name in ("bare", "studio") if bare_first else ("studio", "bare"):
        visits.setdefault(name, []).append(visit(browser, urls[name]))


def report(when: str, visits: Visits) -> None:
    for index, what in enumerate(("usable", "idle")):
        studio = [t[index] for t in visits["studio"]]
        bare = [t[index] for t in visits["bare"]]
        paired = median([s / b for s, b in zip(studio, bare, strict=True)])
        print(
            f"{when:6} {what:7} {median(studio):8.2f} {median(bare):8.2f} {median(studio) / median(bare):8.2f}×"
            f" {paired:8.2f}× {min(studio):9.2f} {min(bare):8.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="server starts (one cold visit each)")
    parser.add_argument("--warm", type=int, default=8, help="warm visit pairs per server start")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-first-screen-"))
    bare = work / "bare.py"
    bare.write_text(BARE_PAGE)
    cold: Visits = {}
    warm: Visits = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for round_number in range(args.rounds):
            homes = {name: work / f"{name}-{round_number}" for name in ("studio", "bare")}
            with server("app.py", homes["studio"]) as studio, server(str(bare), homes["bare"]) as plain:
                urls = {"studio": studio, "bare": plain}
                visit_pair(browser, urls, cold, bare_first=round_number % 2 == 1)
                for pair in range(args.warm):
                    visit_pair(browser, urls, warm, bare_first=pair % 2 == 1)
        browser.close()

    print(f"{args.rounds} server starts, {args.warm} warm visit pairs each; seconds (viewport 1440×900)")
    print(f"{'':6} {'':7} {'studio':>8} {'bare':>8} {'ratio of':>9} {'paired':>9} {'fastest':>9} {'fastest':>8}")
    print(f"{'':6} {'':7} {'median':>8} {'median':>8} {'medians':>9} {'ratio':>9} {'studio':>9} {'bare':>8}")
    report("cold", cold)
    report("warm", warm)


if __name__ == "__main__":
    main()
