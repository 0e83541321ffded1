#!/usr/bin/env bash
# Migration and mirror benchmark:
#  1. migrating the git benchmark's generated repository (see scripts/bench-git.sh) through
#     oxforge, against `git clone --mirror` of the same source, in the same run;
#  2. MIRRORS pull mirrors all due at once: time to sync them all, the most git fetches seen
#     running at once (bounded by [git] MAX_PROCESSES), and duplicate syncs (must be 0).
#
#   scripts/bench-migrate.sh      (needs python3, sqlite3; COMMITS/BLOB_BYTES as bench-git.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

COMMITS=${COMMITS:-20000}
BLOB_BYTES=${BLOB_BYTES:-6000}
RUNS=${RUNS:-3}
MIRRORS=${MIRRORS:-1000}
MAX_PROCESSES=${MAX_PROCESSES:-8}
WORK=${WORK:-$HOME/.cache/oxforge-bench/git}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/oxforge-target}"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
SRC="$WORK/src-$COMMITS-$BLOB_BYTES.git"
[ -d "$SRC" ] || { echo "run scripts/bench-git.sh first (it generates $SRC)" >&2; exit 1; }
cargo build --release -q -p oxforge
OXFORGE="$CARGO_TARGET_DIR/release/oxforge"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

RUN="$WORK/migrate-run"; rm -rf "$RUN"; mkdir -p "$RUN"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start() { # dir port extra-env...
  local dir=$1 p=$2; shift 2
  "$OXFORGE" -w "$dir" admin user create --username bench --password bench-password --email b@example.com --admin >/dev/null
  env OXFORGE__SERVER__HTTP_ADDR=127.0.0.1 OXFORGE_LOG=warn "$@" "$OXFORGE" web -w "$dir" --port "$p" &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$p/api/v1/version" >/dev/null && break; sleep 0.05; done
}
api() { curl -sf -u bench:bench-password -H 'Content-Type: application/json' "$@"; }

# The source: an oxforge holding the generated repository, and a small one for the mirrors.
SP=$(port); start "$RUN/source" "$SP"
api -d '{"name":"big"}' "http://127.0.0.1:$SP/api/v1/user/repos" >/dev/null
git --git-dir="$SRC" push -q "http://bench:bench-password@127.0.0.1:$SP/bench/big.git" main
api -d '{"name":"small","auto_init":true}' "http://127.0.0.1:$SP/api/v1/user/repos" >/dev/null

TP=$(port)
start "$RUN/target" "$TP" OXFORGE__MIGRATIONS__ALLOW_LOCALNETWORKS=true OXFORGE__GIT__MAX_PROCESSES="$MAX_PROCESSES" \
  OXFORGE__MIRROR__WORKERS=16 OXFORGE__MIRROR__MIN_INTERVAL=1s OXFORGE__CRON_0X2E_UPDATE_MIRRORS__SCHEDULE="@every 1s" \
  OXFORGE__CRON_0X2E_UPDATE_MIRRORS__PULL_LIMIT="$MIRRORS"
TPID=${PIDS[-1]}

now() { date +%s.%N; }
median() { python3 -c "import statistics,sys; print(f'{statistics.median([float(x) for x in sys.argv[1:]]):.2f}')" "$@"; }
OX=(); GM=()
for i in $(seq 1 "$RUNS"); do
  t0=$(now)
  api -d "{\"clone_addr\":\"http://127.0.0.1:$SP/bench/big.git\",\"repo_name\":\"big$i\"}" "http://127.0.0.1:$TP/api/v1/repos/migrate" >/dev/null
  t1=$(now); OX+=("$(python3 -c "print($t1-$t0)")")
  d=$(mktemp -d "$RUN/m.XXXX"); t0=$(now)
  git clone -q --mirror "http://127.0.0.1:$SP/bench/big.git" "$d/r.git"
  t1=$(now); GM+=("$(python3 -c "print($t1-$t0)")"); rm -rf "$d"
done
OXM=$(median "${OX[@]}"); GMM=$(median "${GM[@]}")

# Mirrors, all due at once.
echo "creating $MIRRORS mirrors ..."
for i in $(seq 1 "$MIRRORS"); do
  api -d "{\"clone_addr\":\"http://127.0.0.1:$SP/bench/small.git\",\"repo_name\":\"m$i\",\"mirror\":true,\"mirror_interval\":\"8h\"}" \
    "http://127.0.0.1:$TP/api/v1/repos/migrate" >/dev/null
done
DB="$RUN/target/oxforge.db"
START=$(date +%s)
sqlite3 "$DB" "UPDATE mirrors SET next_update_unix = 1;"
PEAK=0
while :; do
  n=$(pgrep -f -c "fetch --progress --force --prune" || true)
  [ "$n" -gt "$PEAK" ] && PEAK=$n
  left=$(sqlite3 "$DB" "SELECT COUNT(*) FROM mirrors WHERE updated_unix < $START;")
  [ "$left" -eq 0 ] && break
  sleep 0.05
done
END=$(date +%s.%N)
# A second pass could only come from a duplicate: every mirror is now due again in 8h.
sleep 2
DUPS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM (SELECT dedup_key FROM jobs WHERE kind='mirror-sync' AND started_unix >= $START GROUP BY dedup_key HAVING COUNT(*) > 1);")
FAILED=$(sqlite3 "$DB" "SELECT COUNT(*) FROM mirrors WHERE last_error <> '';")
SYNCED=$(sqlite3 "$DB" "SELECT COUNT(DISTINCT dedup_key) FROM jobs WHERE kind='mirror-sync' AND state = 2 AND started_unix >= $START;")

PACK_MB=$(du -sm "$SRC/objects/pack" | cut -f1)
echo
echo "source: $COMMITS commits, ${PACK_MB} MiB pack, served by oxforge over loopback; $(nproc) cores; median of $RUNS"
echo
echo "| operation | seconds | vs git clone --mirror |"
echo "|---|---|---|"
echo "| POST /repos/migrate (whole request) | $OXM | $(python3 -c "print(f'{$OXM/$GMM*100:.0f}%')") |"
echo "| git clone --mirror | $GMM | 100% |"
echo
echo "$MIRRORS mirrors due at once: all synced in $(python3 -c "print(f'{$END-$START:.1f}')") s; $SYNCED sync jobs done, $FAILED failed;" \
     "at most $PEAK git fetches at once (MAX_PROCESSES=$MAX_PROCESSES); duplicate syncs: $DUPS"
