/* events.c: see events.h. */
#include "events.h"
#include "events_sql.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "jsonspec.h"
#include "log.h"
#include "sealing.h"
#include "validate.h"

enum { SSE_BATCH = 100, MAX_URL = 2000 };

static const char *const TYPES[] = {"reply.received", "booking.created", "client.opted_out", "message.unknown",
                                    "flag.raised"};

bool events_publish(db_conn *c, cad_error *err) { return db_run(c, &EV_PUBLISH, 0, NULL, err); }

bool events_parse_after(const char *text, const char *field, long long *after, cad_error *err) {
  *after = 0;
  if (!text)
    return true;
  size_t n = strlen(text);
  bool ok = n > 0 && n <= 18;
  for (size_t i = 0; ok && i < n; i++)
    ok = text[i] >= '0' && text[i] <= '9';
  if (!ok)
    return cad_fail(err, "invalid_query", field, "'%s' must be an event id (digits)", field);
  *after = atoll(text);
  return true;
}

static db_result *after(db_conn *c, const char *practice_id, long long from, int limit, cad_error *err) {
  char a[24], l[12];
  snprintf(a, sizeof a, "%lld", from);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {practice_id, a, l};
  return db_exec(c, &EV_AFTER, 3, p, err);
}

bool events_page(db_conn *c, const char *practice_id, long long from, int limit, json_t **out, cad_error *err) {
  db_result *r = after(c, practice_id, from, limit + 1, err);
  if (!r)
    return false;
  int n = db_rows(r), shown = n > limit ? limit : n;
  json_t *data = json_array();
  long long last = from;
  for (int i = 0; i < shown; i++) {
    json_array_append_new(data, db_json(r, i, 0));
    last = atoll(db_text(r, i, 1));
  }
  db_free(r);
  char next[24];
  snprintf(next, sizeof next, "%lld", last);
  *out = json_pack("{s:o,s:s,s:b}", "data", data, "next_after", next, "has_more", n > limit);
  return true;
}

bool events_latest(db_conn *c, const char *practice_id, long long *latest, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &EV_LATEST, 1, p, err);
  if (!r)
    return false;
  *latest = atoll(db_text(r, 0, 0));
  db_free(r);
  return true;
}

bool events_sse_text(db_conn *c, const char *practice_id, long long *from, char **text, cad_error *err) {
  *text = NULL;
  db_result *r = after(c, practice_id, *from, SSE_BATCH, err);
  if (!r)
    return false;
  int n = db_rows(r);
  if (n) {
    size_t len = 0;
    FILE *m = open_memstream(text, &len);
    for (int i = 0; i < n; i++) {
      json_t *e = db_json(r, i, 0);
      char *data = json_dumps(e, JSON_COMPACT); /* one line: JSON escapes every newline */
      fprintf(m, "id: %s\nevent: %s\ndata: %s\n\n", db_text(r, i, 1), json_string_value(json_object_get(e, "type")),
              data);
      free(data);
      json_decref(e);
    }
    fclose(m);
    *from = atoll(db_text(r, n - 1, 1));
  }
  db_free(r);
  return true;
}

/* ------------------------------------------------------------- endpoints */

static void secret_context(const char *practice_id, const char *id, char out[120]) {
  snprintf(out, 120, "webhook_endpoints.secret:%s:%s", practice_id, id);
}

