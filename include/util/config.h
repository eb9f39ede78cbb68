/* config.h: settings read once from the environment (12-factor).
 * Every variable is documented in README.md; a bad value stops start-up. */
#ifndef CADENCE_CONFIG_H
#define CADENCE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "sealing.h"

/* The most provider requests one worker has in flight at once (the bound of DISPATCH_CONCURRENCY). */
enum { PROVIDERS_MAX_BATCH = 32 };

/* The providers' settings (TWILIO_*, SENDGRID_*, PROVIDER_*). */
typedef struct provider_config {
  const char *twilio_base;               /* TWILIO_BASE_URL */
  const char *twilio_account_sid;        /* TWILIO_ACCOUNT_SID */
  const char *twilio_user, *twilio_pass; /* API key SID + secret, or account SID + auth token */
  const char *sendgrid_base;             /* SENDGRID_BASE_URL */
  const char *sendgrid_key;              /* SENDGRID_API_KEY */
  const char *sendgrid_inbound_domain;   /* SENDGRID_INBOUND_DOMAIN: emails carry Reply-To reply+<id>@it */
  const char *public_base_url;           /* PUBLIC_BASE_URL, for status callbacks and links */
  long connect_timeout_ms, timeout_ms;
  long keepalive_idle_s; /* PROVIDER_KEEPALIVE_IDLE_S: idle connections older are not reused */
} provider_config;

/* The worker pool's settings (DISPATCH_*). */
typedef struct dispatch_config {
  const char *database_url;
  int workers;            /* DISPATCH_WORKERS; 0 disables dispatch in this process */
  int batch;              /* DISPATCH_BATCH: rows claimed at once */
  int concurrency;        /* DISPATCH_CONCURRENCY: provider requests a worker has in flight at once */
  int lease_s;            /* DISPATCH_LEASE_S: a claim not finished by then is recovered */
  int max_attempts;       /* DISPATCH_MAX_ATTEMPTS before a message is dead */
  long retry_base_ms;     /* DISPATCH_RETRY_BASE_MS: first retry delay, doubled each time */
  long retry_cap_ms;      /* DISPATCH_RETRY_CAP_MS */
  double rate_per_sender; /* DISPATCH_RATE_PER_SENDER: messages per second per sender */
  provider_config providers;
} dispatch_config;

typedef struct cad_config {
  const char *database_url;         /* DATABASE_URL (required): the serving role, with only what it needs */
  const char *migration_url;        /* MIGRATION_DATABASE_URL: the role that owns the schema (default DATABASE_URL) */
  sealing_key secrets_key;          /* SECRETS_KEY (required to serve): seals the secrets stored in the database */
  sealing_key secrets_key_previous; /* SECRETS_KEY_PREVIOUS: opens what the key before it sealed */
  const char *bind_address;         /* BIND_ADDRESS, default 127.0.0.1 */
  char metrics_host[64];            /* METRICS_ADDRESS host: Prometheus scrapes /metrics there, no key */
  int metrics_port;                 /* METRICS_ADDRESS port, default 9464; 0: no metrics listener */
  const char *metrics_token;        /* METRICS_TOKEN: with it, /metrics also on the API port with this bearer */
  int port;                         /* PORT, default 8080 */
  int http_threads;                 /* HTTP_THREADS, default 4 */
  int http_max_connections;         /* HTTP_MAX_CONNECTIONS, default 4000 */
  int http_timeout_s;               /* HTTP_CONNECTION_TIMEOUT_S, default 30: idle while a request is read */
  int http_head_timeout_s; /* HTTP_HEAD_TIMEOUT_S, default 10: idle before a request's head (and between requests) */
  int http_max_connections_per_ip; /* HTTP_MAX_CONNECTIONS_PER_IP, default 32; 0: no limit (behind a proxy) */
  size_t max_body_bytes;           /* HTTP_MAX_BODY_BYTES, default 1 MiB */
  size_t import_max_bytes;         /* IMPORT_MAX_BYTES: streamed CSV imports, default 256 MiB */
  int db_pool_size;                /* DB_POOL_SIZE, default 8 */
  int db_acquire_timeout_ms;       /* DB_ACQUIRE_TIMEOUT_MS, default 2000 */
  int db_statement_timeout_ms;     /* DB_STATEMENT_TIMEOUT_MS, default 10000 */
  const char *cors_origins;        /* CORS_ORIGINS, comma-separated, default none */
  const char *admin_key;           /* CADENCE_ADMIN_KEY, optional bootstrap key */
  int shutdown_grace_s;            /* SHUTDOWN_GRACE_S, default 20 */
  dispatch_config dispatch;        /* DISPATCH_*, TWILIO_*, SENDGRID_*, PROVIDER_*, PUBLIC_BASE_URL */
  char public_base_url[256];
  const char *twilio_webhook_token;    /* TWILIO_AUTH_TOKEN: verifies X-Twilio-Signature */
  int pms_tolerance_s;                 /* PMS_WEBHOOK_TOLERANCE_S, default 300 (also SendGrid's window) */
  const char *sendgrid_webhook_key;    /* SENDGRID_WEBHOOK_PUBLIC_KEY: base64 DER of the P-256 key */
  const char *sendgrid_inbound_secret; /* SENDGRID_INBOUND_SECRET: the Basic password of Inbound Parse's URL */
  const char *booking_link_secret;     /* BOOKING_LINK_SECRET: signs booking links (default: made and kept in the DB) */
  long booking_link_ttl_s;             /* BOOKING_LINK_TTL_S, default 30 days */
  int loyalty_expiry_interval_s;       /* LOYALTY_EXPIRY_INTERVAL_S: how often points past their date expire */
  int report_check_interval_s;         /* REPORT_CHECK_INTERVAL_S: how often weekly reports due are made and emailed */
  int analytics_per_practice; /* ANALYTICS_CONCURRENCY: one practice's analytics calls at once, across replicas */
  long webhook_retry_base_ms; /* WEBHOOK_RETRY_BASE_MS: an event delivery's first retry, times 4 after each */
  bool webhook_allow_private; /* WEBHOOK_ALLOW_PRIVATE: endpoints may be http:// and private addresses */
} cad_config;

/* Reads the environment into cfg; on a bad value writes a message to msg and returns false. */
bool config_load(cad_config *cfg, char *msg, size_t msg_len);

/* True when origin is one of the comma-separated CORS_ORIGINS (or the list is "*"). */
bool config_origin_allowed(const cad_config *cfg, const char *origin);

#endif
