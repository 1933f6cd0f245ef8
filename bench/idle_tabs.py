"""What an open tab costs the studio's server process, in CPU seconds per minute: idle, and with a job running.

Run: ``.venv/bin/python bench/idle_tabs.py [--tabs 8] [--seconds 60]``. Goal (issue 17 §4): at most 0.2 CPU s
per minute per idle Generate tab.

It starts a studio (``streamlit run app.py``) on a fresh offline backend and empty folders, as the browser tests
do, opens a warm-up tab (imports, caches and the catalogue are paid once per process) and closes it, then reads
the server process's own CPU clock (user + system time of all its threads, from /proc) over ``--seconds`` each:

1. with no tab open: the follower's and the process's background work, subtracted from the figures below;
2. with 1 idle Generate tab, then with ``--tabs`` idle Generate tabs (headless Chromium);
3. with 1 tab whose job is still running (the offline backend made slow with ``--speed``).

Other work on the machine makes the figures noisy: run it when the load average is low (it is printed).
Needs Debian's Chromium at /usr/bin/chromium (or CHROMIUM_PATH); never ``playwright install``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import BrowserContext, Page, sync_playwright  # noqa: E402

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    VIDEO01,
    VIEWPORT,
    badge,
    card_ids,
    new_card,
    pick_model,
    press_generate,
    running_studio,
    type_text,
    wait_idle,
)

GOAL = 0.2  # CPU s per minute per idle tab
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time so far (all its threads), from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) ": field 3 onwards
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / CLOCK_TICKS


def cpu_per_minute(pid: int, seconds: float) -> float:
    """The CPU seconds the process uses over ``seconds`` of wall time, scaled to one minute."""
    start_cpu, start_wall = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - start_cpu) * 60 / (time.monotonic() - start_wall)


def open_tab(context: BrowserContext, url: str) -> Page:
    """A Generate tab, once its first run has drawn the page (it keeps ticking afterwards)."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=180_000)
    page.wait_for_selector("h1:has-text('Generate')", timeout=180_000)
    page.wait_for_selector(".st-key-generate button", timeout=180_000)
    wait_idle(page, 180_000)
    return page


def start_long_job(page: Page) -> None:
    """Send one video-01 job from the tab, as a person does, and wait until its card shows it running."""
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", "A lighthouse blinking through sea fog at dusk")
    before = card_ids(page)
    press_generate(page)
    card = new_card(page, before, timeout=60_000)
    badge(card).wait_for(timeout=60_000)
    wait_idle(page, 60_000)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=8, help="idle tabs for the second reading (at least 8)")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of idling per reading")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds between opening tabs and a reading")
    parser.add_argument("--speed", type=float, default=200.0, help="offline time scale: the running job's length")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="idle-tabs-"))
    with running_studio(root, speed=args.speed) as studio:
        assert studio.server.proc is not None
        pid = studio.server.proc.pid
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=VIEWPORT)
            print(f"load average at start: {load_average()}", flush=True)
            open_tab(context, studio.url).close()  # first-use costs, paid once per process
            time.sleep(args.settle)
            background = cpu_per_minute(pid, args.seconds)
            print(f"no tab open (background): {background:.2f} CPU s/min", flush=True)

            tabs = [open_tab(context, studio.url)]
            time.sleep(args.settle)
            one = cpu_per_minute(pid, args.seconds)
            print(f"1 idle tab: {one:.2f} CPU s/min", flush=True)

            tabs += [open_tab(context, studio.url) for _ in range(args.tabs - 1)]
            time.sleep(args.settle)
            many = cpu_per_minute(pid, args.seconds)
            print(f"{args.tabs} idle tabs: {many:.2f} CPU s/min", flush=True)
            for page in tabs:
                page.close()

            running = open_tab(context, studio.url)
            start_long_job(running)
            time.sleep(args.settle)
            busy = cpu_per_minute(pid, args.seconds)
            still_running = "Done" not in badge(new_card(running, [])).inner_text()
            print(f"1 tab with a running job: {busy:.2f} CPU s/min", flush=True)
            running.close()
            browser.close()
    shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"load average at end: {load_average()}")
    print(f"background, no tab open:     {background:.2f} CPU s/min (subtracted below)")
    print(f"per idle tab, 1 tab:         {one - background:.2f} CPU s/min")
    print(f"per idle tab, {args.tabs} tabs:        {(many - background) / args.tabs:.2f} CPU s/min")
    print(f"tab with a running job:      {busy - background:.2f} CPU s/min", end="")
    print("" if still_running else "  (the job ended during the reading: raise --speed)")
    print(f"goal per idle tab:           <= {GOAL} CPU s/min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
