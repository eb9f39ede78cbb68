/* retention.c: see retention.h. The claim deletes the marks in the transaction that relinks them (a
 * failure puts them back), and the relink reads in a later snapshot than the claim: every write whose
 * mark was claimed is seen. A write still in flight has a mark the claim cannot see yet; it is the next
 * batch's. */
#include "retention.h"
#include "retention_sql.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct relink_ctx {
  const db_stmt *key, *claim, *lock;
  const char *claim_param;
  double *lags; /* each claimed client's wait, told once the relink has committed */
  int relinked;
} relink_ctx;

static bool relink_tx(db_conn *c, void *vctx, cad_error *err) {
  relink_ctx *x = vctx;
  free(x->lags);
  x->lags = NULL;
  x->relinked = 0;
  /* A wait on a visit row locked by a dispatcher batch gives way before a deadlock could be detected. */
  if (!db_exec_simple(c, "SET LOCAL lock_timeout = '500ms'", err) || !db_run(c, x->key, 0, NULL, err))
    return false;
  const char *cp[] = {x->claim_param};
  db_result *r = db_exec(c, x->claim, 1, cp, err);
  if (!r)
    return false;
  int n = db_rows(r);
  bool ok = true;
  if (n > 0) {
    db_array practices = {0}, clients = {0};
    for (int i = 0; i < n; i++) {
      db_array_add(&practices, db_text(r, i, 0));
      db_array_add(&clients, db_text(r, i, 1));
    }
    const char *p[] = {db_array_text(&practices), db_array_text(&clients)};
    ok = db_run(c, x->lock, 2, p, err) && db_run(c, &RET_RELINK, 2, p, err);
    db_array_free(&practices);
    db_array_free(&clients);
  }
  x->lags = n > 0 ? malloc((size_t)n * sizeof *x->lags) : NULL;
  for (int i = 0; i < n && x->lags; i++)
    x->lags[i] = strtod(db_text(r, i, 2), NULL);
  db_free(r);
  x->relinked = n;
  return ok;
}

int retention_relink_marked(db_conn *c, int limit, retention_lag_fn observe, void *ctx, cad_error *err) {
  char n[12];
  snprintf(n, sizeof n, "%d", limit);
  relink_ctx x = {&RET_JOB_KEY, &RET_CLAIM_DUE, &RET_LOCK_NOWAIT, n, NULL, 0};
  bool ok = db_tx(c, relink_tx, &x, err);
  for (int i = 0; ok && observe && x.lags && i < x.relinked; i++)
    observe(x.lags[i], ctx);
  free(x.lags);
  return ok ? x.relinked : -1;
}

bool retention_catch_up(db_conn *c, const char *practice_id, cad_error *err) {
  relink_ctx x = {&RET_READ_KEY, &RET_CLAIM_PRACTICE, &RET_LOCK, practice_id, NULL, 0};
  bool ok = db_tx(c, relink_tx, &x, err);
  free(x.lags);
  return ok;
}
