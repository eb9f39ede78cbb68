/* events.c: GET /v1/events, a JSON page, or Server-Sent Events when the client accepts
 * text/event-stream. */
#include "events.h"
#include "api.h"
#include "app.h"
#include "stream.h"

#include <stdlib.h>
#include <string.h>

/* A stream ends after this long; the client reconnects with Last-Event-ID and its key is checked again. */
enum { STREAM_MAX_S = 300 };

typedef struct event_stream {
  db_pool *pool;
  char practice_id[37];
  long long after;
  bool greeted;
} event_stream;

static bool next_events(void *ctx, char **text) {
  event_stream *s = ctx;
  if (!s->greeted) {
    s->greeted = true;
    *text = strdup("retry: 3000\n\n"); /* how soon a dropped client reconnects */
    return true;
  }
  cad_error err;
  db_conn *c = db_acquire(s->pool, &err);
  if (!c)
    return true; /* nothing this time; asked again at the next wake */
  events_sse_text(c, s->practice_id, &s->after, text, &err);
  db_release(s->pool, c);
  return true;
}

void events_get(http_req *r) {
  cad_error err;
  const char *accept = http_header(r, "Accept"), *last = http_header(r, "Last-Event-ID");
  bool stream = accept && strstr(accept, "text/event-stream");
  long long after;
  int limit;
  if (!api_limit(r, &limit) || !api_check(r, events_parse_after(last, "Last-Event-ID", &after, &err), &err) ||
      (!last && !api_check(r, events_parse_after(http_query(r, "after"), "after", &after, &err), &err)) ||
      !api_check(r, events_publish(r->db, &err), &err))
    return;
  if (!stream) {
    json_t *out;
    if (api_check(r, events_page(r->db, r->who.practice_id, after, limit, &out, &err), &err))
      http_reply_json(r, 200, out);
    return;
  }
  /* Without a place to resume from, a stream starts with what happens next. */
  if (!last && !http_query(r, "after") && !api_check(r, events_latest(r->db, r->who.practice_id, &after, &err), &err))
    return;
  event_stream *s = calloc(1, sizeof *s);
  s->pool = r->app->pool;
  snprintf(s->practice_id, sizeof s->practice_id, "%s", r->who.practice_id);
  s->after = after;
  http_reply_stream(r, "text/event-stream", STREAM_MAX_S, next_events, free, s);
}
