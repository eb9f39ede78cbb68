/* stream.c: see stream.h. A stream's content reader runs on a server thread: it hands out what its
 * producer made, or suspends the connection (MHD_suspend_connection, the pattern libmicrohttpd prescribes
 * for "no data yet") after joining the list of suspended streams, which a wake resumes. The list's lock is
 * held across suspend and resume, so a wake never misses a stream that is going to sleep. */
#include "stream.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "listen.h"
#include "log.h"

enum { KEEPALIVE_S = 15, WAKE_EVERY_MS = 5000 };

typedef struct stream_reply {
  struct MHD_Connection *conn;
  stream_next next;
  void (*free_ctx)(void *ctx);
  void *ctx;
  char *pending; /* text being sent */
  size_t len, at;
  time_t last_sent, ends;
  bool suspended;
  struct stream_reply *prev_asleep, *next_asleep;
} stream_reply;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static stream_reply *asleep; /* suspended streams, under lock */
static atomic_bool stopping;
static atomic_bool listening;
static pthread_t listener;
static char *listen_url, *listen_channel;

static time_t now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec;
}

void http_reply_stream(http_req *r, const char *content_type, int max_seconds, stream_next next,
                       void (*free_ctx)(void *ctx), void *ctx) {
  stream_reply *s = calloc(1, sizeof *s);
  s->next = next;
  s->free_ctx = free_ctx;
  s->ctx = ctx;
  s->last_sent = now_s();
  s->ends = s->last_sent + max_seconds;
  free(r->resp);
  r->resp = NULL;
  r->resp_type = content_type;
  r->status = 200;
  r->stream_reply = s;
}

static void unlink_asleep(stream_reply *s) {
  if (s->prev_asleep)
    s->prev_asleep->next_asleep = s->next_asleep;
  else if (asleep == s)
    asleep = s->next_asleep;
  if (s->next_asleep)
    s->next_asleep->prev_asleep = s->prev_asleep;
  s->prev_asleep = s->next_asleep = NULL;
}

static void wake_all(void) {
  pthread_mutex_lock(&lock);
  while (asleep) {
    stream_reply *s = asleep;
    unlink_asleep(s);
    s->suspended = false;
    MHD_resume_connection(s->conn);
  }
  pthread_mutex_unlock(&lock);
}

static ssize_t copy_out(stream_reply *s, char *buf, size_t max) {
  size_t n = s->len - s->at < max ? s->len - s->at : max;
  memcpy(buf, s->pending + s->at, n);
  s->at += n;
  if (s->at == s->len) {
    free(s->pending);
    s->pending = NULL;
    s->len = s->at = 0;
  }
  s->last_sent = now_s();
  return (ssize_t)n;
}

static ssize_t read_stream(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  stream_reply *s = cls;
  if (s->pending)
    return copy_out(s, buf, max);
  time_t now = now_s();
  if (atomic_load(&stopping) || now >= s->ends)
    return MHD_CONTENT_READER_END_OF_STREAM;
  char *text = NULL;
  if (!s->next(s->ctx, &text))
    return MHD_CONTENT_READER_END_OF_STREAM;
  if (!text && now - s->last_sent >= KEEPALIVE_S)
    text = strdup(": keep-alive\n\n");
  if (text && *text) {
    s->pending = text;
    s->len = strlen(text);
    s->at = 0;
    return copy_out(s, buf, max);
  }
  free(text);
  pthread_mutex_lock(&lock);
  if (atomic_load(&stopping)) {
    pthread_mutex_unlock(&lock);
    return MHD_CONTENT_READER_END_OF_STREAM;
  }
  s->suspended = true;
  s->next_asleep = asleep;
  if (asleep)
    asleep->prev_asleep = s;
  asleep = s;
  MHD_suspend_connection(s->conn);
  pthread_mutex_unlock(&lock);
  return 0; /* nothing now: asked again once resumed */
}

static void free_stream(void *cls) {
  stream_reply *s = cls;
  pthread_mutex_lock(&lock);
  if (s->suspended)
    unlink_asleep(s);
  pthread_mutex_unlock(&lock);
  if (s->free_ctx)
    s->free_ctx(s->ctx);
  free(s->pending);
  free(s);
}

void *http_stream_response(void *reply, void *connection) {
  stream_reply *s = reply;
  s->conn = connection;
  return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, read_stream, s, free_stream);
}

void http_stream_discard(void *reply) {
  if (reply)
    free_stream(reply);
}

/* Wakes the streams on each notification and every WAKE_EVERY_MS; listens anew when the connection drops
 * (the periodic wake covers what was notified meanwhile). Waits a second at a time, so it stops promptly. */
static void *listen_loop(void *arg) {
  (void)arg;
  db_listener *l = NULL;
  bool warned = false;
  int quiet_ms = 0;
  while (atomic_load(&listening)) {
    if (!l && !(l = db_listen(listen_url, "cadence streams", listen_channel)) && !warned) {
      warned = true;
      log_json("warn", "streams cannot listen; they are woken every few seconds", json_object());
    }
    int got = l ? db_listener_wait(l, 1000) : -1;
    if (got < 0) {
      db_listener_close(l);
      l = NULL;
      struct timespec pause = {1, 0};
      nanosleep(&pause, NULL);
    }
    warned = warned && !l;
    quiet_ms = got > 0 ? 0 : quiet_ms + 1000;
    if (got > 0 || quiet_ms >= WAKE_EVERY_MS) {
      quiet_ms = 0;
      wake_all();
    }
  }
  db_listener_close(l);
  return NULL;
}

bool http_streams_listen(const char *database_url, const char *channel) {
  listen_url = strdup(database_url);
  listen_channel = strdup(channel);
  atomic_store(&listening, true);
  if (pthread_create(&listener, NULL, listen_loop, NULL) != 0) {
    atomic_store(&listening, false);
    return false;
  }
  return true;
}

void http_streams_stop(void) {
  atomic_store(&stopping, true);
  wake_all();
  if (atomic_exchange(&listening, false))
    pthread_join(listener, NULL);
  free(listen_url);
  free(listen_channel);
  listen_url = listen_channel = NULL;
}