bool events_public_address(const struct sockaddr *a) {
  if (a->sa_family == AF_INET) {
    const unsigned char *b = (const unsigned char *)&((const struct sockaddr_in *)a)->sin_addr;
    return !(b[0] == 10 || b[0] == 127 || b[0] == 0 || (b[0] == 169 && b[1] == 254) ||
             (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
             (b[0] == 100 && (b[1] & 0xc0) == 64) || b[0] >= 224);
  }
  if (a->sa_family == AF_INET6) {
    const unsigned char *b = ((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr;
    static const unsigned char zero[15] = {0};
    bool loopback_or_any = memcmp(b, zero, 15) == 0;
    bool mapped = memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff; /* ::ffff:a.b.c.d: judged as v4 */
    if (mapped) {
      struct sockaddr_in v4 = {.sin_family = AF_INET};
      memcpy(&v4.sin_addr, b + 12, 4);
      return events_public_address((const struct sockaddr *)&v4);
    }
    return !(loopback_or_any || (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff);
  }
  return false;
}

/* A host that names this machine or a private network, written as such (the delivery also checks every
 * address a name resolves to, at connect time). */
static bool private_host(const char *host) {
  size_t n = strlen(host);
  if (strcasecmp(host, "localhost") == 0 || (n > 10 && strcasecmp(host + n - 10, ".localhost") == 0))
    return true;
  struct sockaddr_in v4 = {.sin_family = AF_INET};
  if (inet_pton(AF_INET, host, &v4.sin_addr) == 1)
    return !events_public_address((const struct sockaddr *)&v4);
  return host[0] == '['; /* IPv6 literals: refused outright */
}

static bool valid_endpoint_url(const char *url, bool allow_private, cad_error *err) {
  size_t n = strlen(url);
  bool https = strncmp(url, "https://", 8) == 0, http = strncmp(url, "http://", 7) == 0;
  bool plain = n <= MAX_URL && valid_utf8(url, n);
  for (size_t i = 0; plain && i < n; i++)
    plain = (unsigned char)url[i] > ' ' && url[i] != 0x7f;
  if (!plain || (!https && !http)) /* before reading past a scheme a short string may not have */
    return FAIL_VALUE(err, "url", "'url' must be an absolute http(s) URL without credentials");
  const char *host = https ? url + 8 : url + 7;
  char h[256];
  size_t k = 0;
  while (host[k] && host[k] != '/' && host[k] != ':' && host[k] != '?' && host[k] != '#' && k + 1 < sizeof h) {
    h[k] = host[k];
    k++;
  }
  h[k] = 0;
  size_t authority = strcspn(host, "/?#");
  if (!k || memchr(host, '@', authority))
    return FAIL_VALUE(err, "url", "'url' must be an absolute http(s) URL without credentials");
  if (!allow_private && !https)
    return FAIL_VALUE(err, "url", "'url' must be https");
  if (!allow_private && private_host(h))
    return FAIL_VALUE(err, "url", "'url' must name a public host (not this machine or a private network)");
  return true;
}

static bool valid_types(json_t *types, cad_error *err) {
  for (size_t i = 0; i < json_array_size(types); i++) {
    const char *t = json_string_value(json_array_get(types, i));
    bool known = false;
    for (size_t k = 0; t && k < sizeof TYPES / sizeof TYPES[0]; k++)
      known = known || strcmp(t, TYPES[k]) == 0;
    for (size_t k = 0; known && k < i; k++)
      known = strcmp(t, json_string_value(json_array_get(types, k))) != 0;
    if (!known) {
      char field[40];
      snprintf(field, sizeof field, "event_types[%zu]", i);
      return FAIL_VALUE(err, field,
                        "'%s' must be one of reply.received, booking.created, client.opted_out, "
                        "message.unknown, flag.raised, once each",
                        field);
    }
  }
  return true;
}

bool events_endpoint_create(db_conn *c, const char *practice_id, json_t *body, bool allow_private, json_t **out,
                            cad_error *err) {
  const char *url = NULL, *desc = NULL;
  json_t *types_given = NULL;
  json_field spec[] = {{"url", JS_STRING, JS_REQUIRED, MAX_URL, &url, NULL},
                       {"event_types", JS_ARRAY, 0, 0, &types_given, NULL},
                       {"description", JS_STRING, JS_NULLABLE, 200, &desc, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (!jsonspec_parse(body, spec, NULL, err) || !valid_endpoint_url(url, allow_private, err) ||
      !valid_types(types_given, err))
    return false;
  char id[37], random[65], secret[72], context[120];
  if (!crypto_uuid(id) || !crypto_random_hex(random, 32))
    return FAIL_INTERNAL(err, "no randomness");
  snprintf(secret, sizeof secret, "whsec_%s", random);
  secret_context(practice_id, id, context);
  char *sealed = sealing_seal(secret, context);
  if (!sealed)
    return FAIL_INTERNAL(err, "the endpoint's secret could not be sealed");
  char *types = types_given ? json_dumps(types_given, JSON_COMPACT) : strdup("[]");
  const char *p[] = {practice_id, id, url, types, desc, sealed, sealing_current_id()};
  bool ok = db_one_json(db_exec(c, &EV_ENDPOINT_CREATE, 7, p, err), "webhook endpoint", out, err);
  free(types);
  free(sealed);
  if (ok)
    json_object_set_new(*out, "secret", json_string(secret));
  OPENSSL_cleanse(secret, sizeof secret);
  return ok;
}

bool events_endpoint_list(db_conn *c, const char *practice_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &EV_ENDPOINT_LIST, 1, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o}", "data", db_json(r, 0, 0));
  db_free(r);
  return true;
}

bool events_endpoint_delete(db_conn *c, const char *practice_id, const char *id, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "webhook endpoint");
  const char *p[] = {practice_id, id};
  db_result *r = db_exec(c, &EV_ENDPOINT_DELETE, 2, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  db_free(r);
  return found || FAIL_NOT_FOUND(err, "webhook endpoint");
}

bool events_endpoint_deliveries(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "webhook endpoint");
  const char *p[] = {practice_id, id};
  db_result *r = db_exec(c, &EV_DELIVERIES, 2, p, err);
  if (!r)
    return false;
  bool found = !db_null(r, 0, 0);
  if (found)
    *out = json_pack("{s:o}", "data", db_json(r, 0, 1));
  db_free(r);
  return found || FAIL_NOT_FOUND(err, "webhook endpoint");
}

char *events_open_secret(const char *practice_id, const char *endpoint_id, const char *sealed, const char *key_id) {
  char context[120];
  secret_context(practice_id, endpoint_id, context);
  return sealed && key_id ? sealing_open(sealed, key_id, context) : NULL;
}

static bool reseal_tx(db_conn *c, void *vctx, cad_error *err) {
  int *resealed = vctx;
  const char *p[] = {sealing_current_id()};
  db_result *r = db_exec(c, &EV_NOT_SEALED_NOW, 1, p, err);
  if (!r)
    return false;
  int unreadable = 0;
  bool ok = true;
  for (int i = 0; ok && i < db_rows(r); i++) {
    const char *practice = db_text(r, i, 0), *id = db_text(r, i, 1);
    char *plain = events_open_secret(practice, id, db_value(r, i, 2), db_value(r, i, 3)), context[120];
    if (!plain) {
      unreadable++;
      continue;
    }
    secret_context(practice, id, context);
    char *sealed = sealing_seal(plain, context);
    OPENSSL_cleanse(plain, strlen(plain));
    free(plain);
    const char *sp[] = {practice, id, sealed, sealing_current_id()};
    ok = sealed && db_run(c, &EV_SET_SECRET, 4, sp, err);
    free(sealed);
    *resealed += ok;
  }
  db_free(r);
  if (ok && unreadable)
    return cad_fail(err, "secrets_key", NULL,
                    "%d webhook endpoint secret(s) open with neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS", unreadable);
  return ok;
}

bool events_reseal_secrets(db_conn *c, cad_error *err) {
  int resealed = 0;
  if (!db_tx(c, reseal_tx, &resealed, err))
    return false;
  if (resealed)
    log_json("info", "webhook endpoint secrets sealed under the current SECRETS_KEY",
             json_pack("{s:i,s:s}", "endpoints", resealed, "key_id", sealing_current_id()));
  return true;
}

void events_signature(const char *secret, long long t, const char *body, char out[EVENTS_SIGNATURE_MAX]) {
  size_t n = strlen(body);
  char *material = malloc(n + 24), hex[65];
  int k = snprintf(material, 24, "%lld.", t);
  memcpy(material + k, body, n);
  crypto_hmac_sha256_hex(secret, material, (size_t)k + n, hex);
  free(material);
  snprintf(out, EVENTS_SIGNATURE_MAX, "t=%lld,v1=%s", t, hex);
}
