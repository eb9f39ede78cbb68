/* http.c: libmicrohttpd glue. Reads the body under a size limit, matches the
 * route, checks content type, authenticates, applies Idempotency-Key, runs the
 * handler, then adds request id and CORS headers, records metrics and writes
 * one access-log line (route pattern only: paths and queries may hold PHI). */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "crypto.h"
#include "idempotency.h"
#include "log.h"
#include "stream.h"
#include "validate.h"

#define NIL_UUID "00000000-0000-0000-0000-000000000000"
#define CORS_ALLOW_HEADERS "Authorization, Content-Type, Idempotency-Key, X-Request-Id"
#define CORS_EXPOSE_HEADERS "X-Request-Id, Idempotent-Replayed, Location"
#define CORS_MAX_AGE "600"
/* A body past the limit is read and dropped up to this many bytes, then answered 413: a client that
 * sends its whole body before reading (most do) gets the answer, where closing early would reset the
 * connection under it. A larger declared body, or one announced with Expect: 100-continue, is answered
 * from the head alone. */
#define DRAIN_MAX_BYTES (8u * 1024 * 1024)

/* Per-request state kept between libmicrohttpd's calls. */
typedef struct conn_state {
  http_req req;
  char *body;
  size_t len, cap;
  bool too_large, answered; /* answered: a 413 was queued before the body ended */
  struct timespec started;
  int route;
  route_match match;      /* made on the first call: the route decides how the body is read */
  bool prepared, go;      /* routed, authorised and checked; go: the handler may run */
  size_t streamed;        /* bytes handed to a stream function */
} conn_state;

static double seconds_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

db_conn *http_db(http_req *r, cad_error *err) {
  if (!r->db)
    r->db = db_acquire(r->app->pool, err);
  return r->db;
}

