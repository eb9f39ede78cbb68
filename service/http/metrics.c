/* metrics.c: fixed-size tables indexed by route and status so recording is a
 * handful of atomic increments on the request path. */
#include "metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int STATUSES[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
enum { NSTATUS = sizeof STATUSES / sizeof STATUSES[0] + 1 }; /* + "other" */
static const double BUCKETS[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
enum { NBUCKET = sizeof BUCKETS / sizeof BUCKETS[0] };

typedef struct route_counters {
  atomic_ulong by_status[NSTATUS];
  atomic_ulong bucket[NBUCKET]; /* non-cumulative; summed when rendered */
  atomic_ulong count;
  atomic_ullong sum_us;
} route_counters;

/* The analytics lag: seconds from a write's mark to its relink. */
static const double LAG_BUCKETS[] = {0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60};
enum { NLAG = sizeof LAG_BUCKETS / sizeof LAG_BUCKETS[0] };

static const char *const CHANNELS[] = {"sms", "email"};
static const char *const OUTCOMES[] = {"sent", "failed", "dead", "unknown"};
enum { NCHANNEL = 2, NOUTCOME = 4 };

struct metrics {
  const char *const *names;
  size_t nroutes;
  route_counters *routes; /* nroutes + 1; the last is "unmatched" */
  atomic_ulong messages[NCHANNEL][NOUTCOME];
  atomic_ulong lag_bucket[NLAG]; /* non-cumulative, as the routes' */
  atomic_ulong lag_count;
  atomic_ullong lag_sum_us;
};

metrics *metrics_create(const char *const *route_names, size_t nroutes) {
  metrics *m = calloc(1, sizeof *m);
  m->names = route_names;
  m->nroutes = nroutes;
  m->routes = calloc(nroutes + 1, sizeof *m->routes);
  return m;
}

void metrics_destroy(metrics *m) {
  if (m) {
    free(m->routes);
    free(m);
  }
}

void metrics_observe(metrics *m, int route, int status, double seconds) {
  route_counters *rc = &m->routes[route < 0 ? m->nroutes : (size_t)route];
  size_t s = 0;
  while (s < NSTATUS - 1 && STATUSES[s] != status)
    s++;
  atomic_fetch_add(&rc->by_status[s], 1);
  size_t b = 0;
  while (b < NBUCKET && seconds > BUCKETS[b])
    b++;
  if (b < NBUCKET)
    atomic_fetch_add(&rc->bucket[b], 1);
  atomic_fetch_add(&rc->count, 1);
  atomic_fetch_add(&rc->sum_us, (unsigned long long)(seconds * 1e6));
}

void metrics_analytics_lag(metrics *m, double seconds) {
  size_t b = 0;
  while (b < NLAG && seconds > LAG_BUCKETS[b])
    b++;
  if (b < NLAG)
    atomic_fetch_add(&m->lag_bucket[b], 1);
  atomic_fetch_add(&m->lag_count, 1);
  atomic_fetch_add(&m->lag_sum_us, (unsigned long long)(seconds * 1e6));
}

void metrics_message(metrics *m, const char *channel, const char *outcome) {
  for (int c = 0; c < NCHANNEL; c++)
    for (int o = 0; o < NOUTCOME; o++)
      if (strcmp(CHANNELS[c], channel) == 0 && strcmp(OUTCOMES[o], outcome) == 0)
        atomic_fetch_add(&m->messages[c][o], 1);
}

/* A growable text buffer for rendering. */
typedef struct sbuf {
  char *data;
  size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    b->cap = b->cap * 2 + (size_t)n + 64;
    b->data = realloc(b->data, b->cap);
  }
}

