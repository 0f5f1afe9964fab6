#!/usr/bin/env bash
# The demo: the Billy sandbox seeded with a small Danish business, and an Odoo 19 with
# billy_connector installed and connected to it. Ctrl-C stops both.
#
#   scripts/demo.sh              start (the first run creates the database, later runs reuse it)
#   scripts/demo.sh --reset      start again from scratch (new database, new Billy data)
#   ODOO_PYTHON=/path/python3    the interpreter that can import Odoo 19 (default: python3; when
#                                it has no Odoo 19, the demo fetches one into var/odoo-19.0)
#   ODOO_ADDONS_PATH=a,b         Odoo's addons folders (default: found beside the odoo package)
#   BILLY_DEMO_DB, BILLY_DEMO_PORT (8069), BILLY_SANDBOX_PORT (8765)
#   BILLY_ODOO_GIT, BILLY_ODOO_BRANCH   where Odoo is fetched from (github.com/odoo/odoo, 19.0)
#
# State lives under var/demo/ (gitignored): the sandbox's data, Odoo's filestore and the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
DB=${BILLY_DEMO_DB:-billy_demo}
PORT=${BILLY_DEMO_PORT:-8069}
SANDBOX_PORT=${BILLY_SANDBOX_PORT:-8765}
TOKEN=demo-token
ORGANIZATION="Nordisk Demo ApS"
VAR="$REPO/var/demo"
STATE="$VAR/billy-sandbox.json"
READY="$VAR/$DB.ready"  # the database was made and connected to the sandbox to the end

reset=""
for arg in "$@"; do
  case "$arg" in
    --reset) reset=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

find_odoo_python fetch
[ -n "$HAVE_ODOO" ] ||
  die "the demo needs Odoo 19.0, and ODOO_PYTHON=$PY cannot import it (found: $(odoo_serie_of "$PY" | grep . || echo none))" \
    "unset ODOO_PYTHON to let the demo fetch Odoo 19 into var/, or name the Python of your Odoo 19"

say "Dependencies (for $PY)"
install_billy_api
echo "installed: billy-api and its dependencies"

say "PostgreSQL"
scripts/ensure-postgres.sh "$PY"

ADDONS=$(odoo_addons)

# like the servers: SO_REUSEADDR, so that connections of a run just stopped don't count
port_free() {
  "$PY" -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
port_free "$PORT" || die "port $PORT is taken: stop what uses it or set BILLY_DEMO_PORT"
port_free "$SANDBOX_PORT" || die "port $SANDBOX_PORT is taken: stop what uses it or set BILLY_SANDBOX_PORT"

mkdir -p "$VAR"
db_exists() { psql -d postgres -XtAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; }
fresh=""
if [ -n "$reset" ] || [ ! -f "$STATE" ] || [ ! -f "$READY" ] || ! db_exists; then
  fresh=1
  rm -f "$STATE" "$READY"
  PGOPTIONS="--client-min-messages=warning" dropdb --if-exists "$DB"
  rm -rf "$VAR/odoo/filestore/$DB"
fi

sandbox_pid=""
odoo_pid=""
cleanup() {
  trap - EXIT INT TERM
  for pid in $odoo_pid $sandbox_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $odoo_pid $sandbox_pid; do wait "$pid" 2>/dev/null || true; done
  echo "demo stopped (the data stays in var/demo; scripts/demo.sh --reset starts over)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "Billy sandbox (data in var/demo/billy-sandbox.json)"
"$PY" -m billy_api.sandbox --host 127.0.0.1 --port "$SANDBOX_PORT" --seed demo \
  --token "$TOKEN=$ORGANIZATION" --state-file "$STATE" >"$VAR/sandbox.log" 2>&1 &
sandbox_pid=$!
SANDBOX_URL=""
for _ in $(seq 100); do
  SANDBOX_URL=$(head -n 1 "$VAR/sandbox.log" 2>/dev/null | grep -E '^http' || true)
  [ -n "$SANDBOX_URL" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$VAR/sandbox.log"; die "the sandbox did not start"; }
  sleep 0.1
done
[ -n "$SANDBOX_URL" ] || die "the sandbox did not answer"
echo "$SANDBOX_URL (token $TOKEN)"

odoo() {
  (cd / && exec "$PY" -m odoo --addons-path="$ADDONS" --data-dir="$VAR/odoo" -d "$DB" \
    --http-interface=127.0.0.1 "$@")
}
odoo_shell() {
  (cd / && exec "$PY" -m odoo shell --addons-path="$ADDONS" --data-dir="$VAR/odoo" -d "$DB" \
    --no-http "$@")
}

if [ -n "$fresh" ]; then
  say "Odoo 19: a new database $DB with billy_connector (a minute or two)"
  odoo -i billy_connector --stop-after-init --log-level=warn >"$VAR/install.log" 2>&1 || {
    tail -40 "$VAR/install.log"; die "installing billy_connector failed (log: var/demo/install.log)"; }
else
  say "Odoo 19: reusing the database $DB (scripts/demo.sh --reset starts over)"
  odoo -u billy_connector --stop-after-init --log-level=warn >"$VAR/install.log" 2>&1 || {
    tail -40 "$VAR/install.log"; die "updating billy_connector failed (log: var/demo/install.log)"; }
fi

say "Odoo 19: connect the company to the sandbox"
BILLY_DEMO_URL="$SANDBOX_URL" BILLY_DEMO_TOKEN="$TOKEN" BILLY_DEMO_FRESH="$fresh" \
  odoo_shell --log-level=warn <scripts/demo_configure.py 2>"$VAR/configure.log" || {
    tail -40 "$VAR/configure.log"; die "configuring the demo failed (log: var/demo/configure.log)"; }
touch "$READY"

say "Odoo 19: starting on 127.0.0.1:$PORT (log: var/demo/odoo.log)"
# a subshell that execs Odoo, so that $! is Odoo's own pid
(cd / && exec "$PY" -m odoo --addons-path="$ADDONS" --data-dir="$VAR/odoo" -d "$DB" \
  --http-interface=127.0.0.1 --http-port="$PORT" --db-filter="^$DB\$" --log-level=info) \
  >"$VAR/odoo.log" 2>&1 &
odoo_pid=$!
for _ in $(seq 120); do
  "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "http://127.0.0.1:$PORT/web/login" 2>/dev/null && break
  kill -0 "$odoo_pid" 2>/dev/null || { tail -40 "$VAR/odoo.log"; die "Odoo did not start"; }
  sleep 1
done

cat <<MSG

  Odoo:   http://127.0.0.1:$PORT/odoo/billy
          login admin, password admin (database $DB)
  Billy:  $SANDBOX_URL  (the sandbox; API key $TOKEN)

  Try: Billy → Dashboard (a customer without a country failed: add one and press Retry),
       Settings → Billy, a partner's or an invoice's "Sync with Billy".
  Ctrl-C stops Odoo and the sandbox.
MSG
wait "$odoo_pid"
