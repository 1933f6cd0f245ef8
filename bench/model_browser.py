"""How long a Generate page run takes with the model browser open and folded, over the whole catalogue.

Uses the bundled catalogue, padded with copies of its models up to ``--models`` when it holds fewer (today's
main has five; the whole-API catalogue 143), every one priced and with a task, as the live list makes them.
Times full script runs (app.py, sidebar and the Generate page) with Streamlit's AppTest on an offline backend:
a warm-up, then N runs per scenario; prints the median and 95th percentile.

    .venv/bin/python bench/model_browser.py [--models 143] [--runs 15]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.chdir(REPO)  # AppTest finds .streamlit/ and the page files from the working directory.

PRICE = {"kind": "fixed", "units": [{"name": "output", "measure": "second", "price": 0.1, "per": 1}]}


def whole_catalogue(size: int):  # type: ignore[no-untyped-def]
    from videostudio.catalogue import Catalogue, Task, load_catalogue

    bundled = list(load_catalogue())
    tasks = list(Task)
    models = [
        dataclasses.replace(m, pricing=PRICE, tasks=m.tasks or frozenset({tasks[i % len(tasks)]}))
        for i, m in enumerate(bundled)
    ]
    copy = 0
    while len(models) < size:
        source = bundled[copy % len(bundled)]
        models.append(dataclasses.replace(source, id=f"{source.id}-copy-{copy}", name=f"{source.name} copy {copy}"))
        copy += 1
    return Catalogue(models[:size])


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    run()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=int, default=143)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    for name in ("AIMLAPI_API_KEY", "AIMLAPI_BASE_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    os.environ["VIDEO_STUDIO_HOME"] = str(home)

    from streamlit.testing.v1 import AppTest

    import components.services as services
    from tests.apptest import entrypoint_on_every_run
    from videostudio.live_catalogue import LiveCatalogue
    from videostudio.offline.server import OfflineBackend

    backend = OfflineBackend(home / "offline", speed=0)
    os.environ["VIDEO_STUDIO_OFFLINE_URL"] = backend.start()
    catalogue = whole_catalogue(args.models)
    services.live_catalogue = lambda: LiveCatalogue(catalogue, "live")  # type: ignore[assignment]
    try:
        with entrypoint_on_every_run():
            at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
            at.button(key="model_browser_toggle").click().run()  # folded on a fresh visit: "Change" opens it
            print(f"{len(catalogue)} models, {args.runs} runs each")
            median, p95 = timed(at.run, args.runs)
            print(f"Generate, model browser open:   median {median:6.1f} ms, p95 {p95:6.1f} ms")
            at.text_input(key="browser_search").input("video").run()
            median, p95 = timed(at.run, args.runs)
            print(f"Generate, browser with a search: median {median:6.1f} ms, p95 {p95:6.1f} ms")
            first = next(b for b in at.button if (b.key or "").startswith("model_browser_choose__") and not b.disabled)
            first.click().run()
            median, p95 = timed(at.run, args.runs)
            print(f"Generate, browser folded:       median {median:6.1f} ms, p95 {p95:6.1f} ms")
    finally:
        backend.stop()


if __name__ == "__main__":
    main()
