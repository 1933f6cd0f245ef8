#!/usr/bin/env bash
# A whole team studio on one machine, for trying the layout of a real deployment (README: "Running a team
# studio"): PostgreSQL, an S3 server for the media, one offline backend, two web replicas behind nginx with sticky
# sessions, and one follower apart. Prints the address; Ctrl-C (or SIGTERM) stops everything it started.
#
#   bash scripts/team.sh [--port 8080] [--host 127.0.0.1] [--run-dir DIR] [--sign-in]
#
# --sign-in adds a demo sign-in: a local OIDC provider (oidc-provider-mock; it signs in whatever email is typed on
# its form, so never for a real team), an [auth] section in a secrets file of the run (never .streamlit/), the
# admin ada.admin@example.com and two members: ben.creator@example.com and cy.viewer@example.com.
# It is a throwaway studio: its history lives in a schema of its own (dropped on exit) and its files in a
# temporary run folder (removed on exit) unless --run-dir names one, which is kept.
# Environment it honours:
#   DATABASE_URL                 use this database as it is (nothing created or dropped), instead of scripts/postgres.sh
#   VIDEO_STUDIO_OFFLINE_SPEED   the offline backend's time scale (default 1; 0.2 is five times faster)
#   AIMLAPI_API_KEY              given to the replicas and the follower, as to any studio (without it: offline demo)
#   TEAM_MEDIA                   s3 (the default) or shared-folder: see SWITCH below
# Every line of the layout is also written to RUN_DIR/layout.env (ports, process ids, folders) once it is ready.
set -euo pipefail
exec </dev/null # never wait for a keyboard: apt-get and friends read no answers from here
cd "$(dirname "$0")/.."
REPO=$PWD

# -------------------------------------------------------------------------------------------------- options
PORT=8080
HOST=127.0.0.1
RUN_DIR=""
SIGN_IN=0
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; }
while [ $# -gt 0 ]; do
  case "$1" in
  --port) PORT=$2; shift 2 ;;
  --host) HOST=$2; shift 2 ;;
  --run-dir) RUN_DIR=$2; shift 2 ;;
  --sign-in) SIGN_IN=1; shift ;;
  -h | --help) usage; exit 0 ;;
  *) echo "team.sh: unknown option $1" >&2; usage; exit 2 ;;
  esac
done

# ================================================================================================== SWITCH
# Where the replicas and the follower keep videos, posters and uploads:
#   shared-folder  one local folder they all share (VIDEO_STUDIO_MEDIA_DIR): works on one machine only
#   s3             an S3-compatible server (scripts/s3.sh: rclone serve s3, VIDEO_STUDIO_MEDIA_URL=s3://...); each
#                  process's own local folder holds only a cache: what several machines need
MEDIA=${TEAM_MEDIA:-s3}
# ==========================================================================================================

PYTHON=$REPO/.venv/bin/python
[ -x "$PYTHON" ] || { echo "team.sh: no .venv here; run bash scripts/test.sh --fast once (it installs it)" >&2; exit 1; }

say() { echo "team.sh: $*" >&2; }
free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# -------------------------------------------------------------------------------------------------- stopping
PIDS=()         # every process started here, in start order
SCHEMA=""       # the history's schema when this script created it
ADMIN_URL=""    # the database URL the schema was created with
REMOVE_RUN_DIR=0
SLEEPER=""      # the sleep the script waits in, once ready
stop_everything() {
  trap - EXIT INT TERM
  local pid
  [ -n "$SLEEPER" ] && kill "$SLEEPER" 2>/dev/null || true
  # Newest first: nginx stops taking requests before the replicas go.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$SCHEMA" ]; then
    "$PYTHON" - "$ADMIN_URL" "$SCHEMA" <<'PY' || say "could not drop schema $SCHEMA"
import sys, sqlalchemy as sa
engine = sa.create_engine(sys.argv[1], poolclass=sa.pool.NullPool)
with engine.begin() as conn:
    conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{sys.argv[2]}" CASCADE')
PY
  fi
  rm -rf "$RUN_DIR/secrets" # the demo's [auth] secrets never outlive the run, even in a kept run folder
  [ $REMOVE_RUN_DIR = 1 ] && rm -rf "$RUN_DIR" || true
  say "stopped"
}
trap stop_everything EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$RUN_DIR" ]; then
  RUN_DIR=$(mktemp -d -t video-studio-team.XXXXXX)
  REMOVE_RUN_DIR=1
