/* migrate.h: applies the numbered SQL migrations compiled into the binary,
 * in order, once, under an advisory lock so concurrent starts are safe. */
#ifndef CADENCE_MIGRATE_H
#define CADENCE_MIGRATE_H

#include <stdbool.h>

#include "db.h"

typedef struct migration_file {
  const char *name; /* file name without .sql, e.g. "0001_foundation" */
  const char *sql;
} migration_file;

extern const migration_file MIGRATIONS[];
extern const int MIGRATION_COUNT;
/* service/sql/functions: one function or trigger function a file, re-applied at every start. */
extern const migration_file SQL_FUNCTIONS[];
extern const int SQL_FUNCTION_COUNT;

/* Applies every pending migration, then every function and, with serving_role (conn being the schema's owner), grants that
 * role what it needs: rows and sequences. False with err on the first failure. */
bool migrate_apply(db_conn *conn, const char *serving_role, cad_error *err);

/* The role conn logs in as, and whether it could change the schema (a superuser, or the tables' owner). */
bool migrate_role(db_conn *conn, char role[64], bool *can_change_schema, cad_error *err);

/* True when every compiled-in migration is recorded as applied (for /readyz). */
bool migrate_current(db_conn *conn, cad_error *err);

#endif
