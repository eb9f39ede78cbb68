/* imports.c: CSV treatment imports: the streamed upload, and the job that
 * applies the rows. A row is one treatment item; see README "CSV imports". */
#include "imports.h"
#include "imports_sql.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "charset.h"
#include "crypto.h"
#include "csv.h"
#include "job.h"
#include "log.h"
#include "mem.h"
#include "pms.h"
#include "pms_vendors.h"
#include "validate.h"

enum { COPY_FLUSH = 256 * 1024, BATCH_ROWS = 100, LEASE_S = 60, MAX_KEPT_REFUSALS = 1000 };

/* Columns, by their header names (case and spaces aside). */
enum {
  COL_CLIENT_ID, COL_PERFORMED_AT, COL_TREATMENT, COL_SYSTEM, COL_FIRST_NAME, COL_LAST_NAME, COL_PHONE, COL_EMAIL,
  COL_SMS_CONSENT, COL_EMAIL_CONSENT, COL_VISIT_ID, COL_INJECTOR, COL_UNITS, COL_VOLUME_ML, COL_PRICE, COL_PRODUCT,
  COL_LOT_NUMBER, COL_NOTES, NCOLS
};
static const char *const COLUMNS[NCOLS] = {
    "client_id", "performed_at", "treatment", "system", "first_name", "last_name", "phone", "email", "sms_consent",
    "email_consent", "visit_id", "injector", "units", "volume_ml", "price", "product", "lot_number", "notes"};
enum { REQUIRED_COLS = 3 }; /* the first three */

/* ------------------------------------------------------------------ upload */

struct import_upload {
  db_conn *c;
  char practice_id[37], id[37];
  charset cs;              /* the upload's, from Content-Type: records become UTF-8 as they arrive */
  char names[CSV_MAX_FIELDS][64]; /* the header's column names, to name a column with bad bytes */
  int ncols;
  csv_reader reader;
  int col[NCOLS];          /* header position of each known column, -1 when absent */
  char *header_literal;    /* the header as a text[] literal */
  bool have_header, copying;
  int rows;
  char *buf;               /* COPY data not yet sent */
  size_t len, cap;
  cad_error *err;          /* where record callbacks report */
};

/* Header names compare without case; spaces and dashes are underscores, other signs are dropped
 * ("Client ID" = client_id). */
static void column_key(const char *in, char *out, size_t n) {
  size_t k = 0;
  for (; *in && k + 1 < n; in++)
    if (*in == ' ' || *in == '-' || *in == '_')
      out[k++] = '_';
    else if (isalnum((unsigned char)*in))
      out[k++] = (char)tolower((unsigned char)*in);
  out[k] = 0;
}

static bool read_header(import_upload *u, const char *record, size_t len) {
  char *copy = strndup(record, len), *f[CSV_MAX_FIELDS];
  int n = csv_fields(copy, len, f, CSV_MAX_FIELDS);
  for (int k = 0; k < NCOLS; k++)
    u->col[k] = -1;
  size_t lit_len = len * 2 + 8;
  u->header_literal = malloc(lit_len);
  strcpy(u->header_literal, "{");
  for (int i = 0; i < n; i++) {
    char key[64];
    column_key(f[i], key, sizeof key);
    snprintf(u->names[i], sizeof u->names[i], "%s", key);
    u->ncols = i + 1;
    for (int k = 0; k < NCOLS; k++)
      if (strcmp(key, COLUMNS[k]) == 0 && u->col[k] < 0)
        u->col[k] = i;
    size_t at = strlen(u->header_literal);
    snprintf(u->header_literal + at, lit_len - at, "%s\"%s\"", i ? "," : "", key); /* key: [a-z0-9_] only */
  }
  strcat(u->header_literal, "}");
  free(copy);
  if (n < 0)
    return cad_fail(u->err, "invalid_value", "header", "the header line is not valid CSV");
  for (int k = 0; k < REQUIRED_COLS; k++)
    if (u->col[k] < 0)
      return cad_fail(u->err, "invalid_value", COLUMNS[k],
                      "the header has no '%s' column (required: client_id, performed_at, treatment)", COLUMNS[k]);
  return true;
}

