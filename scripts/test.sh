#!/usr/bin/env bash
# Installs everything the tests need, then runs the whole suite: lint, unit, AppTest and browser tests.
# Usage: bash scripts/test.sh [extra pytest arguments]
#        bash scripts/test.sh --fast [extra pytest arguments]
#          the fast tier, before every commit: lint and every test that needs neither Chromium, PostgreSQL
#          nor a page run under AppTest, on all cores (about 2 minutes on a 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."

FAST=0
if [ "${1:-}" = "--fast" ]; then
  FAST=1
  shift
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "== installing Python packages (requirements-dev.txt)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

if [ "$FAST" = 1 ]; then
  echo "== pytest, fast tier (no browser, no PostgreSQL, no AppTest)"
  status=0
  .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" -m "not browser and not postgres and not apptest" "$@" || status=$?
  echo "== scripts/test.sh --fast finished in ${SECONDS}s with exit status $status"
  exit $status
fi

echo "== chromium (for the browser tests in tests/browser)"
# Debian's Chromium, driven by Playwright; never `playwright install` (its browser download is not used here).
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  echo "found $CHROMIUM"
elif ! command -v apt-get >/dev/null 2>&1; then
  export BROWSER_TESTS_SKIP_REASON="scripts/test.sh could not install it: apt-get is not available on this system"
  echo "Chromium is missing and apt-get is not available: the browser tests will be skipped."
  echo "Install Chromium and set CHROMIUM_PATH to run them."
elif [ "$(id -u)" -ne 0 ]; then
  export BROWSER_TESTS_SKIP_REASON="scripts/test.sh could not install it: not running as root"
  echo "Chromium is missing and this is not root: the browser tests will be skipped."
  echo "To run them: sudo apt-get update && sudo apt-get install -y chromium"
else
  echo "Chromium is missing; installing Debian's package (about a minute):"
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; then
    echo "installed $(command -v chromium || echo /usr/bin/chromium)"
  else
    export BROWSER_TESTS_SKIP_REASON="scripts/test.sh could not install it: apt-get install chromium failed"
    echo "apt-get could not install chromium: the browser tests will be skipped."
  fi
fi

echo "== jq (the cURL scripts of Copy as code read the API's answers with it)"
if command -v jq >/dev/null 2>&1; then
  echo "found $(command -v jq)"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  apt-get install -y -qq jq || { apt-get update -qq && apt-get install -y -qq jq; } || echo "could not install jq"
else
  echo "jq is missing (sudo apt-get install -y jq): the cURL script tests will be skipped."
fi

echo "== nginx (the team studio's reverse proxy: scripts/team.sh and tests/browser/test_replicas.py)"
if command -v nginx >/dev/null 2>&1; then
  echo "found $(command -v nginx)"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  apt-get install -y -qq nginx || { apt-get update -qq && apt-get install -y -qq nginx; } || echo "could not install nginx"
else
  echo "nginx is missing (sudo apt-get install -y nginx): the team studio tests will be skipped."
fi

echo "== espeak-ng (the offline backend's speech engine: tests/test_offline_speech.py; without it, a synthetic voice)"
if command -v espeak-ng >/dev/null 2>&1; then
  echo "found $(command -v espeak-ng)"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  apt-get install -y -qq espeak-ng || { apt-get update -qq && apt-get install -y -qq espeak-ng; } || echo "could not install espeak-ng"
else
  echo "espeak-ng is missing (sudo apt-get install -y espeak-ng): its tests will be skipped; the synthetic voice is tested."
fi

echo "== PostgreSQL (for the store's and the followers' team-mode tests)"
# Team mode's locking is tested wherever the suite runs: start a local server when none is given, as CI does.
# scripts/postgres.sh says why when it cannot (not root, no apt-get); those tests then skip and say so too.
if [ -n "${VIDEO_STUDIO_TEST_POSTGRES_URL:-}" ]; then
  echo "using VIDEO_STUDIO_TEST_POSTGRES_URL"
else
  eval "$(bash scripts/postgres.sh)"
fi

echo "== pytest (unit, AppTest and browser suites), on every core"
# --dist loadfile: each test file runs whole in one worker, so a module's shared studio and clips stay its own.
status=0
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" --dist loadfile "$@" || status=$?
echo "== scripts/test.sh finished in ${SECONDS}s with exit status $status"
exit $status
