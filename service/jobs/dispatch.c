/* dispatch.c: the worker threads and the LISTEN thread. A worker loops:
 * recover expired leases (once a second in the process), plan due steps and
 * send the messages it made, send other due messages; with nothing to
 * do it sleeps until the next due time, or until a NOTIFY wakes it. The
 * database is the only coordinator, so any number of processes can run. */
#include "dispatch.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "delivery.h"
#include "listen.h"
#include "log.h"
#include "sendtime.h"

enum { MAX_IDLE_S = 30, MAX_SENDERS = 256, ERROR_PAUSE_S = 1, RECOVER_EVERY_MS = 1000 };

/* One token bucket per sender address, shared by the workers of this process. */
typedef struct sender_limit {
  char sender[64];
  token_bucket bucket;
} sender_limit;

struct dispatch {
  dispatch_config cfg;
  metrics *metrics;
  db_pool *pool;
  pthread_t *workers, listener;
  atomic_int stopping;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  unsigned long generation; /* bumped on every wake-up, so a sleeper can tell it was woken */
  sender_limit senders[MAX_SENDERS];
  int nsenders;
  atomic_llong recovered_at_ms; /* the last recovery pass of this process */
};

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void wake_all(dispatch *d) {
  pthread_mutex_lock(&d->lock);
  d->generation++;
  pthread_cond_broadcast(&d->wake);
  pthread_mutex_unlock(&d->lock);
}

/* Sleeps up to seconds, returning early when woken or stopping. */
static void sleep_until_woken(dispatch *d, double seconds, unsigned long seen) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  long ns = (long)(seconds * 1e9);
  until.tv_sec += ns / 1000000000L;
  until.tv_nsec += ns % 1000000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&d->lock);
  while (d->generation == seen && !atomic_load(&d->stopping))
    if (pthread_cond_timedwait(&d->wake, &d->lock, &until) == ETIMEDOUT)
      break;
  pthread_mutex_unlock(&d->lock);
}

static bool throttle(void *ctx, const char *sender, bool wait_for_it) {
  dispatch *d = ctx;
  for (;;) {
    double wait = 0;
    pthread_mutex_lock(&d->lock);
    sender_limit *s = NULL;
    for (int i = 0; i < d->nsenders && !s; i++)
      if (strcmp(d->senders[i].sender, sender) == 0)
        s = &d->senders[i];
    if (!s && d->nsenders < MAX_SENDERS) {
      s = &d->senders[d->nsenders++];
      snprintf(s->sender, sizeof s->sender, "%s", sender);
    }
    bool ok = !s || sendtime_take(&s->bucket, now_s(), d->cfg.rate_per_sender, d->cfg.rate_per_sender, &wait);
    pthread_mutex_unlock(&d->lock);
    if (ok || !wait_for_it)
      return ok;
    usleep((useconds_t)(wait * 1e6) + 1000);
  }
}

/* Expired leases are recovered once a second by one worker of the process, not on every pass: the
 * scan is cheap but not free, and a lease is many seconds. */
static bool recovery_due(dispatch *d) {
  long long now = (long long)(now_s() * 1000), last = atomic_load(&d->recovered_at_ms);
  return now - last >= RECOVER_EVERY_MS && atomic_compare_exchange_strong(&d->recovered_at_ms, &last, now);
}

static void *worker_main(void *arg) {
  dispatch *d = arg;
  delivery_worker w = {&d->cfg,
                       providers_open(&d->cfg.providers),
                       throttle,
                       d,
                       (unsigned)time(NULL) ^ (unsigned)pthread_self(),
                       &d->stopping,
                       d->metrics};
  while (!atomic_load(&d->stopping)) {
    pthread_mutex_lock(&d->lock);
    unsigned long seen = d->generation;
    pthread_mutex_unlock(&d->lock);
    cad_error err;
    db_conn *c = db_acquire(d->pool, &err);
    if (!c) {
      sleep_until_woken(d, ERROR_PAUSE_S, seen);
      continue;
    }
    int planned = 0, sent = 0;
    double idle = 0;
    bool ok = (!recovery_due(d) || delivery_recover(c, &err)) && (planned = delivery_plan(c, &w, &err)) >= 0 &&
              (sent = delivery_send(c, &w, &err)) >= 0;
    if (ok && planned == 0 && sent == 0)
      idle = delivery_next_due(c, MAX_IDLE_S, &err);
    db_release(d->pool, c);
    if (!ok) {
      log_json("warn", "dispatch pass failed", json_pack("{s:s}", "error", err.message));
      sleep_until_woken(d, ERROR_PAUSE_S, seen);
    } else if (idle > 0) {
      sleep_until_woken(d, idle, seen);
    }
  }
  providers_close(w.session);
  return NULL;
}

/* Holds LISTEN cadence_due on its own connection and wakes the workers on
 * every notification. After a reconnect it wakes them too: notifications sent
 * while it was away are lost, so the workers must rescan. */
static void *listener_main(void *arg) {
  dispatch *d = arg;
  db_listener *l = NULL;
  while (!atomic_load(&d->stopping)) {
    if (!l) {
      if (!(l = db_listen(d->cfg.database_url, "cadence-listener", "cadence_due"))) {
        sleep(1);
        continue;
      }
      wake_all(d);
    }
    int got = db_listener_wait(l, 500);
    if (got > 0)
      wake_all(d);
    if (got < 0) { /* connection lost: listen anew above */
      db_listener_close(l);
      l = NULL;
    }
  }
  db_listener_close(l);
  return NULL;
}

dispatch *dispatch_start(const dispatch_config *cfg, metrics *m) {
  if (cfg->workers <= 0)
    return NULL;
  dispatch *d = calloc(1, sizeof *d);
  d->cfg = *cfg;
  d->metrics = m;
  d->pool = db_pool_create(cfg->database_url, cfg->workers, 5000, 30000);
  db_pool_name(d->pool, "cadence dispatch");
  pthread_mutex_init(&d->lock, NULL);
  pthread_cond_init(&d->wake, NULL);
  d->workers = calloc((size_t)cfg->workers, sizeof *d->workers);
  pthread_create(&d->listener, NULL, listener_main, d);
  for (int i = 0; i < cfg->workers; i++)
    pthread_create(&d->workers[i], NULL, worker_main, d);
  return d;
}

void dispatch_stop(dispatch *d) {
  if (!d)
    return;
  atomic_store(&d->stopping, 1);
  wake_all(d);
  for (int i = 0; i < d->cfg.workers; i++)
    pthread_join(d->workers[i], NULL);
  pthread_join(d->listener, NULL);
  db_pool_destroy(d->pool);
  pthread_mutex_destroy(&d->lock);
  pthread_cond_destroy(&d->wake);
  free(d->workers);
  free(d);
}