const char *http_query(http_req *r, const char *name) {
  return MHD_lookup_connection_value(r->mhd, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(http_req *r, const char *name) {
  return MHD_lookup_connection_value(r->mhd, MHD_HEADER_KIND, name);
}

static void set_reply(http_req *r, int status, char *body, const char *type) {
  http_stream_discard(r->stream_reply); /* a later reply (an error) replaces a stream */
  r->stream_reply = NULL;
  free(r->resp);
  r->retry_after_s = 0;
  r->status = status;
  r->resp = body;
  r->resp_type = type;
}

void http_reply_json(http_req *r, int status, json_t *body) {
  char *text = json_dumps(body, JSON_COMPACT);
  json_decref(body);
  set_reply(r, status, text, "application/json");
}

void http_reply_error(http_req *r, const cad_error *err) {
  json_t *details = json_object();
  if (err->field[0])
    json_object_set_new(details, "field", json_string(err->field));
  http_reply_json(r, err->status,
                  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", err->code ? err->code : "internal",
                            "message", err->message, "details", details));
  /* Told when to come back, a client (or a PMS relay) does not retry in a tight loop. */
  r->retry_after_s = err->retry_after_s > 0 ? err->retry_after_s : err->status == 503 || err->status == 429 ? 1 : 0;
}

void http_reply_empty(http_req *r, int status) { set_reply(r, status, NULL, NULL); }

void http_reply_text(http_req *r, int status, const char *content_type, const char *text) {
  set_reply(r, status, strdup(text), content_type);
}

static void reply_fail(http_req *r, const char *code, const char *field, const char *msg) {
  cad_error e;
  cad_fail(&e, code, field, "%s", msg);
  http_reply_error(r, &e);
}

static bool is_json_type(const char *ct) {
  if (!ct)
    return false;
  size_t n = strlen("application/json");
  return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

/* A client's X-Request-Id is kept when it is short and plain; otherwise we make one. */
static void choose_request_id(http_req *r) {
  const char *given = http_header(r, "X-Request-Id");
  size_t n = given ? strlen(given) : 0;
  bool ok = n > 0 && n <= 64;
  for (size_t i = 0; ok && i < n; i++)
    ok = (given[i] >= '0' && given[i] <= '9') || (given[i] >= 'a' && given[i] <= 'z') ||
         (given[i] >= 'A' && given[i] <= 'Z') || given[i] == '-' || given[i] == '_' || given[i] == '.';
  if (ok)
    memcpy(r->request_id, given, n + 1);
  else if (!crypto_random_hex(r->request_id, 16))
    strcpy(r->request_id, "unknown");
}

static void answer_preflight(http_req *r) {
  const char *origin = http_header(r, "Origin");
  if (!config_origin_allowed(&r->app->cfg, origin)) {
    reply_fail(r, "cors_origin_denied", NULL, "this origin is not allowed (CORS_ORIGINS)");
    return;
  }
  http_reply_empty(r, 204);
}

/* Authenticates and checks the role; replies and returns false when refused. */
static bool authorize(http_req *r) {
  cad_error err;
  db_conn *db = http_db(r, &err);
  if (!db || !auth_authenticate(db, http_header(r, "Authorization"), r->app->cfg.admin_key, &r->who, &err)) {
    http_reply_error(r, &err);
    return false;
  }
  if (!(r->route->roles & r->who.role)) {
    reply_fail(r, "forbidden", NULL, "this key's role may not call this endpoint");
    return false;
  }
  return true;
}

static bool is_form_type(const char *ct) {
  size_t n = strlen("application/x-www-form-urlencoded");
  return ct && strncasecmp(ct, "application/x-www-form-urlencoded", n) == 0 && (ct[n] == 0 || ct[n] == ';');
}

static bool parse_body(http_req *r) {
  if (r->route->body == BODY_FORM) {
    if (is_form_type(http_header(r, "Content-Type")))
      return true; /* the handler decodes it: signatures are computed over the decoded fields */
    reply_fail(r, "unsupported_media_type", NULL, "the body must be application/x-www-form-urlencoded");
    return false;
  }
  if (!is_json_type(http_header(r, "Content-Type"))) {
    reply_fail(r, "unsupported_media_type", NULL, "the body must be application/json");
    return false;
  }
  json_error_t jerr;
  r->json = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &jerr);
  if (!r->json) {
    cad_error e;
    cad_fail(&e, "malformed_json", NULL, "malformed JSON at line %d column %d: %s", jerr.line,
             jerr.column, jerr.text);
    http_reply_error(r, &e);
    return false;
  }
  return true;
}

/* Runs the handler under the Idempotency-Key protocol when the request carries one. */
static void run_handler(http_req *r) {
  const char *key = http_header(r, "Idempotency-Key");
  /* A streamed body is not kept, so it cannot be compared with a replay: imports are idempotent by
   * their rows' visit ids instead. */
  if (strcmp(r->method, "POST") != 0 || !key || !r->route->roles || r->route->body == BODY_STREAM) {
    r->route->handler(r);
    return;
  }
  if (!idem_key_valid(key)) {
    reply_fail(r, "invalid_header", "Idempotency-Key", "Idempotency-Key must be 1-255 printable characters");
    return;
  }
  const char *scope = r->who.practice_id[0] ? r->who.practice_id : NIL_UUID;
  /* The hash covers what the request asks for: method, route target and body. */
  char target[600];
  snprintf(target, sizeof target, "%s %s\n", r->method, r->route->pattern);
  for (int i = 0; i < ROUTER_MAX_PARAMS && r->params[i]; i++) {
    size_t n = strlen(target);
    snprintf(target + n, sizeof target - n, "%s\n", r->params[i]);
  }
  size_t tlen = strlen(target);
  char *material = malloc(tlen + r->body_len + 1);
  memcpy(material, target, tlen);
  if (r->body_len)
    memcpy(material + tlen, r->body, r->body_len);
  char hash[65];
  crypto_sha256_hex(material, tlen + r->body_len, hash);
  free(material);

  cad_error err;
  idem_state state;
  int status = 0;
  char *body = NULL;
  if (!idem_begin(r->db, scope, key, hash, &state, &status, &body, &err)) {
    http_reply_error(r, &err);
    return;
  }
  switch (state) {
  case IDEM_REPLAY:
    set_reply(r, status, *body ? body : NULL, *body ? "application/json" : NULL);
    if (!*body)
      free(body);
    r->replayed = true;
    return;
  case IDEM_MISMATCH:
    reply_fail(r, "idempotency_key_reused", "Idempotency-Key",
               "this Idempotency-Key was used with a different request");
    return;
  case IDEM_IN_PROGRESS:
    reply_fail(r, "idempotency_key_in_use", "Idempotency-Key",
               "a request with this Idempotency-Key is still running; retry shortly");
    return;
  case IDEM_NEW:
    break;
  }
  r->route->handler(r);
  /* A 5xx is our failure, not an answer: release the key so the client's retry runs again. */
  if (r->status >= 500 || !idem_finish(r->db, scope, key, r->status, r->resp, &err))
    idem_abandon(r->db, scope, key);
}

static bool is_stream(cad_app *app, const conn_state *st) {
  return st->match.index >= 0 && app->routes[st->match.index].body == BODY_STREAM;
}

static size_t body_limit(cad_app *app, const conn_state *st) {
  return is_stream(app, st) ? app->cfg.import_max_bytes : app->cfg.max_body_bytes;
}

static void reply_too_large(cad_app *app, conn_state *st) {
  char msg[96];
  snprintf(msg, sizeof msg, "the body exceeds %zu bytes", body_limit(app, st));
  reply_fail(&st->req, "payload_too_large", NULL, msg);
}

/* The first query parameter that is not well-formed UTF-8 text (PostgreSQL would refuse it later). */
typedef struct bad_arg {
  char name[64];
  bool found;
} bad_arg;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                 const char *value, size_t value_size) {
  (void)kind;
  bad_arg *b = cls;
  if ((key && !valid_utf8(key, key_size)) || (value && !valid_utf8(value, value_size))) {
    b->found = true;
    snprintf(b->name, sizeof b->name, "%.60s", key && valid_utf8(key, key_size) ? key : "?");
    return MHD_NO;
  }
  return MHD_YES;
}

