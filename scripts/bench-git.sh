#!/usr/bin/env bash
# Git transport benchmark: clone of a large repository through oxforge, side by side with
# `git http-backend` behind lighttpd (what an admin would otherwise run) and a local
# file:// clone; 50 concurrent clones; server RSS growth during a large push.
#
#   scripts/bench-git.sh            (needs: lighttpd, python3, a release build)
#   COMMITS=20000 BLOB_BYTES=6000 PUSH_MB=1024 RUNS=3 CONCURRENT=50 scripts/bench-git.sh
set -euo pipefail
cd "$(dirname "$0")/.."

COMMITS=${COMMITS:-20000}
BLOB_BYTES=${BLOB_BYTES:-6000}
PUSH_MB=${PUSH_MB:-1024}
RUNS=${RUNS:-3}
CONCURRENT=${CONCURRENT:-50}
WORK=${WORK:-$HOME/.cache/oxforge-bench/git}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/oxforge-target}"
command -v lighttpd >/dev/null || { echo "needs lighttpd (apt-get install lighttpd)" >&2; exit 1; }

cargo build --release -q -p oxforge
OXFORGE="$CARGO_TARGET_DIR/release/oxforge"
mkdir -p "$WORK"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0

# 1. The source repository: COMMITS commits, each rewriting one of 1,000 files with
#    BLOB_BYTES of incompressible data (built once, with fast-import).
SRC="$WORK/src-$COMMITS-$BLOB_BYTES.git"
if [ ! -d "$SRC" ]; then
  echo "generating $COMMITS commits into $SRC ..."
  git init -q --bare "$SRC"
  python3 - "$COMMITS" "$BLOB_BYTES" <<'PY' | git --git-dir="$SRC" fast-import --quiet
import os, sys
commits, size = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
for i in range(commits):
    data = os.urandom(size)
    msg = f"change {i}\n".encode()
    out.write(b"commit refs/heads/main\n")
    out.write(f"committer Bench <bench@example.com> {1600000000 + i} +0000\n".encode())
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i > 0:
        pass
    out.write(f"M 100644 inline dir{i % 40}/file{i % 1000}.bin\n".encode())
    out.write(b"data %d\n" % len(data))
    out.write(data)
    out.write(b"\n")
PY
  git --git-dir="$SRC" repack -adq
fi
PACK_MB=$(du -sm "$SRC/objects/pack" | cut -f1)

