#!/usr/bin/env bash
# Installs (if absent) and starts Debian's PostgreSQL 15 on 127.0.0.1:5432 with a password role
# that the tests use over TCP, as a warehouse client would. Idempotent; safe to run repeatedly.
set -euo pipefail

PG_ROLE="${RSRUN_TEST_PG_USER:-rsrun}"
PG_PASSWORD="${RSRUN_TEST_PG_PASSWORD:-rsrun}"

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /usr/lib/postgresql/15 ]; then
  echo "installing postgresql from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
fi

if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main'; then
  pg_createcluster 15 main >/dev/null
fi

# Containers of the runner image (test/container) reach this server through the Docker bridge
# (host.docker.internal); password auth only, and only from loopback and Docker's private subnets.
PG_CONF_DIR=/etc/postgresql/15/main
pg_conf_changed=false
if ! grep -q "^listen_addresses = '\*'" "$PG_CONF_DIR/postgresql.conf"; then
  echo "listen_addresses = '*'" >>"$PG_CONF_DIR/postgresql.conf"
  pg_conf_changed=true
fi
if ! grep -q '172.16.0.0/12' "$PG_CONF_DIR/pg_hba.conf"; then
  echo 'host all all 172.16.0.0/12 scram-sha-256' >>"$PG_CONF_DIR/pg_hba.conf"
  pg_conf_changed=true
fi
# listen_addresses takes effect only on a restart (once per machine).
if [ "$pg_conf_changed" = true ] && pg_lsclusters -h | awk '$1 == "15" && $2 == "main" { print $4 }' | grep -q online; then
  pg_ctlcluster 15 main restart
fi

if ! pg_lsclusters -h | awk '$1 == "15" && $2 == "main" { print $4 }' | grep -q online; then
  pg_ctlcluster 15 main start
fi

for _ in $(seq 1 30); do
  if su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done

# The role needs CREATEDB: each test file creates and drops its own database.
su postgres -c "psql -v ON_ERROR_STOP=1 -q" <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_ROLE}') THEN
    CREATE ROLE "${PG_ROLE}" LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
  ELSE
    ALTER ROLE "${PG_ROLE}" LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
  END IF;
END
\$\$;
SQL

PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -U "$PG_ROLE" -d postgres -qtAc 'select version()' >/dev/null
echo "postgresql ready on 127.0.0.1:5432 (role ${PG_ROLE})"
