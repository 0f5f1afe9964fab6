#!/usr/bin/env bash
# The project's test command: ruff, the billy_api tests, the addons' linters and, where Odoo 19
# is importable, the Odoo tests: billy_connector's (pytest-odoo, then Odoo's own runner) on a
# fresh database, then the glue module billy_connector_queue's (OCA queue_job) on another one.
# It installs what it needs into the Python that runs Odoo.
#
#   scripts/test.sh                 everything
#   scripts/test.sh --with-odoo     fetch Odoo 19 into var/ first when no Python imports it
#   ODOO_PYTHON=/path/python3 ...   the interpreter that can import Odoo 19 (default: python3,
#                                   else the Odoo that the demo or --with-odoo fetched)
#   ODOO_ADDONS_PATH=a,b ...        Odoo's addons folders (default: found beside the odoo package)
#   BILLY_SKIP_ODOO_RUNNER=1 ...    skip the second pass with Odoo's own runner
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

fetch=""
for arg in "$@"; do
  case "$arg" in
    --with-odoo) fetch=fetch ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

find_odoo_python $fetch

say "Dependencies (for $PY)"
install_billy_api
pip_install -r requirements-dev.txt ${HAVE_ODOO:+pytest-odoo}
echo "installed: billy-api and its dependencies, requirements-dev.txt${HAVE_ODOO:+, pytest-odoo}"
if [ -n "$HAVE_ODOO" ]; then
  install_queue_job
  echo "installed: queue_job (odoo-addon-queue-job 19.0) and what it needs"
fi

say "ruff"
"$PY" -m ruff check .
"$PY" -m ruff format --check .

say "billy_api: client and sandbox tests; the addon's pure modules (tests/addon)"
# -p no:odoo: pytest-odoo, when installed, must not try to load an Odoo registry here
"$PY" -m pytest -p no:odoo -p no:cacheprovider -q tests

say "billy_connector, billy_connector_queue: the engine's limits and the generated READMEs"
$PY scripts/check_layout.py
$PY scripts/gen_readme.py --check

say "billy_connector, billy_connector_queue: pylint-odoo and OCA checks"
"$PY" -m pylint --rcfile=.pylintrc billy_connector billy_connector_queue
tool oca-checks-odoo-module billy_connector
tool oca-checks-odoo-module billy_connector_queue
if compgen -G "billy_connector/i18n/*.po*" >/dev/null; then
  tool oca-checks-po billy_connector/i18n/*.po*
fi
if compgen -G "billy_connector_queue/i18n/*.po*" >/dev/null; then
  tool oca-checks-po billy_connector_queue/i18n/*.po*
fi

if [ -z "$HAVE_ODOO" ]; then
  say "ODOO TESTS SKIPPED"
  echo "!! Odoo 19 is not importable by '$PY' (found: $(odoo_serie_of "$PY" | grep . || echo none))."
  echo "!! The billy_connector Odoo tests did NOT run. Run scripts/test.sh --with-odoo (fetches"
  echo "!! Odoo 19 into var/), or name the interpreter of your Odoo 19 in ODOO_PYTHON."
  exit 0
fi

say "PostgreSQL"
scripts/ensure-postgres.sh "$PY"

ADDONS=$(odoo_addons)
DB="billy_test_$$"
QUEUE_DB="billy_queue_test_$$"  # the glue module's: billy_connector's DB has no queue_job
LOGS=$(mktemp -d)
cleanup() {
  dropdb --if-exists "$DB" >/dev/null 2>&1 || true
  dropdb --if-exists "$QUEUE_DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT
odoo() { (cd / && "$PY" -m odoo --addons-path="$ADDONS" --http-interface=127.0.0.1 -d "$DB" "$@"); }

say "Odoo 19: install billy_connector on a fresh database ($DB)"
odoo -i billy_connector --stop-after-init --log-level=warn >"$LOGS/install.log" 2>&1 || {
  cat "$LOGS/install.log"; exit 1; }
"$PY" scripts/odoo_log_check.py "$LOGS/install.log" "$REPO"

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
"$PY" -m pytest -p no:cacheprovider -q --odoo-database="$DB" --odoo-addons-path="$ADDONS" \
  --odoo-log-level=warn "${http_args[@]}" billy_connector/tests

if [ -z "${BILLY_SKIP_ODOO_RUNNER:-}" ]; then
  say "Odoo 19: the same tests with Odoo's own runner (--test-tags /billy_connector)"
  # the tours need Odoo's HTTP server: on a free port, beside a demo on 8069
  http_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  odoo --test-tags /billy_connector --stop-after-init --log-level=test --http-port="$http_port" \
    >"$LOGS/runner.log" 2>&1 || true
  summary=$(grep -E "odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$LOGS/runner.log" | tail -1 || true)
  if [ -z "$summary" ] || ! grep -qE ": 0 failed, 0 error\(s\) of [1-9][0-9]* tests" <<<"$summary"; then
    grep -E "(ERROR|FAIL)" "$LOGS/runner.log" | head -50
    echo "!! Odoo's runner: ${summary:-no test summary found}"; exit 1
  fi
  echo "Odoo's runner: ${summary##*: }"
fi

say "Odoo 19: install billy_connector_queue (with queue_job) on a fresh database ($QUEUE_DB)"
DB=$QUEUE_DB odoo -i billy_connector_queue --stop-after-init --log-level=warn \
  >"$LOGS/install-queue.log" 2>&1 || { cat "$LOGS/install-queue.log"; exit 1; }
"$PY" scripts/odoo_log_check.py "$LOGS/install-queue.log" "$REPO"

say "Odoo 19: billy_connector_queue tests with pytest-odoo (jobs performed as queue_job's tests do)"
"$PY" -m pytest -p no:cacheprovider -q --odoo-database="$QUEUE_DB" --odoo-addons-path="$ADDONS" \
  --odoo-log-level=warn billy_connector_queue/tests