/* Appends v to the COPY buffer in text format (escaped). */
static void copy_text(import_upload *u, const char *v, size_t len) {
  for (size_t i = 0; i < len; i++) {
    char ch = v[i];
    const char *esc = ch == '\\' ? "\\\\" : ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch == '\t' ? "\\t" : NULL;
    if (esc) {
      memcpy(u->buf + u->len, esc, 2);
      u->len += 2;
    } else {
      u->buf[u->len++] = ch;
    }
  }
}

/* Appends one COPY text-format line "import_id \t line \t record \t problem_column \t problem \n". */
static void copy_line(import_upload *u, const char *record, size_t len, int line, const char *column,
                      const char *problem) {
  size_t need = u->len + 2 * len + 2 * (column ? strlen(column) : 0) + 2 * (problem ? strlen(problem) : 0) + 64;
  if (need > u->cap) {
    u->cap = need * 2;
    u->buf = xrealloc(u->buf, u->cap);
  }
  u->len += (size_t)snprintf(u->buf + u->len, u->cap - u->len, "%s\t%d\t", u->id, line);
  copy_text(u, record, len);
  u->buf[u->len++] = '\t';
  if (column)
    copy_text(u, column, strlen(column));
  else
    u->len += (size_t)snprintf(u->buf + u->len, u->cap - u->len, "\\N");
  u->buf[u->len++] = '\t';
  if (problem)
    copy_text(u, problem, strlen(problem));
  else
    u->len += (size_t)snprintf(u->buf + u->len, u->cap - u->len, "\\N");
  u->buf[u->len++] = '\n';
}

/* The column of a record that holds its first bytes that are not text; "" when it cannot be told. */
static const char *bad_column(const import_upload *u, const char *record, size_t len) {
  /* A NUL would end its field early, so it becomes \x01, which is not text either. */
  char *copy = xrealloc(NULL, len + 1), *f[CSV_MAX_FIELDS];
  memcpy(copy, record, len);
  copy[len] = 0;
  for (size_t i = 0; i < len; i++)
    if (!copy[i])
      copy[i] = '\x01';
  int n = csv_fields(copy, len, f, CSV_MAX_FIELDS);
  const char *name = "";
  for (int i = 0; i < n && i < u->ncols && !*name; i++)
    if (!valid_utf8(f[i], strlen(f[i])))
      name = u->names[i];
  free(copy);
  return name;
}

static bool flush_copy(import_upload *u, bool force) {
  if (!u->len || (!force && u->len < COPY_FLUSH))
    return true;
  if (!db_copy_put(u->c, u->buf, u->len))
    return cad_fail(u->err, "database_unavailable", NULL, "the database stopped taking the upload");
  u->len = 0;
  return true;
}

/* Each record becomes UTF-8 text as it arrives. A record with bytes that are not text in the upload's
 * charset (or a NUL) is stored cleaned, with the column it concerns, and refused when its turn comes. */
static bool on_record(void *ctx, const char *record, size_t len, int line) {
  import_upload *u = ctx;
  size_t n;
  char *text = charset_to_utf8(u->cs, record, len, &n);
  bool ok;
  if (!u->have_header) {
    u->have_header = true;
    ok = valid_utf8(text, n) ? read_header(u, text, n)
                             : cad_fail(u->err, "invalid_value", "header",
                                        "the header line holds bytes that are not text in the declared charset "
                                        "(UTF-8 unless Content-Type says charset=windows-1252 or iso-8859-1)");
  } else if (valid_utf8(text, n)) {
    copy_line(u, text, n, line, NULL, NULL);
    u->rows++;
    ok = flush_copy(u, false);
  } else {
    char column[64];
    snprintf(column, sizeof column, "%s", bad_column(u, text, n));
    charset_clean_utf8(text, n);
    copy_line(u, text, n, line, *column ? column : NULL,
              "the line holds bytes that are not text (a NUL, a control character, or not UTF-8 when Content-Type declares no other charset)");
    u->rows++;
    ok = flush_copy(u, false);
  }
  free(text);
  return ok;
}

import_upload *imports_upload_begin(db_conn *c, const char *practice_id, charset cs, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &IMP_CREATE, 1, p, err);
  if (!r)
    return NULL;
  import_upload *u = calloc(1, sizeof *u);
  u->c = c;
  u->cs = cs;
  snprintf(u->practice_id, sizeof u->practice_id, "%s", practice_id);
  snprintf(u->id, sizeof u->id, "%s", db_text(r, 0, 0));
  db_free(r);
  csv_init(&u->reader, on_record, u);
  u->copying = db_copy_begin(c, "COPY import_rows (import_id, line, record, problem_column, problem) FROM STDIN", err);
  if (!u->copying) {
    imports_upload_abort(u);
    return NULL;
  }
  return u;
}

