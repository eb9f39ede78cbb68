/* config.c: environment parsing with explicit bounds for every number. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool read_int(const char *name, long def, long min, long max, long *out, char *msg,
                     size_t msg_len) {
  const char *v = getenv(name);
  if (!v || !*v) {
    *out = def;
    return true;
  }
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || *end || n < min || n > max) {
    snprintf(msg, msg_len, "%s must be an integer between %ld and %ld", name, min, max);
    return false;
  }
  *out = n;
  return true;
}

static const char *read_str(const char *name, const char *def) {
  const char *v = getenv(name);
  return (v && *v) ? v : def;
}

bool config_load(cad_config *cfg, char *msg, size_t msg_len) {
  long port, threads, conns, timeout, body, pool, acquire, stmt, grace;
  if (!read_int("PORT", 8080, 1, 65535, &port, msg, msg_len) ||
      !read_int("HTTP_THREADS", 4, 1, 256, &threads, msg, msg_len) ||
      !read_int("HTTP_MAX_CONNECTIONS", 1000, 1, 100000, &conns, msg, msg_len) ||
      !read_int("HTTP_CONNECTION_TIMEOUT_S", 30, 1, 3600, &timeout, msg, msg_len) ||
      !read_int("HTTP_MAX_BODY_BYTES", 1 << 20, 1024, 1L << 30, &body, msg, msg_len) ||
      !read_int("DB_POOL_SIZE", 8, 1, 512, &pool, msg, msg_len) ||
      !read_int("DB_ACQUIRE_TIMEOUT_MS", 2000, 1, 600000, &acquire, msg, msg_len) ||
      !read_int("DB_STATEMENT_TIMEOUT_MS", 10000, 0, 3600000, &stmt, msg, msg_len) ||
      !read_int("SHUTDOWN_GRACE_S", 20, 0, 3600, &grace, msg, msg_len))
    return false;
  cfg->port = (int)port;
  cfg->http_threads = (int)threads;
  cfg->http_max_connections = (int)conns;
  cfg->http_timeout_s = (int)timeout;
  cfg->max_body_bytes = (size_t)body;
  cfg->db_pool_size = (int)pool;
  cfg->db_acquire_timeout_ms = (int)acquire;
  cfg->db_statement_timeout_ms = (int)stmt;
  cfg->shutdown_grace_s = (int)grace;
  cfg->bind_address = read_str("BIND_ADDRESS", "127.0.0.1");
  cfg->cors_origins = read_str("CORS_ORIGINS", "");
  cfg->admin_key = read_str("CADENCE_ADMIN_KEY", NULL);
  cfg->database_url = read_str("DATABASE_URL", NULL);
  if (!cfg->database_url) {
    snprintf(msg, msg_len, "DATABASE_URL is required (make run sets up a local database)");
    return false;
  }
  if (cfg->admin_key && strlen(cfg->admin_key) < 32) {
    snprintf(msg, msg_len, "CADENCE_ADMIN_KEY must be at least 32 characters");
    return false;
  }
  return true;
}

bool config_origin_allowed(const cad_config *cfg, const char *origin) {
  if (!origin || !*origin || !*cfg->cors_origins)
    return false;
  if (strcmp(cfg->cors_origins, "*") == 0)
    return true;
  size_t olen = strlen(origin);
  const char *p = cfg->cors_origins;
  while (*p) {
    while (*p == ' ' || *p == ',')
      p++;
    const char *start = p;
    while (*p && *p != ',')
      p++;
    const char *end = p;
    while (end > start && end[-1] == ' ')
      end--;
    if ((size_t)(end - start) == olen && memcmp(start, origin, olen) == 0)
      return true;
  }
  return false;
}
