/* app.h: the process-wide context built in main and handed to every request:
 * configuration, the database pool, metrics and the route table. */
#ifndef CADENCE_APP_H
#define CADENCE_APP_H

#include <stdatomic.h>

#include "config.h"
#include "db.h"
#include "http.h"
#include "metrics.h"
#include "timezones.h"

struct cad_app {
  cad_config cfg;
  db_pool *pool;
  metrics *metrics;
  tz_set *zones;               /* IANA zone names, loaded once at start */
  const http_route *routes;
  size_t nroutes;
  const char **route_methods;  /* columns of routes, for router_match */
  const char **route_patterns;
  atomic_int in_flight;        /* requests between first call and completion */
};

#endif