bool imports_upload_feed(import_upload *u, const char *data, size_t len, cad_error *err) {
  u->err = err;
  return csv_feed(&u->reader, data, len);
}

/* Ends the COPY: commits the rows (ok) or discards them. */
static bool end_copy(import_upload *u, bool ok) {
  if (!u->copying)
    return ok;
  u->copying = false;
  return db_copy_end(u->c, ok ? NULL : "upload abandoned") && ok;
}

static void free_upload(import_upload *u) {
  free(u->reader.rec); /* not csv_finish: a partial record must not reach a COPY that has ended */
  free(u->header_literal);
  free(u->buf);
  free(u);
}

void imports_upload_abort(import_upload *u) {
  end_copy(u, false);
  cad_error ignored;
  const char *p[] = {u->practice_id, u->id};
  db_free(db_exec(u->c, &IMP_DISCARD, 2, p, &ignored));
  free_upload(u);
}

bool imports_upload_finish(import_upload *u, json_t **out, cad_error *err) {
  u->err = err;
  if (!csv_finish(&u->reader) || !flush_copy(u, true)) {
    imports_upload_abort(u);
    return false;
  }
  if (!u->have_header) {
    imports_upload_abort(u);
    return cad_fail(err, "invalid_value", "header", "the CSV is empty: a header line is required");
  }
  if (!end_copy(u, true)) {
    imports_upload_abort(u);
    return cad_fail(err, "database_unavailable", NULL, "the database did not store the upload");
  }
  char rows[12];
  snprintf(rows, sizeof rows, "%d", u->rows);
  const char *p[] = {u->practice_id, u->id, rows, u->header_literal};
  bool ok = db_one_json(db_exec(u->c, &IMP_QUEUE, 4, p, err), "import", out, err);
  free_upload(u);
  if (ok)
    imports_wake();
  return ok;
}

bool imports_get(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "import");
  const char *p[] = {practice_id, id};
  return db_one_json(db_exec(c, &IMP_GET, 2, p, err), "import", out, err);
}

bool imports_cancel(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "import");
  const char *p[] = {practice_id, id};
  db_result *r = db_exec(c, &IMP_CANCEL, 2, p, err);
  if (!r)
    return false;
  bool cancelled = !db_null(r, 0, 0), exists = !db_null(r, 0, 1);
  if (cancelled)
    *out = db_json(r, 0, 0);
  db_free(r);
  if (!exists)
    return FAIL_NOT_FOUND(err, "import");
  return cancelled || cad_fail(err, "conflict", "state", "the import has already ended");
}

/* ------------------------------------------------------------- processing */

typedef struct batch {
  db_conn *c;
  const tz_set *zones;
  const char *practice_id, *import_id;
  int col[NCOLS];
  int processed, created, duplicates, refused, kept; /* kept: refusals stored so far */
} batch;

static bool refuse(batch *b, int line, const char *field, const char *reason, cad_error *err) {
  b->refused++;
  if (b->kept >= MAX_KEPT_REFUSALS)
    return true; /* counted, not stored */
  b->kept++;
  char ln[12];
  snprintf(ln, sizeof ln, "%d", line);
  const char *p[] = {b->import_id, ln, field, reason};
  return db_run(b->c, &IMP_REFUSE, 4, p, err);
}

/* The header-to-column map from the stored header ("{client_id,...}"). */
static void columns_of(const char *header, int col[NCOLS]) {
  for (int k = 0; k < NCOLS; k++)
    col[k] = -1;
  int i = 0;
  for (const char *p = header + 1; *p && *p != '}'; i++) {
    char name[64];
    size_t n = 0;
    if (*p == '"')
      p++;
    while (*p && *p != ',' && *p != '}' && *p != '"' && n + 1 < sizeof name)
      name[n++] = *p++;
    name[n] = 0;
    while (*p == '"')
      p++;
    if (*p == ',')
      p++;
    for (int k = 0; k < NCOLS; k++)
      if (strcmp(name, COLUMNS[k]) == 0 && col[k] < 0)
        col[k] = i;
  }
}