fi
mkdir -p "$RUN_DIR/logs" "$RUN_DIR/follower"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
LOGS=$RUN_DIR/logs

# Start "$@" in the background with its output in logs/NAME.log; its process id lands in LAST_PID.
start() {
  local name=$1
  shift
  "$@" >>"$LOGS/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# Wait until URL answers (any HTTP status), or give up showing the tail of logs/NAME.log.
wait_for() {
  local name=$1 url=$2 pid=$3
  for _ in $(seq 1 1200); do
    curl -s -o /dev/null --max-time 2 "$url" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  say "$name did not come up ($url); the end of $LOGS/$name.log:"
  tail -n 30 "$LOGS/$name.log" >&2 || true
  exit 1
}

# -------------------------------------------------------------------------------------------------- PostgreSQL
if [ -n "${DATABASE_URL:-}" ]; then
  say "history: the DATABASE_URL given"
else
  # A database of its own beside the tests' one, and a fresh schema in it for this run.
  eval "$(VIDEO_STUDIO_TEST_POSTGRES_DB=video_studio_team bash scripts/postgres.sh)"
  if [ -z "${VIDEO_STUDIO_TEST_POSTGRES_URL:-}" ]; then
    say "PostgreSQL is not available (see above); set DATABASE_URL to a PostgreSQL server you have."
    exit 1
  fi
  ADMIN_URL=$VIDEO_STUDIO_TEST_POSTGRES_URL
  SCHEMA="team_$(date +%Y%m%d_%H%M%S)_$$"
  DATABASE_URL=$("$PYTHON" - "$ADMIN_URL" "$SCHEMA" <<'PY'
import sys, sqlalchemy as sa
url, schema = sys.argv[1], sys.argv[2]
engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
with engine.begin() as conn:
    conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
print(sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False))
PY
  )
  say "history: schema $SCHEMA of database video_studio_team (dropped when this stops)"
fi
export DATABASE_URL

# -------------------------------------------------------------------------------------------------- media
unset VIDEO_STUDIO_MEDIA_URL VIDEO_STUDIO_MEDIA_DIR # this layout decides, not a studio's own settings
case "$MEDIA" in
shared-folder)
  export VIDEO_STUDIO_MEDIA_DIR=$RUN_DIR/media
  mkdir -p "$VIDEO_STUDIO_MEDIA_DIR"
  MEDIA_WHERE="shared folder $VIDEO_STUDIO_MEDIA_DIR"
  ;;
s3)
  # rclone serve s3 (scripts/s3.sh) on a free port, its objects in the run folder; each process keeps only a
  # cache in its own media folder ($VIDEO_STUDIO_HOME/media), which starts empty.
  eval "$(VIDEO_STUDIO_S3_DIR="$RUN_DIR/s3" VIDEO_STUDIO_S3_PORT="$(free_port)" bash scripts/s3.sh)"
  [ -n "${VIDEO_STUDIO_MEDIA_URL:-}" ] || { say "the S3 server did not start (see above)"; exit 1; }
  PIDS+=("$(cat "$RUN_DIR/s3/.rclone-s3.pid")")
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_ENDPOINT_URL AWS_DEFAULT_REGION VIDEO_STUDIO_MEDIA_URL
  MEDIA_WHERE="$VIDEO_STUDIO_MEDIA_URL on $AWS_ENDPOINT_URL (rclone serve s3)"
  ;;
*)
  say "TEAM_MEDIA must be shared-folder or s3, not $MEDIA"
  exit 2
  ;;
esac

# -------------------------------------------------------------------------------------------------- nginx
if ! command -v nginx >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing nginx from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq nginx || { apt-get update -qq && apt-get install -y -qq nginx; }; } >&2 ||
      { say "apt-get could not install nginx."; exit 1; }
  else
    say "nginx is missing: install it (sudo apt-get install -y nginx) and run this again."
    exit 1
  fi
fi

# -------------------------------------------------------------------------------------------------- processes
OFFLINE_PORT=$(free_port)
export VIDEO_STUDIO_OFFLINE_URL=http://127.0.0.1:$OFFLINE_PORT
start offline "$PYTHON" -m videostudio.offline --port "$OFFLINE_PORT" --state-dir "$RUN_DIR/offline" \
  --speed "${VIDEO_STUDIO_OFFLINE_SPEED:-1}"
OFFLINE_PID=$LAST_PID
wait_for offline "$VIDEO_STUDIO_OFFLINE_URL/_offline/stats" "$OFFLINE_PID"

