"""Catalogue load time: the whole bundled catalogue (5 studio files + every official document).

Run: ``.venv/bin/python bench/catalogue_load.py [--runs 7]``. Goal: a cold load (a fresh process) in at most 300 ms.

Prints, as medians over the runs, in milliseconds:
- cold, no disk cache: a fresh process, an empty cache folder: import and build from the files;
- cold, disk cache: a fresh process whose cache folder holds the previous run's copy (the studio's usual start);
- warm: ``load_catalogue()`` again in the same process (what every page run pays).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHILD = """
import json, time
start = time.perf_counter()
from videostudio.catalogue import load_catalogue
imported = time.perf_counter()
catalogue = load_catalogue()
cold = time.perf_counter() - start
imports = imported - start
start = time.perf_counter()
for _ in range(100):
    load_catalogue()
warm = (time.perf_counter() - start) / 100
figures = {"cold": cold, "imports": imports, "warm": warm}
print(json.dumps({**figures, "models": len(catalogue), "problems": len(catalogue.problems)}))
"""


def run_child(home: str) -> dict[str, float]:
    env = {**os.environ, "VIDEO_STUDIO_HOME": home}
    out = subprocess.run([sys.executable, "-c", CHILD], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    no_cache, with_cache, warm, imports = [], [], [], []
    figures: dict[str, float] = {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="catalogue-bench-") as home:
            figures = run_child(home)  # empty cache folder: builds from the files, then writes the cache
            no_cache.append(figures["cold"])
            figures = run_child(home)
            with_cache.append(figures["cold"])
            imports.append(figures["imports"])
            warm.append(figures["warm"])
    print(f"models: {figures['models']:.0f}, unreadable files: {figures['problems']:.0f}, runs: {args.runs}")
    print(f"cold, no disk cache : {1000 * statistics.median(no_cache):7.1f} ms (import + build)")
    print(f"cold, disk cache    : {1000 * statistics.median(with_cache):7.1f} ms (import + read the cached copy)")
    print(f"  of which imports  : {1000 * statistics.median(imports):7.1f} ms")
    print(f"warm, same process  : {1000 * statistics.median(warm):7.3f} ms (fingerprint check + memory)")
    print("goal: cold at most 300 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