/* "yes", "true", "1", "y" / "no", "false", "0", "n"; -1 otherwise. */
static int yes_no(const char *v) {
  char k[8];
  column_key(v, k, sizeof k);
  if (!strcmp(k, "yes") || !strcmp(k, "true") || !strcmp(k, "1") || !strcmp(k, "y"))
    return 1;
  if (!strcmp(k, "no") || !strcmp(k, "false") || !strcmp(k, "0") || !strcmp(k, "n"))
    return 0;
  return -1;
}

/* performed_at as Cadence reads it: RFC 3339 kept; "YYYY-MM-DD[ HH:MM[:SS]]" and US "MM/DD/YYYY[ HH:MM]"
 * become a local time (noon when only a date) for the practice's zone. false when neither. */
static bool visit_time(const char *v, char out[40]) {
  int y, mo, d, h = 12, mi = 0, s = 0, used = 0;
  if (valid_timestamp(v)) {
    snprintf(out, 40, "%s", v);
    return true;
  }
  if (sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 && sscanf(v, "%2d/%2d/%4d%n", &mo, &d, &y, &used) != 3)
    return false;
  const char *rest = v + used;
  if (*rest && sscanf(rest, "%*[ T]%2d:%2d:%2d", &h, &mi, &s) < 2)
    return false;
  snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
  char day[11];
  snprintf(day, sizeof day, "%04d-%02d-%02d", y, mo, d);
  return valid_date(day) && h < 24 && mi < 60 && s < 60;
}

/* A positive number (units, ml) or a price in dollars ("$1,250.50"), at most 10 million; false when not
 * one (the cap also keeps the conversion to cents defined). */
static bool number(const char *v, bool money, double *out) {
  char clean[40];
  size_t n = 0;
  for (; *v && n + 1 < sizeof clean; v++)
    if (!(money && (*v == '$' || *v == ',')))
      clean[n++] = *v;
  clean[n] = 0;
  char *end;
  *out = strtod(clean, &end);
  return n && !*end && *out >= 0 && *out <= 1e7 && (money || *out > 0);
}