# 2. oxforge on a fresh work dir, with the repository pushed into it.
RUN="$WORK/run"
rm -rf "$RUN"; mkdir -p "$RUN"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$OXFORGE" -w "$RUN" admin user create --username bench --password bench-password --email b@example.com --admin >/dev/null
OXFORGE__SERVER__HTTP_ADDR=127.0.0.1 OXFORGE_LOG=warn "$OXFORGE" web -w "$RUN" --port "$PORT" &
OXPID=$!
LPID=""
cleanup() { kill "$OXPID" 2>/dev/null || true; [ -n "$LPID" ] && kill "$LPID" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/version" >/dev/null && break; sleep 0.05; done
curl -sf -u bench:bench-password -H 'Content-Type: application/json' -d '{"name":"big"}' \
  "http://127.0.0.1:$PORT/api/v1/user/repos" >/dev/null
git --git-dir="$SRC" push -q "http://bench:bench-password@127.0.0.1:$PORT/bench/big.git" main

# 3. lighttpd running git http-backend as CGI over the same repository directory.
cat > "$RUN/lighttpd.conf" <<CONF
server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.document-root = "$RUN"
server.bind = "127.0.0.1"
server.port = $HPORT
server.errorlog = "$RUN/lighttpd-error.log"
server.max-request-size = 2097151
alias.url = ("/git/" => "$(git --exec-path)/git-http-backend/")
cgi.assign = ("" => "")
setenv.add-environment = ("GIT_PROJECT_ROOT" => "$RUN/repositories", "GIT_HTTP_EXPORT_ALL" => "1")
CONF
lighttpd -D -f "$RUN/lighttpd.conf" &
LPID=$!
sleep 0.5

now() { date +%s.%N; }
clone_time() { # url
  local dest; dest=$(mktemp -d "$RUN/clone.XXXX")
  local t0; t0=$(now)
  git clone -q --bare "$1" "$dest/r.git"
  local t1; t1=$(now)
  rm -rf "$dest"
  python3 -c "print(f'{$t1-$t0:.2f}')"
}
median() { python3 -c "import statistics,sys; print(f'{statistics.median([float(x) for x in sys.argv[1:]]):.2f}')" "$@"; }

OX=(); HB=(); FILE=()
for _ in $(seq 1 "$RUNS"); do
  OX+=("$(clone_time "http://127.0.0.1:$PORT/bench/big.git")")
  HB+=("$(clone_time "http://127.0.0.1:$HPORT/git/bench/big.git")")
  FILE+=("$(clone_time "file://$RUN/repositories/bench/big.git")")
done
OXM=$(median "${OX[@]}"); HBM=$(median "${HB[@]}"); FM=$(median "${FILE[@]}")

# 4. Concurrent clones through oxforge.
ok=0
pids=()
for i in $(seq 1 "$CONCURRENT"); do
  ( d=$(mktemp -d "$RUN/c.XXXX"); git clone -q --bare "http://127.0.0.1:$PORT/bench/big.git" "$d/r.git" && rm -rf "$d" ) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" && ok=$((ok + 1)); done

# 5. RSS during a large push (incompressible files of 64 MiB each).
BIGSRC="$WORK/push-$PUSH_MB"
if [ ! -d "$BIGSRC/.git" ]; then
  rm -rf "$BIGSRC"; mkdir -p "$BIGSRC"; git -C "$BIGSRC" init -q -b main
  n=$(( (PUSH_MB + 63) / 64 ))
  for i in $(seq 1 "$n"); do head -c $((64 * 1024 * 1024)) /dev/urandom > "$BIGSRC/blob$i.bin"; done
  git -C "$BIGSRC" -c core.compression=0 add . && git -C "$BIGSRC" -c user.name=b -c user.email=b@x commit -q -m big
fi
curl -sf -u bench:bench-password -H 'Content-Type: application/json' -d '{"name":"huge"}' \
  "http://127.0.0.1:$PORT/api/v1/user/repos" >/dev/null
rss() { awk '/VmRSS/ {print $2}' "/proc/$OXPID/status"; }
RSS0=$(rss); PEAK=$RSS0
git -C "$BIGSRC" -c core.bigFileThreshold=1m push -q "http://bench:bench-password@127.0.0.1:$PORT/bench/huge.git" main &
PUSHPID=$!
while kill -0 "$PUSHPID" 2>/dev/null; do r=$(rss); [ "$r" -gt "$PEAK" ] && PEAK=$r; sleep 0.1; done
wait "$PUSHPID" && PUSHOK=yes || PUSHOK=no

echo
echo "repository: $COMMITS commits, pack ${PACK_MB} MiB; $(nproc) cores; median of $RUNS bare clones over loopback"
echo
echo "| clone via | seconds | vs http-backend |"
echo "|---|---|---|"
echo "| oxforge | $OXM | $(python3 -c "print(f'{$OXM/$HBM*100:.0f}%')") |"
echo "| git http-backend (lighttpd CGI) | $HBM | 100% |"
echo "| file:// | $FM | $(python3 -c "print(f'{$FM/$HBM*100:.0f}%')") |"
echo
echo "$CONCURRENT concurrent clones through oxforge: $ok succeeded"
echo "push of ${PUSH_MB} MiB: ok=$PUSHOK; oxforge RSS $((RSS0 / 1024)) MiB before, peak $((PEAK / 1024)) MiB (growth $(((PEAK - RSS0) / 1024)) MiB)"