ADDRESS=http://$HOST:$PORT
[ "$HOST" = 0.0.0.0 ] && ADDRESS=http://$(hostname):$PORT

# -------------------------------------------------------------------------------------------------- sign-in (demo)
REPLICA_FLAGS=()
SIGNING_IN=""
if [ $SIGN_IN = 1 ]; then
  OIDC_PORT=$(free_port)
  start oidc env NO_COLOR=1 "$PYTHON" -m oidc_provider_mock --host 127.0.0.1 --port "$OIDC_PORT"
  wait_for oidc "http://127.0.0.1:$OIDC_PORT/.well-known/openid-configuration" "$LAST_PID"
  mkdir -p "$RUN_DIR/secrets"
  chmod 700 "$RUN_DIR/secrets"
  # The provider's users, and [auth] with a cookie secret and client secret made up for this run (tests/oidc.py).
  "$PYTHON" - "$OIDC_PORT" "$ADDRESS" "$RUN_DIR/secrets/secrets.toml" "$LOGS/oidc.log" <<'PY'
import sys
from pathlib import Path
from tests.oidc import OidcProvider, auth_section, auth_toml

port, address, secrets_file, log = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
provider = OidcProvider(log, port=port)
for email in ("ada.admin@example.com", "ben.creator@example.com", "cy.viewer@example.com"):
    provider.add_user(email)
section = {**auth_section(provider, port), "redirect_uri": f"{address}/oauth2callback"}
secrets_file.touch(mode=0o600)
secrets_file.write_text(auth_toml(section))
PY
  export VIDEO_STUDIO_ADMINS=ada.admin@example.com
  for member in "ben.creator@example.com --role creator --daily-usd 5 --monthly-usd 50" \
    "cy.viewer@example.com --role viewer"; do
    # shellcheck disable=SC2086 # an email and its options
    VIDEO_STUDIO_HOME="$RUN_DIR/follower" "$PYTHON" -m videostudio.team add $member >>"$LOGS/team.log" 2>&1 ||
      { say "could not add a demo member:"; tail -n 20 "$LOGS/team.log" >&2; exit 1; }
  done
  REPLICA_FLAGS=(--secrets.files "$RUN_DIR/secrets/secrets.toml")
  SIGNING_IN="sign in as ada.admin@example.com (admin), ben.creator@example.com (creator, \$5 a day) or
               cy.viewer@example.com (viewer): type the email on the provider's form"
fi

# -------------------------------------------------------------------------------------------------- web and follower
# The web replicas only submit and read; the follower apart follows every job. Each has a home of its own.
export VIDEO_STUDIO_FOLLOWER=apart PYTHONUNBUFFERED=1
REPLICA_PORTS=()
REPLICA_PIDS=()
for n in 1 2; do
  port=$(free_port)
  mkdir -p "$RUN_DIR/replica$n"
  start "replica$n" env VIDEO_STUDIO_HOME="$RUN_DIR/replica$n" \
    "$REPO/.venv/bin/streamlit" run app.py --server.headless true --server.address 127.0.0.1 \
    --server.port "$port" --server.fileWatcherType none --browser.gatherUsageStats false "${REPLICA_FLAGS[@]}"
  REPLICA_PORTS+=("$port")
  REPLICA_PIDS+=("$LAST_PID")
done
start follower env VIDEO_STUDIO_HOME="$RUN_DIR/follower" "$PYTHON" -m videostudio.follow
FOLLOWER_PID=$LAST_PID
for n in 1 2; do
  wait_for "replica$n" "http://127.0.0.1:${REPLICA_PORTS[n - 1]}/_stcore/health" "${REPLICA_PIDS[n - 1]}"
done

