#!/usr/bin/env bash
# The compatibility suite: drives a running oxforge with real client libraries installed
# from the registries, and compares each client's sorted PASS/FAIL list of operations with
# the committed compat/results/<client>.txt (OXFORGE_BLESS=1 rewrites them).
#
#   compat/run.sh [client...]      clients: py-gitea gogs-client gitea-js go-gogs-client
#                                  and schemathesis (fuzzing against our own OpenAPI document;
#                                  SCHEMATHESIS_SEED and SCHEMATHESIS_EXAMPLES tune it)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/oxforge-target}"
CACHE="${OXFORGE_COMPAT_CACHE:-$HOME/.cache/oxforge-compat}"
CLIENTS=("$@")
[ ${#CLIENTS[@]} -gt 0 ] || CLIENTS=(py-gitea gogs-client gitea-js go-gogs-client schemathesis)
mkdir -p "$CACHE"

# --- clients, pinned, installed once into the cache -----------------------------------
install_py() { # dir requirements...
  local dir=$1; shift
  local stamp="$dir/.installed-$(echo "$*" | md5sum | cut -c1-8)"
  if [ ! -f "$stamp" ]; then
    rm -rf "$dir"; python3 -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check "$@"
    touch "$stamp"
  fi
}
for c in "${CLIENTS[@]}"; do
  case $c in
    py-gitea) install_py "$CACHE/py-gitea" "py-gitea==0.2.10" ;;
    gogs-client) install_py "$CACHE/gogs-client" "attrs<19.2" "gogs-client==1.0.6" "requests" ;;
    gitea-js)
      mkdir -p "$CACHE/gitea-js"
      cp compat/gitea-js/package.json "$CACHE/gitea-js/"
      (cd "$CACHE/gitea-js" && [ -d node_modules/gitea-js ] || npm install --silent --no-audit --no-fund >/dev/null) ;;
    go-gogs-client)
      if [ ! -d /usr/share/gocode/src/github.com/gogits/go-gogs-client ] || ! command -v go >/dev/null; then
        apt-get update -qq && apt-get install -y -qq golang-go golang-github-gogits-go-gogs-client-dev >/dev/null
      fi ;;
    schemathesis) install_py "$CACHE/schemathesis" "schemathesis==4.32.5" ;;
    *) echo "unknown client $c" >&2; exit 2 ;;
  esac
done

# --- a fresh server ----------------------------------------------------------------------
cargo build -q -p oxforge
BIN="$CARGO_TARGET_DIR/debug/oxforge"
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export OXFORGE_ADMIN=root OXFORGE_PASSWORD=compat-password-1
"$BIN" -w "$WORK" admin user create --username "$OXFORGE_ADMIN" --password "$OXFORGE_PASSWORD" --email root@example.com --admin >/dev/null
OXFORGE_TOKEN=$("$BIN" -w "$WORK" admin user generate-access-token -u "$OXFORGE_ADMIN" --raw)
export OXFORGE_TOKEN
# Clients migrate from this very server, so local addresses must be allowed here.
OXFORGE__MIGRATIONS__ALLOW_LOCALNETWORKS=true OXFORGE__SERVER__HTTP_ADDR=127.0.0.1 OXFORGE_LOG=warn "$BIN" web -w "$WORK" --port "$PORT" 2>"$WORK/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
export OXFORGE_URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 200); do curl -sf "$OXFORGE_URL/api/v1/version" >/dev/null && break; sleep 0.05; done

# --- run each client, compare with the committed results --------------------------------
passed=0; failed=0
for c in "${CLIENTS[@]}"; do
  out="$WORK/$c.out"
  if [ "$c" = schemathesis ]; then
    # No 5xx, and every answer matches our own document, for a bounded number of examples.
    if "$CACHE/schemathesis/bin/st" run "$OXFORGE_URL/openapi3.v1.json" --url "$OXFORGE_URL/api/v1" \
        -H "Authorization: token $OXFORGE_TOKEN" \
        --checks not_a_server_error,response_schema_conformance,content_type_conformance \
        --phases coverage,fuzzing --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" --workers 2 \
        --seed "${SCHEMATHESIS_SEED:-20261123}" >"$out" 2>&1; then
      echo "compat schemathesis: $(grep -Eo '[0-9]+ generated, [0-9]+ passed' "$out" | head -1)"
      passed=$((passed + 1))
    else
      tail -60 "$out" >&2
      echo "compat schemathesis: failures found" >&2
      failed=$((failed + 1))
    fi
    continue
  fi
  case $c in
    py-gitea) "$CACHE/py-gitea/bin/python" compat/py-gitea/check.py >"$out" 2>"$out.err" || true ;;
    gogs-client) "$CACHE/gogs-client/bin/python" compat/gogs-client/check.py >"$out" 2>"$out.err" || true ;;
    gitea-js)
      # ES modules resolve packages from the script's own directory.
      cp compat/gitea-js/check.mjs "$CACHE/gitea-js/check.mjs"
      node "$CACHE/gitea-js/check.mjs" >"$out" 2>"$out.err" || true ;;
    go-gogs-client)
      (cd compat/go-gogs-client && GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOFLAGS= \
        GOCACHE="$CACHE/go-build" go run main.go) >"$out" 2>"$out.err" || true ;;
  esac
  got="$WORK/$c.txt"
  grep -E '^(PASS|FAIL) ' "$out" | sed 's/:.*$//' | LC_ALL=C sort >"$got" || true
  want="compat/results/$c.txt"
  if [ "${OXFORGE_BLESS:-}" = "1" ]; then cp "$got" "$want"; fi
  n=$(wc -l <"$got")
  if [ "$n" -gt 0 ] && diff -u "$want" "$got" >"$WORK/$c.diff" 2>&1; then
    echo "compat $c: $(grep -c '^PASS' "$got") operations pass, $(grep -c '^FAIL' "$got") not yet supported (as committed)"
    passed=$((passed + 1))
  else
    echo "compat $c: results differ from $want" >&2
    cat "$WORK/$c.diff" >&2 || true
    grep -E '^FAIL' "$out" >&2 || true
    tail -20 "$out.err" >&2 || true
    failed=$((failed + 1))
  fi
done
echo "compat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