/* Routes, authorises and checks the request; replies and returns false when it is refused. */
static bool prepare(cad_app *app, conn_state *st) {
  http_req *r = &st->req;
  if (strcmp(r->method, "OPTIONS") == 0) {
    answer_preflight(r);
    return false;
  }
  route_match *m = &st->match;
  if (m->index < 0) {
    if (m->path_matched)
      reply_fail(r, "method_not_allowed", NULL, "this method is not allowed on this path");
    else
      reply_fail(r, "not_found", NULL, "no such endpoint");
    return false;
  }
  st->route = m->index;
  r->route = &app->routes[m->index];
  for (int i = 0; i < ROUTER_MAX_PARAMS; i++)
    r->params[i] = NULL;
  for (int i = 0; i < m->nparams; i++)
    r->params[i] = strdup(m->params[i]); /* freed with the request */
  for (int i = 0; i < m->nparams; i++)
    if (!valid_utf8(r->params[i], strlen(r->params[i]))) {
      reply_fail(r, "not_found", NULL, "no such resource (the path is not UTF-8 text)");
      return false;
    }
  bad_arg bad = {"", false};
  MHD_get_connection_values_n(r->mhd, MHD_GET_ARGUMENT_KIND, check_arg, &bad);
  if (bad.found) {
    char msg[160];
    snprintf(msg, sizeof msg, "query parameter '%s' is not UTF-8 text", bad.name);
    reply_fail(r, "invalid_query", bad.name, msg);
    return false;
  }
  if (st->too_large) {
    reply_too_large(app, st);
    return false;
  }
  if (r->route->roles && !authorize(r))
    return false;
  if (r->route->body == BODY_STREAM)
    return true; /* the stream function checks the content type of what it reads */
  return r->route->body == BODY_NONE || parse_body(r);
}

static void run_prepared(conn_state *st) {
  http_req *r = &st->req;
  run_handler(r);
  if (!r->status) {
    log_json("error", "handler produced no reply", json_pack("{s:s}", "route", r->route->pattern));
    reply_fail(r, "internal", NULL, "internal error");
  }
}

/* A piece of a streamed body: routed on the first piece, then handed on until the route refuses. */
static void stream_piece(cad_app *app, conn_state *st, const char *data, size_t n) {
  if (!st->prepared) {
    st->prepared = true;
    st->go = prepare(app, st);
  }
  if (!st->go)
    return;
  st->streamed += n;
  if (st->streamed > app->cfg.import_max_bytes) {
    st->go = false;
    if (st->req.stream_abort)
      st->req.stream_abort(&st->req);
    st->req.stream_abort = NULL;
    reply_too_large(app, st);
    return;
  }
  st->go = st->req.route->stream(&st->req, data, n);
}