# nginx in the foreground with a configuration of its own in the run folder (never /etc/nginx).
MAX_UPLOAD_MB=$("$PYTHON" -c '
import tomllib
try:
    print(int(tomllib.load(open(".streamlit/config.toml", "rb")).get("server", {}).get("maxUploadSize", 200)))
except OSError:
    print(200)
')
mkdir -p "$RUN_DIR/nginx"
if [ "$(id -u)" = 0 ]; then NGINX_USER="user root root;"; else NGINX_USER=""; fi # workers as whoever runs this
UPSTREAMS=""
for port in "${REPLICA_PORTS[@]}"; do UPSTREAMS+="    server 127.0.0.1:$port;"$'\n'; done
cat >"$RUN_DIR/nginx/nginx.conf" <<EOF
# Generated by scripts/team.sh for this run only.
$NGINX_USER
worker_processes 1;
daemon off;
pid $RUN_DIR/nginx/nginx.pid;
error_log $LOGS/nginx.log warn;
events { worker_connections 1024; }
http {
  access_log $LOGS/nginx-access.log;
  client_body_temp_path $RUN_DIR/nginx/body;
  proxy_temp_path $RUN_DIR/nginx/proxy;
  fastcgi_temp_path $RUN_DIR/nginx/fastcgi;
  uwsgi_temp_path $RUN_DIR/nginx/uwsgi;
  scgi_temp_path $RUN_DIR/nginx/scgi;

  # Sticky sessions: a browser's Streamlit session (its websocket, uploads and /media files) lives in one
  # replica. A browser without the cookie gets one named after its first request, and keeps it.
  map \$cookie_studio_affinity \$studio_affinity {
    "" \$request_id;
    default \$cookie_studio_affinity;
  }
  map \$cookie_studio_affinity \$studio_affinity_cookie {
    "" "studio_affinity=\$request_id; Path=/; HttpOnly; SameSite=Lax";
    default "";
  }
  map \$http_upgrade \$connection_upgrade {
    default upgrade;
    "" close;
  }
  upstream studio {
    hash \$studio_affinity consistent;
$UPSTREAMS  }
  server {
    listen $HOST:$PORT;
    # Streamlit refuses bigger uploads itself (server.maxUploadSize, in MB); nginx must let them through.
    client_max_body_size ${MAX_UPLOAD_MB}m;
    location / {
      proxy_pass http://studio;
      # Websockets: HTTP/1.1 with the upgrade headers, and a long read timeout for an idle open tab.
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_read_timeout 1d;
      proxy_send_timeout 1d;
      # Streamlit accepts a websocket whose Origin matches the Host it is sent to: keep the port in it.
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_buffering off;
      add_header Set-Cookie \$studio_affinity_cookie always;
      # Which replica answered (for a demo on one machine and its tests; leave it out in production).
      add_header X-Studio-Replica \$upstream_addr always;
    }
  }
}
EOF
nginx -t -q -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -e "$LOGS/nginx.log" 2>>"$LOGS/nginx.log" ||
  { say "nginx refused its configuration:"; tail -n 20 "$LOGS/nginx.log" >&2; exit 1; }
start nginx nginx -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -e "$LOGS/nginx.log"
NGINX_PID=$LAST_PID
wait_for nginx "$ADDRESS/_stcore/health" "$NGINX_PID"

# -------------------------------------------------------------------------------------------------- ready
cat >"$RUN_DIR/layout.env.part" <<EOF
ADDRESS=$ADDRESS
NGINX_PID=$NGINX_PID
REPLICA1_URL=http://127.0.0.1:${REPLICA_PORTS[0]}
REPLICA1_PID=${REPLICA_PIDS[0]}
REPLICA1_HOME=$RUN_DIR/replica1
REPLICA2_URL=http://127.0.0.1:${REPLICA_PORTS[1]}
REPLICA2_PID=${REPLICA_PIDS[1]}
REPLICA2_HOME=$RUN_DIR/replica2
FOLLOWER_PID=$FOLLOWER_PID
OFFLINE_URL=$VIDEO_STUDIO_OFFLINE_URL
OFFLINE_PID=$OFFLINE_PID
MEDIA=$MEDIA
MEDIA_DIR=${VIDEO_STUDIO_MEDIA_DIR:-}
RUN_DIR=$RUN_DIR
EOF
mv "$RUN_DIR/layout.env.part" "$RUN_DIR/layout.env"
cat <<EOF
Video Studio for a team is ready at $ADDRESS
  nginx        $ADDRESS  (sticky sessions by the studio_affinity cookie)
  replica 1    http://127.0.0.1:${REPLICA_PORTS[0]}  (pid ${REPLICA_PIDS[0]})
  replica 2    http://127.0.0.1:${REPLICA_PORTS[1]}  (pid ${REPLICA_PIDS[1]})
  follower     pid $FOLLOWER_PID
  offline API  $VIDEO_STUDIO_OFFLINE_URL
  media        $MEDIA_WHERE
  logs         $LOGS
${SIGNING_IN:+  sign-in      $SIGNING_IN
}Press Ctrl-C to stop everything.
EOF

# Wait for a signal. A replica that dies stays dead (the others carry on, as in a real deployment).
while :; do
  sleep 3600 &
  SLEEPER=$!
  wait $SLEEPER || true
done
