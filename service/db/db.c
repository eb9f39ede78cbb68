/* db.c: the connection pool. A mutex and a condition variable guard the free
 * list; a broken connection is reset on its next acquire, so the process
 * survives a PostgreSQL restart without restarting itself. */
#include "db.h"

#include <libpq-fe.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mem.h"

enum { MAX_PREPARED = 256, TX_RETRIES = 3 };

struct db_conn {
  PGconn *pg;
  bool in_use;
  const db_stmt *prepared[MAX_PREPARED]; /* statements prepared on this session */
  int nprepared;
  char sqlstate[6];
  char constraint[64];
};

struct db_pool {
  pthread_mutex_t lock;
  pthread_cond_t freed;
  char *url;
  char options[128];
  char application_name[64]; /* who the connections are, in pg_stat_activity and the server's log */
  int size, in_use, acquire_timeout_ms;
  unsigned long acquired, timeouts, reconnects;
  db_conn *conns;
};

db_pool *db_pool_create(const char *url, int size, int acquire_timeout_ms, int statement_timeout_ms) {
  db_pool *p = calloc(1, sizeof *p);
  p->conns = calloc((size_t)size, sizeof *p->conns);
  p->url = strdup(url);
  p->size = size;
  p->acquire_timeout_ms = acquire_timeout_ms;
  snprintf(p->application_name, sizeof p->application_name, "cadence");
  /* UTC on the wire: every timestamp we render is RFC 3339 with +00:00. */
  snprintf(p->options, sizeof p->options, "-c TimeZone=UTC -c statement_timeout=%d", statement_timeout_ms);
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->freed, NULL);
  return p;
}

void db_pool_name(db_pool *p, const char *application_name) {
  snprintf(p->application_name, sizeof p->application_name, "%s", application_name);
}

void db_pool_destroy(db_pool *p) {
  if (!p)
    return;
  for (int i = 0; i < p->size; i++)
    if (p->conns[i].pg)
      PQfinish(p->conns[i].pg);
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->freed);
  free(p->conns);
  free(p->url);
  free(p);
}

void db_pool_stats(db_pool *p, db_stats *out) {
  pthread_mutex_lock(&p->lock);
  *out = (db_stats){p->size, p->in_use, p->acquired, p->timeouts, p->reconnects};
  pthread_mutex_unlock(&p->lock);
}

/* PostgreSQL's notices would go to stderr as plain text among the JSON log lines: warnings are logged as
 * JSON (SQLSTATE only: a message may quote a value), notices dropped. */
static void on_notice(void *unused, const PGresult *r) {
  (void)unused;
  const char *severity = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
  const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (severity && strcmp(severity, "WARNING") == 0)
    log_json("warn", "database warning", json_pack("{s:s}", "sqlstate", state ? state : ""));
}

static bool connect_conn(db_pool *p, db_conn *c) {
  if (c->pg)
    PQfinish(c->pg);
  /* dbname is expanded as a URL or conninfo; the later keywords override it. */
  const char *keys[] = {"dbname", "options", "connect_timeout", "application_name", NULL};
  const char *vals[] = {p->url, p->options, "3", p->application_name, NULL};
  c->pg = PQconnectdbParams(keys, vals, 1);
  c->nprepared = 0;
  if (PQstatus(c->pg) != CONNECTION_OK) {
    /* The message may contain the host but never credentials; log only the first line. */
    char first[200];
    snprintf(first, sizeof first, "%s", PQerrorMessage(c->pg));
    first[strcspn(first, "\n")] = 0;
    log_json("warn", "database connection failed", json_pack("{s:s}", "error", first));
    return false;
  }
  PQsetNoticeReceiver(c->pg, on_notice, NULL);
  return true;
}

db_conn *db_acquire(db_pool *p, cad_error *err) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += p->acquire_timeout_ms / 1000;
  deadline.tv_nsec += (long)(p->acquire_timeout_ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&p->lock);
  while (p->in_use == p->size) {
    if (pthread_cond_timedwait(&p->freed, &p->lock, &deadline) == ETIMEDOUT) {
      p->timeouts++;
      pthread_mutex_unlock(&p->lock);
      cad_fail(err, "busy", NULL, "all database connections are busy; retry shortly");
      return NULL;
    }
  }
  db_conn *c = NULL;
  for (int i = 0; i < p->size && !c; i++)
    if (!p->conns[i].in_use)
      c = &p->conns[i];
  c->in_use = true;
  p->in_use++;
  p->acquired++;
  pthread_mutex_unlock(&p->lock);

  /* Connecting happens outside the lock: it can take up to connect_timeout. */
  if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
    bool was_open = c->pg != NULL;
    if (!connect_conn(p, c)) {
      db_release(p, c);
      cad_fail(err, "database_unavailable", NULL, "the database is unreachable; retry shortly");
      return NULL;
    }
    if (was_open) {
      pthread_mutex_lock(&p->lock);
      p->reconnects++;
      pthread_mutex_unlock(&p->lock);
      log_json("info", "database connection re-established", NULL);
    }
  }
  c->sqlstate[0] = c->constraint[0] = 0;
  return c;
}

