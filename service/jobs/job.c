/* job.c: see job.h. */
#include "job.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

struct job {
  const char *name;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool woken;
  atomic_int stop;
  db_pool *pool;
  int interval_s;
  job_tick tick;
  void *ctx;
};

static void *job_main(void *arg) {
  job *j = arg;
  while (!atomic_load(&j->stop)) {
    cad_error err;
    db_conn *c = db_acquire(j->pool, &err);
    bool again = c && j->tick(c, j->ctx, &j->stop);
    if (c)
      db_release(j->pool, c);
    if (again)
      continue;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += j->interval_s;
    pthread_mutex_lock(&j->lock);
    if (!j->woken && !atomic_load(&j->stop))
      pthread_cond_timedwait(&j->wake, &j->lock, &until);
    j->woken = false;
    pthread_mutex_unlock(&j->lock);
  }
  return NULL;
}

job *job_start(const char *name, const char *database_url, int statement_timeout_ms, int interval_s, job_tick tick,
               void *ctx) {
  job *j = calloc(1, sizeof *j);
  *j = (job){.name = name, .interval_s = interval_s, .tick = tick, .ctx = ctx};
  pthread_mutex_init(&j->lock, NULL);
  pthread_cond_init(&j->wake, NULL);
  j->pool = db_pool_create(database_url, 1, 5000, statement_timeout_ms);
  char app[64];
  snprintf(app, sizeof app, "cadence job: %s", name);
  db_pool_name(j->pool, app);
  if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
    log_json("error", "job not started", json_pack("{s:s}", "job", name));
    db_pool_destroy(j->pool);
    free(j);
    return NULL;
  }
  return j;
}

void job_wake(job *j) {
  if (!j)
    return;
  pthread_mutex_lock(&j->lock);
  j->woken = true;
  pthread_cond_signal(&j->wake);
  pthread_mutex_unlock(&j->lock);
}

void job_stop(job *j) {
  if (!j)
    return;
  atomic_store(&j->stop, 1);
  job_wake(j);
  pthread_join(j->thread, NULL);
  db_pool_destroy(j->pool);
  pthread_mutex_destroy(&j->lock);
  pthread_cond_destroy(&j->wake);
  free(j);
}
