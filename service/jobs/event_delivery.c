/* event_delivery.c: see event_delivery.h. Deliveries are claimed with SKIP LOCKED, so replicas running the
 * job share them; an endpoint gets one request at a time from each replica. */
#include "event_delivery.h"
#include "events_sql.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "events.h"
#include "job.h"
#include "log.h"

enum { BATCH = 20, INTERVAL_S = 1, LEASE_MS = 60000, CONNECT_MS = 5000, TIMEOUT_MS = 10000 };
static const long CAP_MS = 6L * 3600 * 1000;

static struct {
  job *job;
  long retry_base_ms;
  bool allow_private;
} delivery;

long event_delivery_backoff_ms(long base, int attempt) {
  long wait = base;
  for (int i = 1; i < attempt && wait < CAP_MS; i++)
    wait *= 4;
  return wait < CAP_MS ? wait : CAP_MS;
}

static curl_socket_t open_checked(void *ctx, curlsocktype purpose, struct curl_sockaddr *a) {
  (void)ctx;
  if (purpose != CURLSOCKTYPE_IPCXN || !events_public_address(&a->addr))
    return CURL_SOCKET_BAD;
  return socket(a->family, a->socktype, a->protocol);
}

static size_t keep_some(char *data, size_t size, size_t n, void *ctx) {
  (void)data, (void)ctx;
  return size * n; /* the endpoint's answer is not needed, only its status */
}

/* POSTs the event; the HTTP status, or 0 with why in error when there was no answer. */
static long post(const char *url, const char *secret, const char *event_id, const char *body, char error[160]) {
  CURL *c = curl_easy_init();
  if (!c) {
    snprintf(error, 160, "no HTTP client");
    return 0;
  }
  char sig[EVENTS_SIGNATURE_MAX], h_sig[EVENTS_SIGNATURE_MAX + 24], h_id[64];
  events_signature(secret, (long long)time(NULL), body, sig);
  snprintf(h_sig, sizeof h_sig, "Cadence-Signature: %s", sig);
  snprintf(h_id, sizeof h_id, "Cadence-Event-Id: %s", event_id);
  struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
  h = curl_slist_append(h, h_sig);
  h = curl_slist_append(h, h_id);
  h = curl_slist_append(h, "User-Agent: Cadence-Webhooks/1");
  h = curl_slist_append(h, "Expect:");
  char curl_error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_some);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_MS);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)TIMEOUT_MS);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);
  if (!delivery.allow_private)
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_checked);
  long status = 0;
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  else if (rc == CURLE_COULDNT_CONNECT && !delivery.allow_private)
    snprintf(error, 160, "could not connect (addresses on this machine or a private network are refused)");
  else
    snprintf(error, 160, "%.150s", *curl_error ? curl_error : curl_easy_strerror(rc));
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return status;
}

static void record(db_conn *c, db_result *r, int i, long status, const char *error) {
  cad_error err;
  char st[12], wait[24], max[12];
  snprintf(st, sizeof st, "%ld", status);
  const char *keys[] = {db_text(r, i, 0), db_text(r, i, 1), db_text(r, i, 2)};
  bool ok;
  if (status >= 200 && status < 300) {
    const char *p[] = {keys[0], keys[1], keys[2], st};
    ok = db_run(c, &EV_DELIVERED, 4, p, &err);
  } else {
    snprintf(wait, sizeof wait, "%ld", event_delivery_backoff_ms(delivery.retry_base_ms, atoi(db_text(r, i, 3))));
    snprintf(max, sizeof max, "%d", EVENT_DELIVERY_MAX_ATTEMPTS);
    const char *p[] = {keys[0], keys[1], keys[2], status ? st : NULL, wait, max, error};
    ok = db_run(c, &EV_RETRY, 7, p, &err);
  }
  if (!ok) /* the lease ends and the delivery is retried: a receiver deduplicates by event id */
    log_json("warn", "a webhook delivery's outcome was not recorded", json_pack("{s:s}", "error", err.code));
}

static bool deliver_tick(db_conn *c, void *ctx, const atomic_int *stop) {
  (void)ctx;
  cad_error err;
  if (!events_publish(c, &err)) {
    log_json("warn", "events not published; retried next tick", json_pack("{s:s}", "error", err.code));
    return false;
  }
  char batch[12], lease[12];
  snprintf(batch, sizeof batch, "%d", BATCH);
  snprintf(lease, sizeof lease, "%d", LEASE_MS);
  const char *p[] = {batch, lease};
  db_result *r = db_exec(c, &EV_CLAIM, 2, p, &err);
  if (!r)
    return false;
  int n = db_rows(r);
  for (int i = 0; i < n && !atomic_load(stop); i++) {
    char *secret = events_open_secret(db_text(r, i, 0), db_text(r, i, 1), db_value(r, i, 5), db_value(r, i, 6));
    char error[160] = "";
    long status = 0;
    if (!secret)
      snprintf(error, sizeof error, "the endpoint's secret does not open with SECRETS_KEY");
    else
      status = post(db_text(r, i, 4), secret, db_text(r, i, 7), db_text(r, i, 8), error);
    if (!status && !*error)
      snprintf(error, sizeof error, "no answer");
    if (status && (status < 200 || status >= 300))
      snprintf(error, sizeof error, "answered %ld", status);
    if (secret) {
      OPENSSL_cleanse(secret, strlen(secret));
      free(secret);
    }
    record(c, r, i, status, error);
  }
  db_free(r);
  return n == BATCH;
}

void event_delivery_start(const char *database_url, long retry_base_ms, bool allow_private) {
  delivery.retry_base_ms = retry_base_ms;
  delivery.allow_private = allow_private;
  delivery.job = job_start("events", database_url, 60000, INTERVAL_S, deliver_tick, NULL);
}

void event_delivery_stop(void) {
  job_stop(delivery.job);
  delivery.job = NULL;
}
