/* migrate.c: schema_migrations records what ran; pg_advisory_lock serialises
 * start-ups of several replicas so exactly one applies each migration. */
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"

/* An arbitrary constant identifying Cadence's migration lock. */
#define MIGRATION_LOCK_ID "7311051400"

/* Created only when missing: a serving role without CREATE may still check an up-to-date schema. */
static const db_stmt CREATE_TABLE = {
    "migrate_create",
    "DO $$ BEGIN IF to_regclass('schema_migrations') IS NULL THEN "
    "CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); "
    "END IF; END $$"};
static const db_stmt GRANT = {"migrate_grant", "SELECT grant_serving_role($1)"};
static const db_stmt ROLE = {
    "migrate_role",
    "SELECT current_user, r.rolsuper OR coalesce(t.tableowner = current_user, false) "
    "FROM pg_roles r LEFT JOIN pg_tables t ON t.schemaname = 'public' AND t.tablename = 'practices' "
    "WHERE r.rolname = current_user"};
static const db_stmt IS_APPLIED = {"migrate_is_applied",
                                   "SELECT 1 FROM schema_migrations WHERE name = $1"};
static const db_stmt RECORD = {"migrate_record", "INSERT INTO schema_migrations(name) VALUES ($1)"};
static const db_stmt COUNT_APPLIED = {
    "migrate_count", "SELECT count(*) FROM schema_migrations WHERE name = ANY($1::text[])"};

/* A role without the right to change the schema gets told which URL to give instead. */
static void explain_denial(const db_conn *c, cad_error *err) {
  if (strcmp(db_sqlstate(c), "42501") == 0)
    cad_fail(err, "migration_denied", NULL,
             "this role may not change the schema: set MIGRATION_DATABASE_URL to the URL of the role that owns it "
             "(see README, Database roles)");
}

static bool apply_one(db_conn *c, const migration_file *m, cad_error *err) {
  const char *params[] = {m->name};
  db_result *r = db_exec(c, &IS_APPLIED, 1, params, err);
  if (!r)
    return false;
  bool applied = db_rows(r) > 0;
  db_free(r);
  if (applied)
    return true;
  if (!db_exec_simple(c, "BEGIN", err))
    return false;
  if (!db_exec_simple(c, m->sql, err) || !(r = db_exec(c, &RECORD, 1, params, err))) {
    cad_error ignored;
    log_json("error", "migration failed", json_pack("{s:s,s:s}", "migration", m->name,
                                                    "sqlstate", db_sqlstate(c)));
    explain_denial(c, err);
    db_exec_simple(c, "ROLLBACK", &ignored);
    return false;
  }
  db_free(r);
  if (!db_exec_simple(c, "COMMIT", err))
    return false;
  log_json("info", "migration applied", json_pack("{s:s}", "migration", m->name));
  return true;
}

static const db_stmt FUNCTIONS_DIGEST = {"migrate_functions_digest",
                                         "SELECT 1 FROM schema_functions WHERE digest = $1"};
static const db_stmt FUNCTIONS_RECORD = {
    "migrate_functions_record",
    "WITH gone AS (DELETE FROM schema_functions) INSERT INTO schema_functions (digest) VALUES ($1)"};

/* Every function of service/sql/functions, in one transaction, when they differ from those last applied
 * (a digest of them all): the live definitions are the files'. Bodies are checked when called rather than
 * created (as pg_dump does), so the files' order is free. */
static bool apply_functions(db_conn *c, cad_error *err) {
  char *all = NULL, digest[65];
  size_t all_len = 0;
  FILE *m = open_memstream(&all, &all_len);
  for (int i = 0; i < SQL_FUNCTION_COUNT; i++)
    fprintf(m, "%s%c%s%c", SQL_FUNCTIONS[i].name, 0, SQL_FUNCTIONS[i].sql, 0);
  fclose(m);
  crypto_sha256_hex(all, all_len, digest);
  free(all);
  const char *p[] = {digest};
  bool current;
  if (!db_exists(c, &FUNCTIONS_DIGEST, 1, p, &current, err))
    return false;
  if (current)
    return true;
  bool ok = db_exec_simple(c, "BEGIN", err) && db_exec_simple(c, "SET LOCAL check_function_bodies = off", err);
  int i = 0;
  for (; ok && i < SQL_FUNCTION_COUNT; i++)
    ok = db_exec_simple(c, SQL_FUNCTIONS[i].sql, err);
  ok = ok && db_run(c, &FUNCTIONS_RECORD, 1, p, err);
  cad_error ignored;
  if (!ok) {
    log_json("error", "functions failed",
             json_pack("{s:s,s:s}", "function", i ? SQL_FUNCTIONS[i - 1].name : "", "sqlstate", db_sqlstate(c)));
    explain_denial(c, err);
    db_exec_simple(c, "ROLLBACK", &ignored);
    return false;
  }
  if (!db_exec_simple(c, "COMMIT", err))
    return false;
  log_json("info", "functions applied", json_pack("{s:i,s:s}", "functions", SQL_FUNCTION_COUNT, "digest", digest));
  return true;
}

bool migrate_apply(db_conn *c, const char *serving_role, cad_error *err) {
  if (!db_exec_simple(c, "SELECT pg_advisory_lock(" MIGRATION_LOCK_ID ")", err))
    return false;
  db_result *r = db_exec(c, &CREATE_TABLE, 0, NULL, err);
  bool ok = r != NULL;
  db_free(r);
  if (!ok)
    explain_denial(c, err);
  for (int i = 0; ok && i < MIGRATION_COUNT; i++)
    ok = apply_one(c, &MIGRATIONS[i], err);
  if (ok)
    ok = apply_functions(c, err);
  /* Under the lock too: concurrent GRANTs on one object fail ("tuple concurrently updated"). */
  const char *p[] = {serving_role};
  if (ok && serving_role)
    ok = db_run(c, &GRANT, 1, p, err);
  cad_error ignored;
  db_exec_simple(c, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_ID ")", &ignored);
  return ok;
}

bool migrate_role(db_conn *c, char role[64], bool *can_change_schema, cad_error *err) {
  db_result *r = db_exec(c, &ROLE, 0, NULL, err);
  if (!r)
    return false;
  snprintf(role, 64, "%s", db_text(r, 0, 0));
  *can_change_schema = strcmp(db_text(r, 0, 1), "t") == 0;
  db_free(r);
  return true;
}

bool migrate_current(db_conn *c, cad_error *err) {
  /* Builds the text[] literal {"a","b"}; migration names are plain identifiers. */
  char names[4096] = "{";
  for (int i = 0; i < MIGRATION_COUNT; i++) {
    size_t n = strlen(names);
    snprintf(names + n, sizeof names - n, "%s\"%s\"", i ? "," : "", MIGRATIONS[i].name);
  }
  strncat(names, "}", sizeof names - strlen(names) - 1);
  const char *params[] = {names};
  db_result *r = db_exec(c, &COUNT_APPLIED, 1, params, err);
  if (!r)
    return false;
  bool current = atoi(db_text(r, 0, 0)) == MIGRATION_COUNT;
  db_free(r);
  if (!current)
    cad_fail(err, "migrations_pending", NULL, "database schema is not current");
  return current;
}
