/* config.c: environment parsing with explicit bounds for every number. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool read_int(const char *name, long def, long min, long max, long *out, char *msg, size_t msg_len) {
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

/* Letters, digits, dashes and dots, with a dot, as a receiving domain is. */
static bool valid_hostname(const char *s) {
  size_t n = strlen(s);
  bool ok = n > 2 && n < 200 && strchr(s, '.') && s[0] != '.' && s[n - 1] != '.';
  for (size_t i = 0; ok && i < n; i++)
    ok = isalnum((unsigned char)s[i]) || s[i] == '-' || (s[i] == '.' && s[i + 1] != '.');
  return ok;
}

static const char *read_str(const char *name, const char *def) {
  const char *v = getenv(name);
  return (v && *v) ? v : def;
}

/* The dispatcher and its providers. Twilio authenticates with an API key SID
 * and secret when given, else with the account SID and auth token. */
static bool load_dispatch(cad_config *cfg, char *msg, size_t msg_len) {
  dispatch_config *d = &cfg->dispatch;
  long workers, batch, concurrency, lease, attempts, base, cap, rate, connect, timeout, idle;
  if (!read_int("DISPATCH_WORKERS", 2, 0, 64, &workers, msg, msg_len) ||
      !read_int("DISPATCH_BATCH", 10, 1, 1000, &batch, msg, msg_len) ||
      !read_int("DISPATCH_CONCURRENCY", 8, 1, PROVIDERS_MAX_BATCH, &concurrency, msg, msg_len) ||
      !read_int("DISPATCH_LEASE_S", 60, 1, 3600, &lease, msg, msg_len) ||
      !read_int("DISPATCH_MAX_ATTEMPTS", 5, 1, 100, &attempts, msg, msg_len) ||
      !read_int("DISPATCH_RETRY_BASE_MS", 30000, 1, 86400000, &base, msg, msg_len) ||
      !read_int("DISPATCH_RETRY_CAP_MS", 3600000, 1, 86400000, &cap, msg, msg_len) ||
      !read_int("DISPATCH_RATE_PER_SENDER", 10, 1, 10000, &rate, msg, msg_len) ||
      !read_int("PROVIDER_CONNECT_TIMEOUT_MS", 3000, 10, 60000, &connect, msg, msg_len) ||
      !read_int("PROVIDER_TIMEOUT_MS", 10000, 10, 600000, &timeout, msg, msg_len) ||
      !read_int("PROVIDER_KEEPALIVE_IDLE_S", 20, 1, 3600, &idle, msg, msg_len))
    return false;
  if (lease * 1000 <= connect + timeout) {
    snprintf(msg, msg_len, "DISPATCH_LEASE_S must exceed PROVIDER_CONNECT_TIMEOUT_MS + PROVIDER_TIMEOUT_MS");
    return false;
  }
  d->workers = (int)workers;
  d->batch = (int)batch;
  d->concurrency = (int)concurrency;
  d->lease_s = (int)lease;
  d->max_attempts = (int)attempts;
  d->retry_base_ms = base;
  d->retry_cap_ms = cap;
  d->rate_per_sender = (double)rate;
  provider_config *p = &d->providers;
  p->connect_timeout_ms = connect;
  p->timeout_ms = timeout;
  p->keepalive_idle_s = idle;
  p->twilio_base = read_str("TWILIO_BASE_URL", "https://api.twilio.com");
  p->twilio_account_sid = read_str("TWILIO_ACCOUNT_SID", NULL);
  const char *key_sid = read_str("TWILIO_API_KEY_SID", NULL), *key_secret = read_str("TWILIO_API_KEY_SECRET", NULL);
  const char *token = read_str("TWILIO_AUTH_TOKEN", NULL);
  p->twilio_user = key_sid ? key_sid : token ? p->twilio_account_sid : NULL;
  p->twilio_pass = key_sid ? key_secret : token;
  if ((key_sid || token) && (!p->twilio_account_sid || !p->twilio_pass)) {
    snprintf(msg, msg_len,
             "Twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY_SID and "
             "TWILIO_API_KEY_SECRET)");
    return false;
  }
  cfg->twilio_webhook_token = token;
  long tolerance;
  if (!read_int("PMS_WEBHOOK_TOLERANCE_S", 300, 1, 86400, &tolerance, msg, msg_len))
    return false;
  cfg->pms_tolerance_s = (int)tolerance;
  p->sendgrid_base = read_str("SENDGRID_BASE_URL", "https://api.sendgrid.com");
  p->sendgrid_key = read_str("SENDGRID_API_KEY", NULL);
  cfg->sendgrid_webhook_key = read_str("SENDGRID_WEBHOOK_PUBLIC_KEY", NULL);
  cfg->sendgrid_inbound_secret = read_str("SENDGRID_INBOUND_SECRET", NULL);
  if (cfg->sendgrid_inbound_secret &&
      (strlen(cfg->sendgrid_inbound_secret) < 24 || strlen(cfg->sendgrid_inbound_secret) > 128)) {
    snprintf(msg, msg_len, "SENDGRID_INBOUND_SECRET must be 24 to 128 characters");
    return false;
  }
  p->sendgrid_inbound_domain = read_str("SENDGRID_INBOUND_DOMAIN", NULL);
  if (p->sendgrid_inbound_domain && !valid_hostname(p->sendgrid_inbound_domain)) {
    snprintf(msg, msg_len, "SENDGRID_INBOUND_DOMAIN must be a host name (the Inbound Parse receiving domain)");
    return false;
  }
  cfg->booking_link_secret = read_str("BOOKING_LINK_SECRET", NULL);
  if (cfg->booking_link_secret && (strlen(cfg->booking_link_secret) < 32 || strlen(cfg->booking_link_secret) > 128)) {
    snprintf(msg, msg_len, "BOOKING_LINK_SECRET must be 32 to 128 characters");
    return false;
  }
  long ttl;
  if (!read_int("BOOKING_LINK_TTL_S", 30 * 86400, 1, 366 * 86400, &ttl, msg, msg_len))
    return false;
  cfg->booking_link_ttl_s = ttl;
  long expiry;
  if (!read_int("LOYALTY_EXPIRY_INTERVAL_S", 3600, 1, 86400, &expiry, msg, msg_len))
    return false;
  cfg->loyalty_expiry_interval_s = (int)expiry;
  long report_check;
  if (!read_int("REPORT_CHECK_INTERVAL_S", 300, 1, 86400, &report_check, msg, msg_len))
    return false;
  cfg->report_check_interval_s = (int)report_check;
  long analytics;
  if (!read_int("ANALYTICS_CONCURRENCY", 2, 1, 64, &analytics, msg, msg_len))
    return false;
  cfg->analytics_per_practice = (int)analytics;
  if (!read_int("WEBHOOK_RETRY_BASE_MS", 30000, 10, 3600000, &cfg->webhook_retry_base_ms, msg, msg_len))
    return false;
  /* Endpoints are the practice's to name: by default only https to public addresses, so a key cannot turn
   * Cadence against its own network (the metadata service, the database). Development and tests allow more. */
  const char *allow = read_str("WEBHOOK_ALLOW_PRIVATE", "false");
  if (strcmp(allow, "true") != 0 && strcmp(allow, "false") != 0) {
    snprintf(msg, msg_len, "WEBHOOK_ALLOW_PRIVATE must be true or false");
    return false;
  }
  cfg->webhook_allow_private = strcmp(allow, "true") == 0;
  const char *pub = read_str("PUBLIC_BASE_URL", NULL);
  if (pub)
    snprintf(cfg->public_base_url, sizeof cfg->public_base_url, "%s", pub);
  else
    snprintf(cfg->public_base_url, sizeof cfg->public_base_url, "http://127.0.0.1:%d", cfg->port);
  size_t n = strlen(cfg->public_base_url);
  if (n && cfg->public_base_url[n - 1] == '/')
    cfg->public_base_url[n - 1] = 0; /* links append "/v1/..." */
  p->public_base_url = cfg->public_base_url;
  return true;
}

