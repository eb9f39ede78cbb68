#!/bin/sh
# Run once by the postgres image when it initialises its data directory: the
# two roles Cadence uses (README, "Database roles") and its database.
#   cadence_owner  owns the schema; Cadence migrates with it (MIGRATION_DATABASE_URL)
#   cadence_app    reads and writes rows only; Cadence serves with it (DATABASE_URL)
set -eu
psql -v ON_ERROR_STOP=1 -U "${POSTGRES_USER:-postgres}" -d postgres \
  -v owner_pw="${CADENCE_OWNER_PASSWORD:?}" -v app_pw="${CADENCE_APP_PASSWORD:?}" <<'SQL'
CREATE ROLE cadence_owner LOGIN PASSWORD :'owner_pw';
CREATE ROLE cadence_app LOGIN PASSWORD :'app_pw';
CREATE DATABASE cadence OWNER cadence_owner;
SQL