static enum MHD_Result send_reply(cad_app *app, struct MHD_Connection *c, conn_state *st) {
  http_req *r = &st->req;
  size_t len = r->resp ? strlen(r->resp) : 0;
  struct MHD_Response *resp =
      r->stream_reply ? http_stream_response(r->stream_reply, c)
                      : MHD_create_response_from_buffer(len, r->resp ? r->resp : (void *)"", MHD_RESPMEM_MUST_COPY);
  r->stream_reply = NULL; /* the response owns it now */
  if (r->resp_type)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->resp_type);
  MHD_add_response_header(resp, "X-Request-Id", r->request_id);
  MHD_add_response_header(resp, "Cache-Control", r->cache_control ? r->cache_control : "no-store");
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  /* Nothing the API serves runs script, loads anything or belongs in a frame; the unsubscribe page
   * only posts its form back to itself. HSTS belongs to the TLS proxy (README). */
  bool html = r->resp_type && strncmp(r->resp_type, "text/html", 9) == 0;
  MHD_add_response_header(resp, "Content-Security-Policy",
                          r->csp ? r->csp
                          : html ? "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
                                 : "default-src 'none'; frame-ancestors 'none'");
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  if (r->replayed)
    MHD_add_response_header(resp, "Idempotent-Replayed", "true");
  if (r->resp_type && strcmp(r->resp_type, "text/event-stream") == 0)
    MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* a proxy passes events on at once */
  if (r->retry_after_s > 0) {
    char secs[12];
    snprintf(secs, sizeof secs, "%d", r->retry_after_s);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
  }
  if (r->status == 405)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  const char *origin = http_header(r, "Origin");
  if (config_origin_allowed(&app->cfg, origin)) {
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", origin);
    MHD_add_response_header(resp, "Vary", "Origin");
    if (strcmp(r->method, "OPTIONS") == 0) {
      MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
      MHD_add_response_header(resp, "Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
      MHD_add_response_header(resp, "Access-Control-Max-Age", CORS_MAX_AGE);
    } else {
      MHD_add_response_header(resp, "Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
    }
  }
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static void finish_log(cad_app *app, conn_state *st) {
  http_req *r = &st->req;
  double secs = seconds_since(&st->started);
  metrics_observe(app->metrics, st->route, r->status, secs);
  json_t *f = json_pack("{s:s,s:s,s:o,s:i,s:f}", "request_id", r->request_id, "method", r->method,
                        "route", st->route >= 0 ? json_string(r->route->pattern) : json_null(),
                        "status", r->status, "duration_ms", secs * 1000.0);
  if (r->who.role) {
    json_object_set_new(f, "key_id", json_string(r->who.key_id));
    if (r->who.practice_id[0])
      json_object_set_new(f, "practice_id", json_string(r->who.practice_id));
  }
  log_json(r->status >= 500 ? "error" : "info", "request", f);
}

static enum MHD_Result send_reply(cad_app *app, struct MHD_Connection *c, conn_state *st);

/* Answers now with the reply already set, before the rest of the body is read (MHD then closes the
 * connection, so nothing left of this request is read as another). */
static enum MHD_Result answer_now(cad_app *app, struct MHD_Connection *c, conn_state *st) {
  free(st->body);
  st->body = NULL;
  st->len = 0;
  st->prepared = true;
  st->go = false;
  st->answered = true;
  finish_log(app, st);
  return send_reply(app, c, st);
}

/* 413 now: the body is not read. */
static enum MHD_Result refuse_too_large(cad_app *app, struct MHD_Connection *c, conn_state *st) {
  st->too_large = true;
  reply_too_large(app, st);
  return answer_now(app, c, st);
}

static enum MHD_Result count_content_length(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  (void)value;
  *(int *)cls += strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0;
  return MHD_YES;
}

/* A body past the limit: dropped while it stays small enough to drain, answered at once beyond. */
static enum MHD_Result drop_excess(cad_app *app, struct MHD_Connection *c, conn_state *st, size_t n) {
  if (!st->too_large) {
    st->too_large = true;
    free(st->body);
    st->body = NULL;
  }
  st->len += n;
  return st->len > DRAIN_MAX_BYTES ? refuse_too_large(app, c, st) : MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  (void)version;
  cad_app *app = cls;
  conn_state *st = *con_cls;
  if (!st) {
    MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)app->cfg.http_timeout_s);
    st = calloc(1, sizeof *st);
    *con_cls = st;
    atomic_fetch_add(&app->in_flight, 1);
    clock_gettime(CLOCK_MONOTONIC, &st->started);
    st->route = -1;
    st->req.app = app;
    st->req.mhd = c;
    st->req.method = method;
    st->req.path = url;
    choose_request_id(&st->req);
    router_match(app->route_methods, app->route_patterns, app->nroutes, method, url, &st->match);
    /* Two lengths are two readings of where this request ends (RFC 9112 6.3): refused, connection closed. */
    int lengths = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_content_length, &lengths);
    if (lengths > 1) {
      reply_fail(&st->req, "invalid_header", "Content-Length", "the request has more than one Content-Length");
      return answer_now(app, c, st);
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
    if (declared > body_limit(app, st) && (declared > DRAIN_MAX_BYTES || expect))
      return refuse_too_large(app, c, st); /* never asked for, never read */
    if (declared > body_limit(app, st))
      st->too_large = true; /* drained, then answered */
    return MHD_YES;
  }
  if (st->answered) { /* 413 went out already: what still arrives is dropped */
    *upload_size = 0;
    return MHD_YES;
  }
  if (*upload_size && is_stream(app, st) && !st->too_large) {
    stream_piece(app, st, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (st->too_large || st->len + n > body_limit(app, st))
      return drop_excess(app, c, st, n);
    if (st->len + n + 1 > st->cap) {
      st->cap = (st->len + n + 1) * 2;
      if (st->cap > app->cfg.max_body_bytes + 1)
        st->cap = app->cfg.max_body_bytes + 1;
      st->body = realloc(st->body, st->cap);
    }
    memcpy(st->body + st->len, upload, n);
    st->len += n;
    st->body[st->len] = 0;
    return MHD_YES;
  }
  st->req.body = st->body;
  st->req.body_len = st->len;
  if (!st->prepared) {
    st->prepared = true;
    st->go = prepare(app, st);
  }
  if (st->go)
    run_prepared(st);
  if (st->req.db) {
    db_release(app->pool, st->req.db);
    st->req.db = NULL;
  }
  finish_log(app, st);
  return send_reply(app, c, st);
}

/* A connection waits for a request's head under the short head timeout (a slow or idle client holds
 * nothing for long), and reads a request under the connection timeout. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
  (void)socket_context;
  cad_app *app = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED)
    MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)app->cfg.http_head_timeout_s);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)toe;
  cad_app *app = cls;
  conn_state *st = *con_cls;
  if (!st)
    return;
  if (c) /* kept alive: waiting for the next head */
    MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)app->cfg.http_head_timeout_s);
  if (st->req.stream_abort) /* the upload ended before its handler ran */
    st->req.stream_abort(&st->req);
  if (st->req.db)
    db_release(app->pool, st->req.db);
  for (int i = 0; i < ROUTER_MAX_PARAMS; i++)
    free((void *)st->req.params[i]);
  json_decref(st->req.json);
  http_stream_discard(st->req.stream_reply);
  free(st->req.resp);
  free(st->body);
  free(st);
  *con_cls = NULL;
  atomic_fetch_sub(&app->in_flight, 1);
}

