#!/usr/bin/env bash
# Makes a local PostgreSQL server ready for the store's PostgreSQL tests, then prints the URL to use.
#
#   eval "$(bash scripts/postgres.sh)"    # exports VIDEO_STUDIO_TEST_POSTGRES_URL when a server is ready
#
# Idempotent and non-interactive: installs Debian's postgresql package when it is missing (only as root
# with apt-get), starts the cluster, creates the role and the database when they do not exist yet.
# Standard output carries only the export line; everything else goes to standard error. When PostgreSQL
# cannot be made ready here it says why and exits 0 without an export line: the tests then skip.
set -euo pipefail
exec </dev/null  # never wait for a keyboard: apt-get, psql and friends read no answers from here

DB=${VIDEO_STUDIO_TEST_POSTGRES_DB:-video_studio_test}
ROLE=${VIDEO_STUDIO_TEST_POSTGRES_ROLE:-video_studio}
# A throwaway password for a test role reachable from 127.0.0.1 only (Debian's pg_hba.conf default).
PASSWORD=${VIDEO_STUDIO_TEST_POSTGRES_PASSWORD:-video_studio}

say() { echo "postgres.sh: $*" >&2; }
give_up() {
  say "$*"
  say "PostgreSQL tests will be skipped (or set VIDEO_STUDIO_TEST_POSTGRES_URL to a server you have)."
  exit 0
}

if [ "$(id -u)" != 0 ]; then
  give_up "not running as root, so PostgreSQL cannot be installed, started or given a test role here."
fi

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  command -v apt-get >/dev/null 2>&1 || give_up "PostgreSQL is not installed and there is no apt-get to install it."
  say "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq postgresql; } >&2; then
    give_up "apt-get could not install postgresql."
  fi
fi

# The newest installed server version; Debian normally creates its "main" cluster when installing.
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
CLUSTER=main
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
  say "creating cluster $VERSION/$CLUSTER"
  pg_createcluster "$VERSION" "$CLUSTER" >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { print $3 }')
STATUS=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { print $4 }')
if [ "$STATUS" != online ]; then
  say "starting cluster $VERSION/$CLUSTER on port $PORT"
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2 || give_up "the cluster would not start (see /var/log/postgresql/)."
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || give_up "the server does not answer on 127.0.0.1:$PORT."

as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }

# The role owns the test database, so the tests can create and drop their own schemas in it.
psql_admin -v role="$ROLE" -v password="$PASSWORD" >&2 <<'SQL' || give_up "could not create the role."
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role')
\gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role', :'password')
\gexec
SQL
if [ -z "$(psql_admin -At -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
  say "creating database $DB"
  as_postgres createdb -p "$PORT" -O "$ROLE" -E UTF8 -T template0 "$DB" >&2 || give_up "could not create $DB."
fi

# A test database: commits need not wait for the disk (a crash can lose the last moments, never
# consistency), which makes the store's many short write transactions several times faster.
psql_admin -c "ALTER DATABASE \"$DB\" SET synchronous_commit = off" >&2 || give_up "could not configure $DB."

URL="postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
say "PostgreSQL $VERSION is ready at 127.0.0.1:$PORT, database $DB, role $ROLE"
echo "export VIDEO_STUDIO_TEST_POSTGRES_URL=$URL"
