/* auth.c: API key issue, revocation and authentication. The key id travels
 * in the key so lookup is by primary key; the secret is only ever hashed. */
#include "auth.h"
#include "auth_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

#define KEY_PREFIX "cad_"
enum { ID_HEX = 32, SECRET_HEX = 64 };

role auth_role_from_name(const char *name) {
  if (!name)
    return 0;
  if (strcmp(name, "admin") == 0)
    return ROLE_ADMIN;
  if (strcmp(name, "staff") == 0)
    return ROLE_STAFF;
  if (strcmp(name, "integration") == 0)
    return ROLE_INTEGRATION;
  return 0;
}

const char *auth_role_name(role r) {
  return r == ROLE_ADMIN ? "admin" : r == ROLE_STAFF ? "staff" : "integration";
}

static bool is_hex(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return true;
}

/* Splits "cad_<32 hex>_<64 hex>" into a dashed UUID and the secret. */
static bool parse_key(const char *key, char uuid[37], const char **secret) {
  size_t plen = strlen(KEY_PREFIX);
  if (strlen(key) != plen + ID_HEX + 1 + SECRET_HEX || strncmp(key, KEY_PREFIX, plen) != 0 ||
      key[plen + ID_HEX] != '_' || !is_hex(key + plen, ID_HEX) ||
      !is_hex(key + plen + ID_HEX + 1, SECRET_HEX))
    return false;
  const char *h = key + plen;
  snprintf(uuid, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
  *secret = key + plen + ID_HEX + 1;
  return true;
}

bool auth_authenticate(db_conn *c, const char *authorization, const char *env_admin_key,
                       principal *who, cad_error *err) {
  memset(who, 0, sizeof *who);
  if (!authorization || !*authorization)
    return cad_fail(err, "missing_credentials", "Authorization",
                    "send 'Authorization: Bearer <api key>'");
  if (strncmp(authorization, "Bearer ", 7) != 0)
    return cad_fail(err, "invalid_credentials", "Authorization",
                    "the Authorization header must use the Bearer scheme");
  const char *token = authorization + 7;
  char given[65], expected[65];
  crypto_sha256_hex(token, strlen(token), given);
  if (env_admin_key) {
    crypto_sha256_hex(env_admin_key, strlen(env_admin_key), expected);
    if (crypto_equal(given, expected)) {
      who->role = ROLE_ADMIN;
      strcpy(who->key_id, "env");
      return true;
    }
  }
  char id[37];
  const char *secret;
  if (!parse_key(token, id, &secret))
    return cad_fail(err, "invalid_credentials", "Authorization", "the API key is not valid");
  crypto_sha256_hex(secret, strlen(secret), given);
  const char *p[] = {id};
  db_result *r = db_exec(c, &AUTH_LOOKUP, 1, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  /* Compare against something even when the id is unknown, so timing tells nothing. */
  bool match = crypto_equal(given, found ? db_text(r, 0, 2) : expected);
  bool ok = found && match;
  if (ok && db_text(r, 0, 3)[0] == 't') {
    db_free(r);
    return cad_fail(err, "revoked_key", "Authorization", "this API key has been revoked");
  }
  if (ok) {
    who->role = auth_role_from_name(db_text(r, 0, 1));
    snprintf(who->key_id, sizeof who->key_id, "%s", id);
    snprintf(who->practice_id, sizeof who->practice_id, "%s", db_text(r, 0, 0));
  }
  db_free(r);
  if (!ok)
    return cad_fail(err, "invalid_credentials", "Authorization", "the API key is not valid");
  return true;
}

bool auth_issue_key(db_conn *c, const char *practice_id, role rl, const char *name, json_t **out,
                    cad_error *err) {
  char secret[SECRET_HEX + 1], hash[65];
  if (!crypto_random_hex(secret, SECRET_HEX / 2))
    return FAIL_INTERNAL(err, "random generator failed");
  crypto_sha256_hex(secret, strlen(secret), hash);
  const char *p[] = {practice_id, auth_role_name(rl), name, hash};
  db_result *r = db_exec(c, &AUTH_INSERT, 4, p, err);
  if (!r)
    return false;
  char key[128], hexid[ID_HEX + 1];
  const char *id = db_text(r, 0, 0);
  size_t k = 0;
  for (const char *s = id; *s && k < ID_HEX; s++)
    if (*s != '-')
      hexid[k++] = *s;
  hexid[k] = 0;
  snprintf(key, sizeof key, KEY_PREFIX "%s_%s", hexid, secret);
  *out = json_loads(db_text(r, 0, 1), 0, NULL);
  db_free(r);
  if (!*out)
    return FAIL_INTERNAL(err, "cannot render key");
  json_object_set_new(*out, "key", json_string(key));
  return true;
}

bool auth_revoke_key(db_conn *c, const char *practice_id, const char *key_id, cad_error *err) {
  const char *p[] = {key_id, practice_id};
  db_result *r = db_exec(c, &AUTH_REVOKE, 2, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  db_free(r);
  return found ? true : FAIL_NOT_FOUND(err, "api key");
}

typedef struct bootstrap_ctx {
  bool env_key_set;
  char **printed;
} bootstrap_ctx;

static bool bootstrap_tx(db_conn *c, void *vctx, cad_error *err) {
  bootstrap_ctx *ctx = vctx;
  free(*ctx->printed); /* an earlier attempt's key, when the transaction is retried */
  *ctx->printed = NULL;
  /* Serialises concurrent first starts so only one admin key is generated. */
  if (!db_run(c, &AUTH_BOOTSTRAP_LOCK, 0, NULL, err))
    return false;
  db_result *r = db_exec(c, &AUTH_ANY_ADMIN, 0, NULL, err);
  if (!r)
    return false;
  bool exists = db_rows(r) > 0;
  db_free(r);
  if (exists || ctx->env_key_set)
    return true;
  json_t *key;
  if (!auth_issue_key(c, NULL, ROLE_ADMIN, "bootstrap", &key, err))
    return false;
  *ctx->printed = strdup(json_string_value(json_object_get(key, "key")));
  json_decref(key);
  return true;
}

bool auth_bootstrap_admin(db_conn *c, bool env_key_set, char **printed_key, cad_error *err) {
  *printed_key = NULL;
  bootstrap_ctx ctx = {env_key_set, printed_key};
  return db_tx(c, bootstrap_tx, &ctx, err);
}
