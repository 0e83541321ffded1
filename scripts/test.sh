#!/usr/bin/env bash
# Runs every check and test: formatting, lints, unit tests, and the integration suite
# against SQLite and then PostgreSQL (OXFORGE_TEST_POSTGRES_URL, default the local server).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/oxforge-target}"
export RUST_BACKTRACE="${RUST_BACKTRACE:-0}"
PG_URL="${OXFORGE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

echo "== formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== unit and integration tests on SQLite"
OXFORGE_TEST_POSTGRES_URL= cargo test --workspace --quiet

if [ "${OXFORGE_SKIP_COMPAT:-}" != "1" ]; then
  echo "== compatibility suite: real Gitea and Gogs clients (compat/run.sh)"
  compat/run.sh
fi

if [ "${OXFORGE_SKIP_POSTGRES:-}" = "1" ]; then
  echo "== PostgreSQL run skipped (OXFORGE_SKIP_POSTGRES=1)"
  exit 0
fi
if command -v psql >/dev/null 2>&1; then
  if ! psql "$PG_URL" -Atqc 'select 1' >/dev/null 2>&1; then
    echo "PostgreSQL is not reachable at $PG_URL (set OXFORGE_TEST_POSTGRES_URL, or OXFORGE_SKIP_POSTGRES=1)" >&2
    exit 1
  fi
  # Databases left by interrupted runs.
  psql "$PG_URL" -Atqc "select datname from pg_database where datname like 'oxt\_%'" |
    while read -r db; do psql "$PG_URL" -qc "drop database if exists \"$db\" with (force)" >/dev/null; done
fi
echo "== integration tests on PostgreSQL ($PG_URL)"
OXFORGE_TEST_POSTGRES_URL="$PG_URL" cargo test -p oxforge -p oxforge-service --tests --quiet
