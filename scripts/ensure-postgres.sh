#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on the local socket for the current user; starts an
# installed cluster, or installs one from Debian's packages, when none is running.
set -euo pipefail
PY=${1:-python3}
can_connect() { "$PY" -c 'import psycopg2; psycopg2.connect(dbname="postgres").close()' 2>/dev/null; }

if can_connect; then echo "PostgreSQL is running"; exit 0; fi
if [ ! -d /etc/postgresql ] && command -v apt-get >/dev/null; then
  echo "installing PostgreSQL from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
for version in $(ls /etc/postgresql 2>/dev/null); do
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
done
for _ in $(seq 30); do
  pg_isready -q 2>/dev/null && break
  sleep 1
done
if ! can_connect && [ "$(id -u)" = 0 ]; then
  su postgres -c "createuser --superuser $(id -un)" 2>/dev/null || true
fi
can_connect || { echo "!! no PostgreSQL server answers for user $(id -un)"; exit 1; }
echo "PostgreSQL is running"