/* Where a Cadence field comes from in the CSV. */
static const char *csv_column(const char *field) {
  static const char *const map[][2] = {{"items[0].type", "treatment"}, {"items[0].units", "units"},
                                       {"items[0].volume_ml", "volume_ml"}, {"items[0].price_cents", "price"},
                                       {"items[0].lot_number", "lot_number"}, {"items[0].product", "product"},
                                       {"client.external_id", "client_id"}, {"client.first_name", "first_name"},
                                       {"client.last_name", "last_name"}, {"client.email", "email"},
                                       {"client.phone", "phone"}, {"external_id", "visit_id"}, {"notes", "notes"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(field, map[i][0]) == 0)
      return map[i][1];
  return field;
}

/* The row as a visit in Cadence's form; false with the refused column and reason. */
static bool row_visit(batch *b, char **f, int nf, json_t **visit, const char **column, char *why,
                      size_t why_len) {
  const char *v[NCOLS];
  for (int k = 0; k < NCOLS; k++)
    v[k] = b->col[k] >= 0 && b->col[k] < nf ? f[b->col[k]] : "";
  for (int k = 0; k < REQUIRED_COLS; k++)
    if (!*v[k]) {
      *column = COLUMNS[k];
      snprintf(why, why_len, "'%s' is empty", COLUMNS[k]);
      return false;
    }
  char when[40];
  if (!visit_time(v[COL_PERFORMED_AT], when)) {
    *column = "performed_at";
    snprintf(why, why_len, "'performed_at' must be a date (YYYY-MM-DD or MM/DD/YYYY, optionally with HH:MM) or "
                           "an RFC 3339 time");
    return false;
  }
  json_t *client = json_pack("{s:{s:s,s:s}}", "external_id", "system", *v[COL_SYSTEM] ? v[COL_SYSTEM] : "import",
                             "id", v[COL_CLIENT_ID]);
  json_object_set_new(client, "first_name", json_string(*v[COL_FIRST_NAME] ? v[COL_FIRST_NAME] : "Client"));
  if (*v[COL_LAST_NAME])
    json_object_set_new(client, "last_name", json_string(v[COL_LAST_NAME]));
  char phone[20];
  pms_normalise_phone(v[COL_PHONE], phone);
  if (*phone)
    json_object_set_new(client, "phone", json_string(phone));
  if (*v[COL_EMAIL])
    json_object_set_new(client, "email", json_string(v[COL_EMAIL]));
  int sms = yes_no(v[COL_SMS_CONSENT]), email = yes_no(v[COL_EMAIL_CONSENT]);
  if (sms >= 0 || email >= 0) {
    json_t *consents = json_object();
    if (sms >= 0)
      json_object_set_new(consents, "sms", json_boolean(sms));
    if (email >= 0)
      json_object_set_new(consents, "email", json_boolean(email));
    json_object_set_new(client, "consents", consents);
  }
  json_t *item = json_pack("{s:s}", "type", v[COL_TREATMENT]);
  double x;
  static const int numeric[] = {COL_UNITS, COL_VOLUME_ML, COL_PRICE};
  for (size_t i = 0; i < 3; i++) {
    int k = numeric[i];
    if (!*v[k])
      continue;
    if (!number(v[k], k == COL_PRICE, &x)) {
      json_decref(item);
      json_decref(client);
      *column = COLUMNS[k];
      snprintf(why, why_len, "'%s' must be a %s number", COLUMNS[k], k == COL_PRICE ? "non-negative" : "positive");
      return false;
    }
    if (k == COL_PRICE)
      json_object_set_new(item, "price_cents", json_integer((json_int_t)(x * 100 + 0.5)));
    else
      json_object_set_new(item, COLUMNS[k], json_real(x));
  }
  if (*v[COL_PRODUCT])
    json_object_set_new(item, "product", json_string(v[COL_PRODUCT]));
  if (*v[COL_LOT_NUMBER])
    json_object_set_new(item, "lot_number", json_string(v[COL_LOT_NUMBER]));
  /* A re-import of the same export (a relay retrying, a clinic uploading twice) finds its rows again:
   * by visit id, or without one by what the row says was done, to whom and when. */
  char ext[160];
  if (*v[COL_VISIT_ID]) {
    snprintf(ext, sizeof ext, "%.80s:%.60s", v[COL_VISIT_ID], v[COL_TREATMENT]);
  } else {
    char *what = NULL, hex[65];
    size_t what_len = 0;
    FILE *m = open_memstream(&what, &what_len);
    fprintf(m, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", v[COL_SYSTEM], v[COL_CLIENT_ID], when, v[COL_TREATMENT],
            v[COL_UNITS], v[COL_VOLUME_ML], v[COL_PRICE]);
    fclose(m);
    crypto_sha256_hex(what, what_len, hex);
    free(what);
    snprintf(ext, sizeof ext, "row:%.32s", hex);
  }
  *visit = json_pack("{s:o,s:s,s:s,s:[o]}", "client", client, "performed_at", when, "external_id", ext, "items", item);
  if (*v[COL_INJECTOR])
    json_object_set_new(*visit, "injector_name", json_string(v[COL_INJECTOR]));
  if (*v[COL_NOTES])
    json_object_set_new(*visit, "notes", json_string(v[COL_NOTES]));
  return true;
}

/* Applies one row; false only when the database failed (the batch stops and resumes later). */
static bool apply_row(batch *b, int line, const char *record, const char *problem_column, const char *problem,
                      cad_error *err) {
  b->processed++;
  size_t len = strlen(record);
  if (problem)
    return refuse(b, line, problem_column, problem, err);
  if (!len)
    return refuse(b, line, NULL, "the line is longer than 64 KiB", err);
  char *buf = strndup(record, len), *f[CSV_MAX_FIELDS], why[300];
  int nf = csv_fields(buf, len, f, CSV_MAX_FIELDS);
  json_t *visit = NULL, *outcome = NULL;
  const char *column = NULL;
  bool ok;
  if (nf < 0) {
    ok = refuse(b, line, NULL, "not valid CSV (unbalanced quotes or too many fields)", err);
  } else if (!row_visit(b, f, nf, &visit, &column, why, sizeof why)) {
    ok = refuse(b, line, column, why, err);
  } else {
    char event[60];
    snprintf(event, sizeof event, "import:%s", b->import_id);
    cad_error row_err;
    if (pms_apply_visit(b->c, b->zones, b->practice_id, "csv", event, visit, &outcome, &row_err)) {
      const char *o = json_string_value(json_object_get(outcome, "outcome"));
      if (strcmp(o, "no_mapped_items") == 0) {
        snprintf(why, sizeof why, "'%s' is not mapped to a treatment type (listed in GET /v1/integrations/unmapped)",
                 json_string_value(json_array_get(json_object_get(outcome, "unmapped"), 0)));
        ok = refuse(b, line, "treatment", why, err);
      } else {
        b->created += strcmp(o, "created") == 0;
        b->duplicates += strcmp(o, "unchanged") == 0;
        ok = true;
      }
    } else if (row_err.status >= 500) {
      *err = row_err;
      b->processed--;
      ok = false;
    } else {
      ok = refuse(b, line, row_err.field[0] ? csv_column(row_err.field) : NULL, row_err.message, err);
    }
  }
  json_decref(visit);
  json_decref(outcome);
  free(buf);
  return ok;
}

/* Claims an import and applies it a batch at a time until it ends, is cancelled, or stop is set.
 * Returns false when there was nothing to do. */
static bool process_one(db_conn *c, const tz_set *zones, const atomic_int *stop) {
  cad_error err;
  char lease[12];
  snprintf(lease, sizeof lease, "%d", LEASE_S);
  const char *cp[] = {lease};
  db_result *claim = db_exec(c, &IMP_CLAIM, 1, cp, &err);
  if (!claim || db_rows(claim) == 0) {
    db_free(claim);
    return false;
  }
  char practice[37], id[37], last[12];
  snprintf(practice, sizeof practice, "%s", db_text(claim, 0, 0));
  snprintf(id, sizeof id, "%s", db_text(claim, 0, 1));
  snprintf(last, sizeof last, "%s", db_text(claim, 0, 3));
  batch b = {.c = c, .zones = zones, .practice_id = practice, .import_id = id, .kept = atoi(db_text(claim, 0, 4))};
  columns_of(db_text(claim, 0, 2), b.col);
  db_free(claim);
  log_json("info", "import started", json_pack("{s:s,s:s}", "practice_id", practice, "import_id", id));
  char limit[12];
  snprintf(limit, sizeof limit, "%d", BATCH_ROWS);
  for (;;) {
    const char *rp[] = {id, last, limit};
    db_result *rows = db_exec(c, &IMP_ROWS, 3, rp, &err);
    if (!rows)
      return true; /* the lease lets this or another process resume */
    int n = db_rows(rows);
    if (n == 0) {
      db_free(rows);
      const char *dp[] = {practice, id};
      db_free(db_exec(c, &IMP_DONE, 2, dp, &err));
      log_json("info", "import done", json_pack("{s:s,s:s}", "practice_id", practice, "import_id", id));
      return true;
    }
    b.processed = b.created = b.duplicates = b.refused = 0;
    bool ok = true;
    int i = 0;
    for (; ok && i < n && !atomic_load(stop); i++) {
      ok = apply_row(&b, atoi(db_text(rows, i, 0)), db_text(rows, i, 1),
                     db_null(rows, i, 2) ? NULL : db_text(rows, i, 2),
                     db_null(rows, i, 3) ? NULL : db_text(rows, i, 3), &err);
      if (ok)
        snprintf(last, sizeof last, "%s", db_text(rows, i, 0));
    }
    db_free(rows);
    char counts[6][12];
    int values[] = {b.processed, atoi(last), b.created, b.duplicates, b.refused, LEASE_S};
    for (int k = 0; k < 6; k++)
      snprintf(counts[k], sizeof counts[k], "%d", values[k]);
    const char *pp[] = {practice, id, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]};
    db_result *r = db_exec(c, &IMP_PROGRESS, 8, pp, &err);
    bool running = r && db_rows(r) == 1 && strcmp(db_text(r, 0, 0), "running") == 0;
    db_free(r);
    if (!ok || !running || atomic_load(stop))
      return true;
  }
}

/* ------------------------------------------------------------------ job */

static struct {
  job *job;
  const tz_set *zones;
} importer;

/* One import at a time; idle, a look every second (another replica may have taken an upload). */
static bool import_tick(db_conn *c, void *ctx, const atomic_int *stop) {
  (void)ctx;
  return process_one(c, importer.zones, stop);
}

void imports_start(const char *database_url, const tz_set *zones) {
  importer.zones = zones;
  importer.job = job_start("imports", database_url, 60000, 1, import_tick, NULL);
}

void imports_wake(void) {
  job_wake(importer.job);
}

void imports_stop(void) {
  job_stop(importer.job);
  importer.job = NULL;
}
