# Shared by scripts/test.sh and scripts/demo.sh (sourced, with REPO set to the repository):
# which Python runs Odoo 19, fetching Odoo 19 when there is none, quiet pip installs into that
# Python, and the billy-api distribution that Odoo's external_dependencies check looks for.
#
#   ODOO_PYTHON         the interpreter that can import Odoo 19 (default: python3, else the
#                       Odoo fetched into var/odoo-venv)
#   BILLY_ODOO_GIT      where Odoo is fetched from (default: https://github.com/odoo/odoo.git)
#   BILLY_ODOO_BRANCH   its branch (default: 19.0)

VAR_DIR="$REPO/var"
ODOO_SRC="$VAR_DIR/odoo-19.0"
ODOO_VENV="$VAR_DIR/odoo-venv"
# billy-api's metadata only, so that importlib.metadata finds the distribution the manifest
# names; the code is imported from the repository, which comes first on PYTHONPATH
BILLY_DIST="$VAR_DIR/billy-api-dist"
export PYTHONPATH="$REPO:$BILLY_DIST${PYTHONPATH:+:$PYTHONPATH}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

say() { printf '\n== %s\n' "$*"; }
die() { printf '!! %s\n' "$@" >&2; exit 1; }

# The Odoo series that python "$1" imports ("19.0"), or nothing.
odoo_serie_of() {
  (cd / && "$1" -c 'import odoo.release as r; print(r.serie)' 2>/dev/null) || true
}

# pip install into $PY, quietly: pip's output goes to var/logs/pip.log, shown when it fails.
pip_install() {
  mkdir -p "$VAR_DIR/logs"
  local log="$VAR_DIR/logs/pip.log"
  "$PY" -m pip --version >/dev/null 2>&1 ||
    die "$PY has no pip: install it (apt-get install python3-pip) or use a virtualenv's python"
  if ! "$PY" -m pip install -q --no-warn-script-location "$@" >"$log" 2>&1; then
    grep -E "^(ERROR|error)" "$log" | tail -5 >&2 || true
    die "pip could not install $* for $PY (no network? the full log: var/logs/pip.log)"
  fi
}

# Runs a console script installed into $PY through $PY, so that its bin/ need not be on PATH.
tool() {
  "$PY" -c 'import sys
from importlib.metadata import entry_points
name = sys.argv.pop(1)
found = entry_points(group="console_scripts", name=name)
if not found:
    sys.exit(f"{name} is not installed for {sys.executable}")
sys.argv[0] = name
sys.exit(next(iter(found)).load()())' "$@"
}

