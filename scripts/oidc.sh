#!/usr/bin/env bash
# Starts a local OpenID Connect provider (oidc-provider-mock) for a demo of a team studio, and prints the [auth]
# section that points a studio at it. Runs until Ctrl-C. Never use it for a real team: it signs in anyone.
#
#   bash scripts/oidc.sh --port 9400 --studio-port 8501 --user ana@example.com --user ben@example.com
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
exec "$PYTHON" -m tests.oidc "$@"