char *metrics_render(metrics *m, db_pool *pool) {
  sbuf b = {malloc(4096), 0, 4096};
  sb_printf(&b, "# HELP cadence_http_requests_total HTTP requests by route and status.\n"
                "# TYPE cadence_http_requests_total counter\n");
  for (size_t r = 0; r <= m->nroutes; r++) {
    const char *name = r < m->nroutes ? m->names[r] : "unmatched";
    for (size_t s = 0; s < NSTATUS; s++) {
      unsigned long n = atomic_load(&m->routes[r].by_status[s]);
      if (!n)
        continue;
      if (s < NSTATUS - 1)
        sb_printf(&b, "cadence_http_requests_total{route=\"%s\",status=\"%d\"} %lu\n", name, STATUSES[s], n);
      else
        sb_printf(&b, "cadence_http_requests_total{route=\"%s\",status=\"other\"} %lu\n", name, n);
    }
  }
  sb_printf(&b, "# HELP cadence_http_request_duration_seconds Request latency by route.\n"
                "# TYPE cadence_http_request_duration_seconds histogram\n");
  for (size_t r = 0; r <= m->nroutes; r++) {
    route_counters *rc = &m->routes[r];
    unsigned long count = atomic_load(&rc->count);
    if (!count)
      continue;
    const char *name = r < m->nroutes ? m->names[r] : "unmatched";
    unsigned long cum = 0;
    for (size_t i = 0; i < NBUCKET; i++) {
      cum += atomic_load(&rc->bucket[i]);
      sb_printf(&b, "cadence_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n", name, BUCKETS[i],
                cum);
    }
    sb_printf(&b, "cadence_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n", name, count);
    sb_printf(&b, "cadence_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
              (double)atomic_load(&rc->sum_us) / 1e6);
    sb_printf(&b, "cadence_http_request_duration_seconds_count{route=\"%s\"} %lu\n", name, count);
  }
  sb_printf(&b, "# HELP cadence_messages_total Provider calls by channel and outcome (this process).\n"
                "# TYPE cadence_messages_total counter\n");
  for (int c = 0; c < NCHANNEL; c++)
    for (int o = 0; o < NOUTCOME; o++)
      sb_printf(&b, "cadence_messages_total{channel=\"%s\",outcome=\"%s\"} %lu\n", CHANNELS[c], OUTCOMES[o],
                atomic_load(&m->messages[c][o]));
  sb_printf(&b, "# HELP cadence_analytics_lag_seconds From a write to its visits relinked for the figures "
                "(this process's upkeep job).\n# TYPE cadence_analytics_lag_seconds histogram\n");
  unsigned long lag_cum = 0;
  for (size_t i = 0; i < NLAG; i++) {
    lag_cum += atomic_load(&m->lag_bucket[i]);
    sb_printf(&b, "cadence_analytics_lag_seconds_bucket{le=\"%g\"} %lu\n", LAG_BUCKETS[i], lag_cum);
  }
  sb_printf(&b, "cadence_analytics_lag_seconds_bucket{le=\"+Inf\"} %lu\n", atomic_load(&m->lag_count));
  sb_printf(&b, "cadence_analytics_lag_seconds_sum %.6f\ncadence_analytics_lag_seconds_count %lu\n",
            (double)atomic_load(&m->lag_sum_us) / 1e6, atomic_load(&m->lag_count));
  db_stats st;
  db_pool_stats(pool, &st);
  sb_printf(&b,
            "# HELP cadence_db_pool_size Configured database connections.\n"
            "# TYPE cadence_db_pool_size gauge\ncadence_db_pool_size %d\n"
            "# HELP cadence_db_pool_in_use Database connections borrowed now.\n"
            "# TYPE cadence_db_pool_in_use gauge\ncadence_db_pool_in_use %d\n"
            "# HELP cadence_db_pool_acquired_total Connections handed out.\n"
            "# TYPE cadence_db_pool_acquired_total counter\ncadence_db_pool_acquired_total %lu\n"
            "# HELP cadence_db_pool_timeouts_total Acquires that timed out (answered 503).\n"
            "# TYPE cadence_db_pool_timeouts_total counter\ncadence_db_pool_timeouts_total %lu\n"
            "# HELP cadence_db_reconnects_total Lost connections re-established.\n"
            "# TYPE cadence_db_reconnects_total counter\ncadence_db_reconnects_total %lu\n",
            st.size, st.in_use, st.acquired, st.timeouts, st.reconnects);
  return b.data;
}