# The billy-api distribution's metadata (var/billy-api-dist/, rebuilt when pyproject.toml
# changes) and its dependencies, for $PY.
install_billy_api() {
  if ! cmp -s "$REPO/pyproject.toml" "$BILLY_DIST/pyproject.toml"; then
    rm -rf "$BILLY_DIST"
    pip_install --no-deps --target "$BILLY_DIST" "$REPO"
    rm -rf "$BILLY_DIST/billy_api" "$BILLY_DIST"/bin
    cp "$REPO/pyproject.toml" "$BILLY_DIST/pyproject.toml"
  fi
  local requires
  requires=$("$PY" -c 'import importlib.metadata as m
print(" ".join(r.split(";")[0] for r in m.requires("billy-api") or [] if "extra ==" not in r))')
  # shellcheck disable=SC2086  # one word per requirement
  [ -z "$requires" ] || pip_install $requires
}

# OCA's queue_job for $PY (billy_connector_queue's dependency), from its wheel on PyPI. The wheel
# requires an `odoo` distribution, which a source install of Odoo does not have: it goes in
# without its dependencies, then with the ones it really needs.
install_queue_job() {
  pip_install --no-deps 'odoo-addon-queue-job==19.0.*'
  pip_install openupgradelib requests
}

# Sets PY to a Python that imports Odoo 19 and HAVE_ODOO=1: ODOO_PYTHON, else python3, else
# the Odoo in var/odoo-venv; with "fetch" as $1 it fetches Odoo there when none is found.
# Without Odoo, PY is ODOO_PYTHON or python3 and HAVE_ODOO is empty.
find_odoo_python() {
  PY=${ODOO_PYTHON:-python3}
  HAVE_ODOO=1
  [ "$(odoo_serie_of "$PY")" = "19.0" ] && return
  if [ -z "${ODOO_PYTHON:-}" ] && [ -f "$ODOO_VENV/.ready" ] &&
    [ "$(odoo_serie_of "$ODOO_VENV/bin/python")" = "19.0" ]; then
    PY="$ODOO_VENV/bin/python"
    echo "Odoo 19: the one fetched into var/odoo-19.0 ($PY)"
    return
  fi
  if [ -z "${ODOO_PYTHON:-}" ] && [ "${1:-}" = fetch ]; then
    fetch_odoo
    PY="$ODOO_VENV/bin/python"
    return
  fi
  HAVE_ODOO=""
}

# A shallow clone of Odoo 19 into var/odoo-19.0 and a virtualenv var/odoo-venv with Odoo's
# requirements and billy-api, importing Odoo from the clone through a .pth file.
fetch_odoo() {
  local url=${BILLY_ODOO_GIT:-https://github.com/odoo/odoo.git} branch=${BILLY_ODOO_BRANCH:-19.0}
  mkdir -p "$VAR_DIR/logs"
  if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
    say "Odoo 19: not found, fetching it ($url, branch $branch, into var/odoo-19.0)"
    command -v git >/dev/null || die "git is needed to fetch Odoo 19 (apt-get install git)"
    rm -rf "$ODOO_SRC.part"
    if ! git clone -q --depth 1 --single-branch --branch "$branch" "$url" "$ODOO_SRC.part" \
      >"$VAR_DIR/logs/odoo-clone.log" 2>&1; then
      rm -rf "$ODOO_SRC.part"
      die "could not fetch Odoo 19 from $url (no network? $(tail -n 1 "$VAR_DIR/logs/odoo-clone.log"))"
    fi
    mv "$ODOO_SRC.part" "$ODOO_SRC"
  fi
  [ -f "$ODOO_VENV/.ready" ] && return 0
  say "Odoo 19: a virtualenv with its requirements (var/odoo-venv, a few minutes)"
  local base=${BILLY_BASE_PYTHON:-python3}
  "$base" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
    die "Odoo 19 needs Python 3.10 or later; $base is older (set BILLY_BASE_PYTHON)"
  "$base" -m venv "$ODOO_VENV" >"$VAR_DIR/logs/odoo-venv.log" 2>&1 ||
    die "$base could not make a virtualenv ($(tail -n 1 "$VAR_DIR/logs/odoo-venv.log"))"
  # Odoo's pins, with the known fixes: the psycopg2 wheel (no compiler nor libpq headers
  # needed), no python-ldap (it builds against the OpenLDAP headers; Odoo runs without it),
  # and on Python 3.11 cbor2 5.4.6 (older releases do not install there)
  local fixes=(-e 's/^psycopg2==/psycopg2-binary==/' -e '/^python-ldap/d')
  "$base" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' &&
    fixes+=(-e 's/^cbor2==5\.4\.[0-5][^ ;]*/cbor2==5.4.6/')
  sed -E "${fixes[@]}" "$ODOO_SRC/requirements.txt" >"$ODOO_VENV/odoo-requirements.txt"
  local PY="$ODOO_VENV/bin/python"
  pip_install -r "$ODOO_VENV/odoo-requirements.txt"
  "$PY" -c 'import sys, sysconfig
open(sysconfig.get_path("purelib") + "/odoo-19.0.pth", "w").write(sys.argv[1] + "\n")' "$ODOO_SRC"
  pip_install -e "$REPO"
  [ "$(odoo_serie_of "$PY")" = "19.0" ] || die "the Odoo in var/odoo-19.0 does not import (see var/logs/pip.log)"
  touch "$ODOO_VENV/.ready"
  echo "Odoo 19 is ready: $PY"
}

# Odoo's addons folders, comma separated, and this repository.
odoo_addons() {
  printf '%s,%s\n' "$(cd / && "$PY" "$REPO/scripts/odoo_addons_path.py")" "$REPO"
}
