/* providers.h: sending one message through Twilio (SMS), SendGrid (email) or
 * the console (development: no credentials configured), and classifying the
 * outcome: sent, retry later, permanent failure, or unknown (the request may
 * have reached the provider: never resend). */
#ifndef CADENCE_PROVIDERS_H
#define CADENCE_PROVIDERS_H

#include <stdbool.h>

#include "config.h"

typedef enum { SEND_OK, SEND_RETRY, SEND_PERMANENT, SEND_UNKNOWN } send_outcome;

typedef struct send_result {
  send_outcome outcome;
  char provider_id[96];  /* Twilio sid or SendGrid X-Message-Id */
  char error[240];       /* provider error code and message, for the message row (not logs) */
  int http_status;
  int provider_code;     /* Twilio error code (21610 = recipient opted out), 0 if none */
  long retry_after_ms;   /* from Retry-After or X-RateLimit-Reset, -1 if none */
} send_result;

typedef struct outgoing {
  const char *message_id, *channel, *to, *from, *from_name, *subject, *body, *unsubscribe_url;
} outgoing;

typedef struct provider_session provider_session;

/* A session per worker thread keeps its HTTP connections alive between sends. */
provider_session *providers_open(const provider_config *cfg);
void providers_close(provider_session *s);

/* "twilio", "sendgrid" or "console": who sends on channel with this configuration. */
const char *providers_name(const provider_config *cfg, const char *channel);

/* Sends m and classifies the outcome into r. */
void providers_send(provider_session *s, const outgoing *m, send_result *r);
/* Sends n (at most PROVIDERS_MAX_BATCH) messages at once, concurrently; rs[i] is the outcome of ms[i]. */
void providers_send_batch(provider_session *s, const outgoing *ms, int n, send_result *rs);

#endif
