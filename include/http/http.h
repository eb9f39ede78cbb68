/* http.h: the HTTP server glue around libmicrohttpd: the route table type,
 * the request handed to handlers, and the reply helpers every handler uses. */
#ifndef CADENCE_HTTP_H
#define CADENCE_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "db.h"
#include "error.h"
#include "router.h"

typedef struct cad_app cad_app;
typedef struct http_req http_req;
typedef void (*http_handler)(http_req *r);
/* Takes one piece of a streamed body; returns false after replying (the rest is then discarded). */
typedef bool (*http_stream)(http_req *r, const char *data, size_t len);

/* Kinds of request body a route takes. BODY_STREAM bodies are handed to the
 * route's stream function piece by piece as they arrive (never held whole,
 * up to IMPORT_MAX_BYTES), then the handler runs. */
typedef enum { BODY_NONE, BODY_JSON, BODY_FORM, BODY_STREAM } body_kind;

/* One row of the routing table. roles == 0 means public (no key needed). */
typedef struct http_route {
  const char *method;
  const char *pattern;
  http_handler handler;
  unsigned roles;
  body_kind body;
  http_stream stream; /* BODY_STREAM only */
} http_route;

/* The request as a handler sees it. */
struct http_req {
  cad_app *app;
  const http_route *route;
  const char *method;
  const char *path;                      /* the request path, without the query */
  const char *params[ROUTER_MAX_PARAMS]; /* path placeholders in order */
  json_t *json;                          /* parsed body for BODY_JSON routes */
  const char *body;                      /* raw body (NUL-terminated) */
  size_t body_len;
  principal who;                         /* authenticated caller (roles != 0) */
  char request_id[65];
  /* internal */
  void *mhd;
  db_conn *db;
  int status;
  char *resp;
  const char *resp_type;
  int retry_after_s;                     /* Retry-After of a 429 or 503 reply */
  bool replayed;
  void *stream_state;                    /* the stream function's, for its handler */
  void *stream_reply;                    /* set by http_reply_stream (stream.h): the reply goes on */
  const char *cache_control;             /* the reply's Cache-Control when not no-store (the console) */
  const char *csp;                       /* the reply's Content-Security-Policy when not the API's */
  void (*stream_abort)(http_req *r);     /* set by a stream function: called if the upload never completes */
};

/* Starts serving; returns NULL with a message on failure. */
void *http_start(cad_app *app, char *msg, size_t msg_len);
/* Stops accepting, waits for in-flight requests (up to grace_s), then stops. */
void http_stop(void *daemon, cad_app *app, int grace_s);

/* The metrics listener on METRICS_ADDRESS (GET /metrics only); NULL with a message on failure. */
void *http_start_metrics(cad_app *app, char *msg, size_t msg_len);
void http_stop_metrics(void *daemon);

/* The request's database connection, borrowed on first use; NULL with err (503) when none. */
db_conn *http_db(http_req *r, cad_error *err);
/* A query-string argument, or NULL. */
const char *http_query(http_req *r, const char *name);
/* A request header, or NULL. */
const char *http_header(http_req *r, const char *name);

/* Replies with body (reference stolen) as JSON. */
void http_reply_json(http_req *r, int status, json_t *body);
/* Replies {"error":{"code","message","details"}} from err. */
void http_reply_error(http_req *r, const cad_error *err);
/* Replies with a status and no body. */
void http_reply_empty(http_req *r, int status);
/* Replies with text of the given content type (copied). */
void http_reply_text(http_req *r, int status, const char *content_type, const char *text);

#endif