bool config_load(cad_config *cfg, char *msg, size_t msg_len) {
  long port, threads, conns, per_ip, timeout, head_timeout, body, import_body, pool, acquire, stmt, grace;
  if (!read_int("PORT", 8080, 1, 65535, &port, msg, msg_len) ||
      !read_int("HTTP_THREADS", 4, 1, 256, &threads, msg, msg_len) ||
      !read_int("HTTP_MAX_CONNECTIONS", 4000, 1, 100000, &conns, msg, msg_len) ||
      !read_int("HTTP_MAX_CONNECTIONS_PER_IP", 32, 0, 100000, &per_ip, msg, msg_len) ||
      !read_int("HTTP_CONNECTION_TIMEOUT_S", 30, 1, 3600, &timeout, msg, msg_len) ||
      !read_int("HTTP_HEAD_TIMEOUT_S", 10, 1, 3600, &head_timeout, msg, msg_len) ||
      !read_int("HTTP_MAX_BODY_BYTES", 1 << 20, 1024, 1L << 30, &body, msg, msg_len) ||
      !read_int("IMPORT_MAX_BYTES", 256L << 20, 1024, 16L << 30, &import_body, msg, msg_len) ||
      !read_int("DB_POOL_SIZE", 8, 1, 512, &pool, msg, msg_len) ||
      !read_int("DB_ACQUIRE_TIMEOUT_MS", 2000, 1, 600000, &acquire, msg, msg_len) ||
      !read_int("DB_STATEMENT_TIMEOUT_MS", 10000, 0, 3600000, &stmt, msg, msg_len) ||
      !read_int("SHUTDOWN_GRACE_S", 20, 0, 3600, &grace, msg, msg_len))
    return false;
  cfg->port = (int)port;
  cfg->http_threads = (int)threads;
  cfg->http_max_connections = (int)conns;
  cfg->http_timeout_s = (int)timeout;
  cfg->http_max_connections_per_ip = (int)per_ip;
  cfg->http_head_timeout_s = (int)head_timeout;
  cfg->max_body_bytes = (size_t)body;
  cfg->import_max_bytes = (size_t)import_body;
  cfg->db_pool_size = (int)pool;
  cfg->db_acquire_timeout_ms = (int)acquire;
  cfg->db_statement_timeout_ms = (int)stmt;
  cfg->shutdown_grace_s = (int)grace;
  if (!load_dispatch(cfg, msg, msg_len))
    return false;
  cfg->bind_address = read_str("BIND_ADDRESS", "127.0.0.1");
  /* Metrics tell traffic and outcomes: a separate listener, loopback by default (or "off"). */
  const char *maddr = read_str("METRICS_ADDRESS", "127.0.0.1:9464");
  const char *colon = strrchr(maddr, ':');
  char *end = NULL;
  long mport = colon ? strtol(colon + 1, &end, 10) : 0;
  if (strcmp(maddr, "off") == 0) {
    cfg->metrics_port = 0;
  } else if (!colon || colon == maddr || (size_t)(colon - maddr) >= sizeof cfg->metrics_host || !end || *end ||
             mport < 1 || mport > 65535) {
    snprintf(msg, msg_len, "METRICS_ADDRESS must be HOST:PORT (an IPv4 address) or off");
    return false;
  } else {
    snprintf(cfg->metrics_host, sizeof cfg->metrics_host, "%.*s", (int)(colon - maddr), maddr);
    cfg->metrics_port = (int)mport;
  }
  cfg->metrics_token = read_str("METRICS_TOKEN", NULL);
  if (cfg->metrics_token && strlen(cfg->metrics_token) < 32) {
    snprintf(msg, msg_len, "METRICS_TOKEN must be at least 32 characters");
    return false;
  }
  cfg->cors_origins = read_str("CORS_ORIGINS", "");
  cfg->admin_key = read_str("CADENCE_ADMIN_KEY", NULL);
  cfg->database_url = read_str("DATABASE_URL", NULL);
  cfg->dispatch.database_url = cfg->database_url;
  if (!cfg->database_url) {
    snprintf(msg, msg_len, "DATABASE_URL is required (make run sets up a local database)");
    return false;
  }
  cfg->migration_url = read_str("MIGRATION_DATABASE_URL", cfg->database_url);
  const char *key = read_str("SECRETS_KEY", NULL);
  cfg->secrets_key = (sealing_key){0};
  if (key && !sealing_parse_key(key, &cfg->secrets_key)) {
    snprintf(msg, msg_len,
             "SECRETS_KEY must be 32 random bytes as 64 hex characters or base64 "
             "(openssl rand -hex 32)");
    return false;
  }
  const char *previous = read_str("SECRETS_KEY_PREVIOUS", NULL);
  cfg->secrets_key_previous = (sealing_key){0};
  if (previous && !sealing_parse_key(previous, &cfg->secrets_key_previous)) {
    snprintf(msg, msg_len, "SECRETS_KEY_PREVIOUS must be 32 bytes as 64 hex characters or base64");
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
