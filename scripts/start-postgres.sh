#!/usr/bin/env bash
# Install (Debian package), start and prepare a local PostgreSQL for the store tests; idempotent.
# The tests find it through NEWSPRISM_TEST_PG (set by `make test`).
set -eu
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
pg_lsclusters -h | grep -q "^$ver main" || pg_createcluster "$ver" main >/dev/null
pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -q online || pg_ctlcluster "$ver" main start
for _ in $(seq 50); do su postgres -c "pg_isready -q" && break; sleep 0.2; done
su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='newsprism'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE newsprism LOGIN PASSWORD 'newsprism'\""
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='newsprism_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O newsprism newsprism_test"
