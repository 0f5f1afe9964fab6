#!/usr/bin/env bash
# The demo: the Billy sandbox seeded with a small Danish business, and an Odoo 19 with
# billy_connector installed and connected to it. Ctrl-C stops both.
#
#   scripts/demo.sh              start (the first run creates the database, later runs reuse it)
#   scripts/demo.sh --reset      start again from scratch (new database, new Billy data)
#   ODOO_PYTHON=/path/python3    the interpreter that can import Odoo 19 (default: python3)
#   ODOO_ADDONS_PATH=a,b         Odoo's addons folders (default: found beside the odoo package)
#   BILLY_DEMO_DB, BILLY_DEMO_PORT (8069), BILLY_SANDBOX_PORT (8765)
#
# State lives under var/demo/ (gitignored): the sandbox's data, Odoo's filestore and the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY=${ODOO_PYTHON:-python3}
DB=${BILLY_DEMO_DB:-billy_demo}
PORT=${BILLY_DEMO_PORT:-8069}
SANDBOX_PORT=${BILLY_SANDBOX_PORT:-8765}
TOKEN=demo-token
ORGANIZATION="Nordisk Demo ApS"
VAR="$REPO/var/demo"
STATE="$VAR/billy-sandbox.json"
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\n== %s\n' "$*"; }
die() { printf '!! %s\n' "$@" >&2; exit 1; }

reset=""
for arg in "$@"; do
  case "$arg" in
    --reset) reset=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

odoo_serie=$(cd / && $PY -c 'import odoo.release as r; print(r.serie)' 2>/dev/null || true)
if [ "$odoo_serie" != "19.0" ]; then
  printf '!! The demo needs Odoo 19.0, and %s cannot import it (found: %s).\n' "$PY" \
    "${odoo_serie:-none}" >&2
  cat >&2 <<'MSG'
!! Provide it in one of these ways, then run scripts/demo.sh again:
!!   - make Odoo 19.0 importable by python3, e.g. git clone -b 19.0 --depth 1
!!     https://github.com/odoo/odoo /opt/odoo19 && pip install -r /opt/odoo19/requirements.txt
!!     && pip install -e /opt/odoo19
!!   - or name the Python that runs your Odoo 19.0: ODOO_PYTHON=/path/to/python3 scripts/demo.sh
!! The Billy sandbox alone runs without Odoo:
!!   python3 -m billy_api.sandbox --seed demo --token demo-token
MSG
  exit 2
fi

say "Dependencies"
$PY -m pip install -q -r requirements-dev.txt 2>&1 | grep -v "Running pip as the 'root' user" ||
  true
$PY -c 'import requests, werkzeug' 2>/dev/null ||
  die "requests and werkzeug are missing for $PY: pip install -r requirements-dev.txt"

say "PostgreSQL"
scripts/ensure-postgres.sh "$PY"

ODOO_ADDONS_PATH=$(cd / && $PY "$REPO/scripts/odoo_addons_path.py")
ADDONS="$ODOO_ADDONS_PATH,$REPO"

# like the servers: SO_REUSEADDR, so that connections of a run just stopped don't count
port_free() {
  $PY -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
port_free "$PORT" || die "port $PORT is taken: stop what uses it or set BILLY_DEMO_PORT"
port_free "$SANDBOX_PORT" || die "port $SANDBOX_PORT is taken: stop what uses it or set BILLY_SANDBOX_PORT"

mkdir -p "$VAR"
db_exists() { psql -d postgres -XtAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; }
fresh=""
if [ -n "$reset" ] || [ ! -f "$STATE" ] || ! db_exists; then
  fresh=1
  rm -f "$STATE"
  dropdb --if-exists "$DB"
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
$PY -m billy_api.sandbox --host 127.0.0.1 --port "$SANDBOX_PORT" --seed demo \
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
  (cd / && exec $PY -m odoo --addons-path="$ADDONS" --data-dir="$VAR/odoo" -d "$DB" \
    --http-interface=127.0.0.1 "$@")
}
odoo_shell() {
  (cd / && exec $PY -m odoo shell --addons-path="$ADDONS" --data-dir="$VAR/odoo" -d "$DB" \
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

say "Odoo 19: starting on 127.0.0.1:$PORT (log: var/demo/odoo.log)"
# a subshell that execs Odoo, so that $! is Odoo's own pid
(cd / && exec $PY -m odoo --addons-path="$ADDONS" --data-dir="$VAR/odoo" -d "$DB" \
  --http-interface=127.0.0.1 --http-port="$PORT" --db-filter="^$DB\$" --log-level=info) \
  >"$VAR/odoo.log" 2>&1 &
odoo_pid=$!
for _ in $(seq 120); do
  $PY -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "http://127.0.0.1:$PORT/web/login" 2>/dev/null && break
  kill -0 "$odoo_pid" 2>/dev/null || { tail -40 "$VAR/odoo.log"; die "Odoo did not start"; }
  sleep 1
done

cat <<MSG

  Odoo:   http://127.0.0.1:$PORT/odoo/action-billy_connector.billy_dashboard_action
          login admin, password admin (database $DB)
  Billy:  $SANDBOX_URL  (the sandbox; API key $TOKEN)

  Try: Billy → Dashboard (a customer without a country failed: add one and press Retry),
       Settings → Billy, a partner's or an invoice's "Sync with Billy".
  Ctrl-C stops Odoo and the sandbox.
MSG
wait "$odoo_pid"