void db_release(db_pool *p, db_conn *c) {
  if (!c)
    return;
  /* A connection left inside a transaction (a bug or a lost reply) is rolled back before reuse. */
  if (c->pg && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
    PGresult *r = PQexec(c->pg, "ROLLBACK");
    PQclear(r);
  }
  pthread_mutex_lock(&p->lock);
  c->in_use = false;
  p->in_use--;
  pthread_cond_signal(&p->freed);
  pthread_mutex_unlock(&p->lock);
}

/* Records the failure on conn and maps it to a 503 (connection lost) or 500. */
static void record_failure(db_conn *c, const PGresult *res, const char *what, cad_error *err) {
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  const char *cons = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
  snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
  snprintf(c->constraint, sizeof c->constraint, "%s", cons ? cons : "");
  if (PQstatus(c->pg) != CONNECTION_OK || strncmp(c->sqlstate, "08", 2) == 0 || strncmp(c->sqlstate, "57P", 3) == 0) {
    cad_fail(err, "database_unavailable", NULL, "the database is unreachable; retry shortly");
    return;
  }
  if (strcmp(c->sqlstate, "57014") == 0 || strcmp(c->sqlstate, "55P03") == 0) {
    /* DB_STATEMENT_TIMEOUT_MS (or a lock wait) ran out: the database is busy, not the request wrong. */
    log_json("warn", "database statement timed out",
             json_pack("{s:s,s:s}", "statement", what, "sqlstate", c->sqlstate));
    cad_fail(err, "statement_timeout", NULL, "the database took too long to answer; retry shortly");
    err->retry_after_s = 5;
    return;
  }
  /* Constraint violations are the caller's to translate; log the rest as bugs. */
  if (strncmp(c->sqlstate, "23", 2) != 0 && strcmp(c->sqlstate, "40001") != 0 && strcmp(c->sqlstate, "40P01") != 0) {
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char first[200];
    snprintf(first, sizeof first, "%s", primary ? primary : "");
    log_json("error", "database statement failed",
             json_pack("{s:s,s:s,s:s}", "statement", what, "sqlstate", c->sqlstate, "error", first));
  }
  FAIL_INTERNAL(err, "internal database error");
}

static bool ensure_prepared(db_conn *c, const db_stmt *stmt, int nparams, cad_error *err) {
  for (int i = 0; i < c->nprepared; i++)
    if (c->prepared[i] == stmt)
      return true;
  PGresult *res = PQprepare(c->pg, stmt->name, stmt->sql, nparams, NULL);
  bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  if (!ok)
    record_failure(c, res, stmt->name, err);
  PQclear(res);
  if (ok && c->nprepared < MAX_PREPARED)
    c->prepared[c->nprepared++] = stmt;
  return ok;
}