void *http_start(cad_app *app, char *msg, size_t msg_len) {
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)app->cfg.port);
  if (inet_pton(AF_INET, app->cfg.bind_address, &addr.sin_addr) != 1) {
    snprintf(msg, msg_len, "BIND_ADDRESS must be an IPv4 address");
    return NULL;
  }
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, (uint16_t)app->cfg.port,
      NULL, NULL, on_request, app,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.http_threads,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.http_max_connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)app->cfg.http_max_connections_per_ip,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg.http_head_timeout_s,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, app,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
      MHD_OPTION_END);
  if (!d)
    snprintf(msg, msg_len, "cannot listen on %s:%d", app->cfg.bind_address, app->cfg.port);
  return d;
}

/* The metrics listener: GET /metrics and nothing else, for Prometheus on a private address. */
static enum MHD_Result on_metrics(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)version, (void)upload, (void)upload_size, (void)con_cls;
  cad_app *app = cls;
  bool ok = strcmp(method, "GET") == 0 && strcmp(url, "/metrics") == 0;
  char *text = ok ? metrics_render(app->metrics, app->pool) : strdup("not found\n");
  struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ok ? "text/plain; version=0.0.4" : "text/plain");
  enum MHD_Result ret = MHD_queue_response(c, ok ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, resp);
  MHD_destroy_response(resp);
  return ret;
}

void *http_start_metrics(cad_app *app, char *msg, size_t msg_len) {
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)app->cfg.metrics_port);
  if (inet_pton(AF_INET, app->cfg.metrics_host, &addr.sin_addr) != 1) {
    snprintf(msg, msg_len, "METRICS_ADDRESS must be an IPv4 address and a port");
    return NULL;
  }
  struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
                                          (uint16_t)app->cfg.metrics_port, NULL, NULL, on_metrics, app,
                                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                          MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                                          MHD_OPTION_END);
  if (!d)
    snprintf(msg, msg_len, "cannot listen on METRICS_ADDRESS %s:%d", app->cfg.metrics_host, app->cfg.metrics_port);
  return d;
}

void http_stop_metrics(void *daemon) {
  if (daemon)
    MHD_stop_daemon(daemon);
}

void http_stop(void *daemon, cad_app *app, int grace_s) {
  struct MHD_Daemon *d = daemon;
  MHD_socket s = MHD_quiesce_daemon(d); /* no new connections from here on */
  http_streams_stop();                  /* streams end now; their clients reconnect to another replica */
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (atomic_load(&app->in_flight) > 0 && seconds_since(&t0) < grace_s)
    usleep(20 * 1000);
  MHD_stop_daemon(d);
  if (s != MHD_INVALID_SOCKET)
    close(s);
}
