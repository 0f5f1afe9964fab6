#!/usr/bin/env bash
# The project's test command: ruff, the billy_api tests, the addon's linters and, where Odoo 19
# is importable, the Odoo tests (pytest-odoo, then Odoo's own runner) on a fresh database.
#
#   scripts/test.sh                 everything
#   ODOO_PYTHON=/path/python3 ...   the interpreter that can import Odoo 19 (default: python3)
#   ODOO_ADDONS_PATH=a,b ...        Odoo's addons folders (default: found beside the odoo package)
#   BILLY_SKIP_ODOO_RUNNER=1 ...    skip the second pass with Odoo's own runner
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY=${ODOO_PYTHON:-python3}
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\n== %s\n' "$*"; }

say "Dependencies"
$PY -m pip install -q -r requirements-dev.txt 2>&1 | grep -v "Running pip as the 'root' user" || true

say "ruff"
$PY -m ruff check .
$PY -m ruff format --check .

say "billy_api: client and sandbox tests; the addon's pure modules (tests/addon)"
# -p no:odoo: pytest-odoo, when installed, must not try to load an Odoo registry here
$PY -m pytest -p no:odoo -p no:cacheprovider -q tests

say "billy_connector: the engine's limits and the generated README"
$PY scripts/check_layout.py
$PY scripts/gen_readme.py --check

say "billy_connector: pylint-odoo and OCA checks"
$PY -m pylint --rcfile=.pylintrc billy_connector
oca-checks-odoo-module billy_connector
if compgen -G "billy_connector/i18n/*.po*" >/dev/null; then
  oca-checks-po billy_connector/i18n/*.po*
fi

odoo_serie=$(cd / && $PY -c 'import odoo.release as r; print(r.serie)' 2>/dev/null || true)
if [ "$odoo_serie" != "19.0" ]; then
  say "ODOO TESTS SKIPPED"
  echo "!! Odoo 19 is not importable by '$PY' (found: ${odoo_serie:-none})."
  echo "!! The billy_connector Odoo tests did NOT run. Make Odoo 19.0 importable by python3,"
  echo "!! or name its interpreter in ODOO_PYTHON, and run this command again."
  exit 0
fi

say "PostgreSQL"
scripts/ensure-postgres.sh "$PY"

ODOO_ADDONS_PATH=$(cd / && $PY "$REPO/scripts/odoo_addons_path.py")
ADDONS="$ODOO_ADDONS_PATH,$REPO"
DB="billy_test_$$"
LOGS=$(mktemp -d)
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1 || true; }
trap cleanup EXIT
odoo() { (cd / && $PY -m odoo --addons-path="$ADDONS" --http-interface=127.0.0.1 -d "$DB" "$@"); }

say "Odoo 19: install billy_connector on a fresh database ($DB)"
$PY -m pip install -q pytest-odoo 2>&1 | grep -v "Running pip as the 'root' user" || true
odoo -i billy_connector --stop-after-init --log-level=warn >"$LOGS/install.log" 2>&1 || {
  cat "$LOGS/install.log"; exit 1; }
if grep -E " (WARNING|ERROR|CRITICAL) " "$LOGS/install.log"; then
  echo "!! installing billy_connector logged the warnings or errors above"; exit 1
fi
echo "installed with no warning or error in the log"

say "Chromium for the browser tests (tours)"
http_args=()
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null &&
  command -v apt-get >/dev/null; then
  echo "installing Chromium from Debian's packages"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
    >/dev/null 2>&1 || echo "!! Chromium could not be installed"
fi
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
  http_args=(--odoo-http)
  echo "found: the tours run"
else
  echo "!! no Chromium: the tours (HttpCase) are skipped"
fi

say "Odoo 19: billy_connector tests with pytest-odoo"
$PY -m pytest -p no:cacheprovider -q --odoo-database="$DB" --odoo-addons-path="$ADDONS" \
  --odoo-log-level=warn "${http_args[@]}" billy_connector/tests

if [ -z "${BILLY_SKIP_ODOO_RUNNER:-}" ]; then
  say "Odoo 19: the same tests with Odoo's own runner (--test-tags /billy_connector)"
  # the tours need Odoo's HTTP server: on a free port, beside a demo on 8069
  http_port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  odoo --test-tags /billy_connector --stop-after-init --log-level=test --http-port="$http_port" \
    >"$LOGS/runner.log" 2>&1 || true
  summary=$(grep -E "odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$LOGS/runner.log" | tail -1 || true)
  if [ -z "$summary" ] || ! grep -qE ": 0 failed, 0 error\(s\) of [1-9][0-9]* tests" <<<"$summary"; then
    grep -E "(ERROR|FAIL)" "$LOGS/runner.log" | head -50
    echo "!! Odoo's runner: ${summary:-no test summary found}"; exit 1
  fi
  echo "Odoo's runner: ${summary##*: }"
fi