PGresult *db_exec(db_conn *c, const db_stmt *stmt, int nparams, const char *const *params, cad_error *err) {
  if (!ensure_prepared(c, stmt, nparams, err))
    return NULL;
  PGresult *res = PQexecPrepared(c->pg, stmt->name, nparams, params, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus(res);
  if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
    return res;
  record_failure(c, res, stmt->name, err);
  PQclear(res);
  return NULL;
}

bool db_exec_simple(db_conn *c, const char *sql, cad_error *err) {
  PGresult *res = PQexec(c->pg, sql);
  ExecStatusType st = PQresultStatus(res);
  bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (!ok)
    record_failure(c, res, "simple", err);
  PQclear(res);
  return ok;
}

const char *db_sqlstate(const db_conn *c) { return c->sqlstate; }
const char *db_constraint(const db_conn *c) { return c->constraint; }
int db_rows(const db_result *res) { return res ? PQntuples(res) : 0; }
const char *db_text(const db_result *res, int row, int col) { return PQgetvalue(res, row, col); }
bool db_null(const db_result *res, int row, int col) { return PQgetisnull(res, row, col); }
int db_col(const db_result *res, const char *name) { return PQfnumber(res, name); }
void db_free(db_result *res) { PQclear(res); }

const char *db_named(const db_result *res, int row, const char *name) {
  int col = PQfnumber(res, name);
  if (col < 0) {
    log_json("fatal", "a statement's result has no such column", json_pack("{s:s}", "column", name));
    abort();
  }
  return db_value(res, row, col);
}

bool db_copy_begin(db_conn *c, const char *sql, cad_error *err) {
  PGresult *r = PQexec(c->pg, sql);
  bool ok = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  return ok || cad_fail(err, "database_unavailable", NULL, "the database did not take the upload");
}

bool db_copy_put(db_conn *c, const char *data, size_t len) { return PQputCopyData(c->pg, data, (int)len) == 1; }

bool db_copy_end(db_conn *c, const char *reason) {
  bool sent = PQputCopyEnd(c->pg, reason) == 1, stored = false;
  PGresult *r;
  while ((r = PQgetResult(c->pg))) {
    stored = stored || PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
  }
  return sent && stored;
}

const char *db_value(const PGresult *res, int row, int col) {
  return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static bool retryable(const db_conn *c) {
  return strcmp(c->sqlstate, "40001") == 0 || strcmp(c->sqlstate, "40P01") == 0;
}

bool db_tx(db_conn *c, db_tx_fn fn, void *ctx, cad_error *err) {
  PGTransactionStatusType now = PQtransactionStatus(c->pg);
  if (now == PQTRANS_INTRANS || now == PQTRANS_INERROR)
    return fn(c, ctx, err); /* inside the caller's transaction: it commits, and retries, the whole */
  for (int attempt = 0;; attempt++) {
    c->sqlstate[0] = 0;
    if (!db_exec_simple(c, "BEGIN", err))
      return false;
    if (fn(c, ctx, err) && db_exec_simple(c, "COMMIT", err))
      return true;
    if (PQstatus(c->pg) == CONNECTION_OK) {
      cad_error ignored;
      db_exec_simple(c, "ROLLBACK", &ignored);
    }
    if (!retryable(c) || attempt + 1 >= TX_RETRIES)
      return false;
  }
}

json_t *db_json(const PGresult *res, int row, int col) {
  if (PQgetisnull(res, row, col))
    return NULL;
  return json_loads(PQgetvalue(res, row, col), 0, NULL);
}

bool db_one_json(PGresult *res, const char *what, json_t **out, cad_error *err) {
  if (!res)
    return false;
  bool found = PQntuples(res) == 1;
  *out = found ? db_json(res, 0, 0) : NULL;
  PQclear(res);
  return found ? true : FAIL_NOT_FOUND(err, what);
}

bool db_run(db_conn *c, const db_stmt *st, int n, const char *const *p, cad_error *err) {
  PGresult *r = db_exec(c, st, n, p, err);
  PQclear(r);
  return r != NULL;
}

bool db_exists(db_conn *c, const db_stmt *stmt, int nparams, const char *const *params, bool *found, cad_error *err) {
  PGresult *r = db_exec(c, stmt, nparams, params, err);
  if (!r)
    return false;
  *found = PQntuples(r) > 0;
  PQclear(r);
  return true;
}

void db_tx_reset(json_t **out) {
  json_decref(*out);
  *out = NULL;
}

void db_array_add(db_array *a, const char *v) {
  size_t need = a->len + (v ? 2 * strlen(v) : 4) + 5;
  if (need > a->cap) {
    a->cap = need * 2;
    a->text = xrealloc(a->text, a->cap);
  }
  char *w = a->text + a->len;
  *w++ = a->len ? ',' : '{';
  if (!v) {
    w = stpcpy(w, "NULL");
  } else {
    *w++ = '"';
    for (; *v; v++) {
      if (*v == '"' || *v == '\\')
        *w++ = '\\';
      *w++ = *v;
    }
    *w++ = '"';
  }
  a->len = (size_t)(w - a->text);
  strcpy(w, "}");
}

void db_array_truncate(db_array *a, size_t len) {
  if (len < a->len) {
    a->len = len;
    if (len)
      strcpy(a->text + len, "}");
  }
}

const char *db_array_text(db_array *a) { return a->len ? a->text : "{}"; }

void db_array_free(db_array *a) {
  free(a->text);
  *a = (db_array){0};
}
