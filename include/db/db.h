/* db.h: a bounded pool of libpq connections, prepared statements, results
 * read by row and column (by position or by name), a transaction runner, and
 * COPY. With listen.h, the only face of libpq: nothing else includes it. */
#ifndef CADENCE_DB_H
#define CADENCE_DB_H

#include <jansson.h>
#include <stdbool.h>

#include "error.h"

typedef struct db_pool db_pool;
typedef struct db_conn db_conn;
/* A statement's result rows (libpq's db_result, by its struct tag). */
typedef struct pg_result db_result;

/* A statement is declared once (static) and prepared lazily on each connection. */
typedef struct db_stmt {
  const char *name; /* unique statement name */
  const char *sql;  /* parameterised SQL ($1, $2, ...) */
} db_stmt;

/* Point-in-time pool figures for /metrics. */
typedef struct db_stats {
  int size, in_use;
  unsigned long acquired, timeouts, reconnects;
} db_stats;

/* Opens size connections lazily against url; acquire waits at most timeout_ms. */
db_pool *db_pool_create(const char *url, int size, int acquire_timeout_ms, int statement_timeout_ms);
/* Names the pool's connections (application_name; "cadence" unless named), before their first use. */
void db_pool_name(db_pool *pool, const char *application_name);
void db_pool_destroy(db_pool *pool);
void db_pool_stats(db_pool *pool, db_stats *out);

/* Borrows a healthy connection (reconnecting a lost one); NULL with a 503 error when none. */
db_conn *db_acquire(db_pool *pool, cad_error *err);
void db_release(db_pool *pool, db_conn *conn);

/* Runs stmt with text params (NULL = SQL NULL). Returns the result or NULL with err set:
 * 503 when the database is unreachable, 500 otherwise (see db_sqlstate for the cause). */
db_result *db_exec(db_conn *conn, const db_stmt *stmt, int nparams, const char *const *params,
                  cad_error *err);

/* Runs a plain SQL string with no parameters (migrations, BEGIN/COMMIT). */
bool db_exec_simple(db_conn *conn, const char *sql, cad_error *err);

/* SQLSTATE and constraint name of the last failed statement on conn ("" when none). */
const char *db_sqlstate(const db_conn *conn);
const char *db_constraint(const db_conn *conn);

/* Runs fn inside BEGIN/COMMIT, retrying on serialization failure or deadlock.
 * fn may therefore run more than once: it starts with db_tx_reset on its outputs.
 * Called inside a transaction, fn joins it: the outermost db_tx commits and retries. */
typedef bool (*db_tx_fn)(db_conn *conn, void *ctx, cad_error *err);
bool db_tx(db_conn *conn, db_tx_fn fn, void *ctx, cad_error *err);

/* Value of row/col as a string, or NULL when SQL NULL. */
const char *db_value(const db_result *res, int row, int col);

/* Parses row/col (json or jsonb text) into a new jansson value; NULL when SQL NULL. */
json_t *db_json(const db_result *res, int row, int col);

/* Releases what an earlier attempt of a retried transaction left in *out (NULL-initialised by the caller). */
void db_tx_reset(json_t **out);

/* Runs stmt for its effect only: true when it succeeded (the result is discarded). */
bool db_run(db_conn *conn, const db_stmt *stmt, int nparams, const char *const *params, cad_error *err);

/* Runs stmt and sets *found when it returns a row. */
bool db_exists(db_conn *conn, const db_stmt *stmt, int nparams, const char *const *params, bool *found,
               cad_error *err);

/* Takes a result of at most one row of JSON in column 0: *out gets it, or 404 naming what.
 * Accepts NULL (a failed statement: err is already set) and clears r. */
bool db_one_json(db_result *res, const char *what, json_t **out, cad_error *err);

/* A PostgreSQL array literal built element by element ("{a,NULL,\"b c\"}"), for array parameters. */
typedef struct db_array {
  char *text;
  size_t len, cap;
} db_array;
/* Appends v (NULL for SQL NULL). */
void db_array_add(db_array *a, const char *v);
/* Takes the array back to a length it had (its len then): the elements added since are gone. */
void db_array_truncate(db_array *a, size_t len);
/* The literal, "{}" when empty; owned by a until db_array_free. */
const char *db_array_text(db_array *a);
void db_array_free(db_array *a);

/* Rows of a result; the text of row/col ("" when SQL NULL), whether it is NULL; the position of a
 * column by name (-1 when the result has none); frees a result (NULL is fine). */
int db_rows(const db_result *res);
const char *db_text(const db_result *res, int row, int col);
bool db_null(const db_result *res, int row, int col);
int db_col(const db_result *res, const char *name);
void db_free(db_result *res);

/* The text of row's column named name, NULL when SQL NULL; aborts on a name the statement does not
 * return (a programming error, caught by any test that runs the statement). */
const char *db_named(const db_result *res, int row, const char *name);

/* COPY ... FROM STDIN on conn: begin (false with a 503 when the server does not take it), put rows in
 * COPY text format, end (abandoned with reason, or committed when reason is NULL; true when stored). */
bool db_copy_begin(db_conn *conn, const char *sql, cad_error *err);
bool db_copy_put(db_conn *conn, const char *data, size_t len);
bool db_copy_end(db_conn *conn, const char *reason);

#endif
