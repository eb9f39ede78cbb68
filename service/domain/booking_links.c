/* booking_links.c: signed, expiring booking tokens. */
#include "booking_links.h"
#include "booking_links_sql.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "sealing.h"

enum { ID_BYTES = 16, EXP_BYTES = 4, MAC_BYTES = 16, PAYLOAD = 2 * ID_BYTES + EXP_BYTES, RAW = PAYLOAD + MAC_BYTES };

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Written once by booking_links_init before the threads start; read-only afterwards. */
static char link_key[129];
static long long link_ttl_s;

#define SEALING_CONTEXT "service_secrets:booking_link"

static int hexval(char ch) {
  return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* A canonical UUID into 16 bytes. */
static bool uuid_bytes(const char *s, unsigned char out[ID_BYTES]) {
  if (!s || strlen(s) != 36)
    return false;
  int n = 0;
  for (int i = 0; i < 36; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return false;
      continue;
    }
    int hi = hexval(s[i]), lo = hexval(s[++i]);
    if (hi < 0 || lo < 0)
      return false;
    out[n++] = (unsigned char)(hi << 4 | lo);
  }
  return true;
}

static void uuid_text(const unsigned char b[ID_BYTES], char out[37]) {
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
           b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static void mac(const char *key, const unsigned char *payload, unsigned char out[MAC_BYTES]) {
  unsigned char full[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key, (int)strlen(key), payload, PAYLOAD, full, &len);
  memcpy(out, full, MAC_BYTES);
}

bool booking_link_make(const char *key, const char *practice_id, const char *sequence_id, long long expires,
                       char out[BOOKING_TOKEN_LEN + 1]) {
  unsigned char raw[RAW];
  if (!uuid_bytes(practice_id, raw) || !uuid_bytes(sequence_id, raw + ID_BYTES) || expires < 0 ||
      expires > 0xffffffffLL)
    return false;
  for (int i = 0; i < EXP_BYTES; i++)
    raw[2 * ID_BYTES + i] = (unsigned char)(expires >> (8 * (EXP_BYTES - 1 - i)));
  mac(key, raw, raw + PAYLOAD);
  /* RAW (52 bytes) is not a multiple of 3: 17 full groups, then 1 byte left = 2 characters. */
  int n = 0, i = 0;
  for (; i + 3 <= RAW; i += 3) {
    unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
    out[n++] = B64URL[v >> 18 & 63], out[n++] = B64URL[v >> 12 & 63];
    out[n++] = B64URL[v >> 6 & 63], out[n++] = B64URL[v & 63];
  }
  out[n++] = B64URL[raw[i] >> 2];
  out[n++] = B64URL[(raw[i] & 3) << 4];
  out[n] = 0;
  return true;
}

static int b64val(char ch) {
  const char *p = ch ? strchr(B64URL, ch) : NULL;
  return p ? (int)(p - B64URL) : -1;
}

bool booking_link_open(const char *key, const char *token, long long now, char practice_id[37],
                       char sequence_id[37], long long *expires) {
  unsigned char raw[RAW], want[MAC_BYTES];
  if (!token || strlen(token) != BOOKING_TOKEN_LEN)
    return false;
  int n = 0, i = 0;
  for (; i + 4 <= BOOKING_TOKEN_LEN; i += 4) {
    int a = b64val(token[i]), b = b64val(token[i + 1]), c = b64val(token[i + 2]), d = b64val(token[i + 3]);
    if (a < 0 || b < 0 || c < 0 || d < 0)
      return false;
    unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
    raw[n++] = (unsigned char)(v >> 16), raw[n++] = (unsigned char)(v >> 8), raw[n++] = (unsigned char)v;
  }
  int a = b64val(token[i]), b = b64val(token[i + 1]);
  if (a < 0 || b < 0 || (b & 15))
    return false; /* the last character carries 2 bits; anything else is not our encoding */
  raw[n] = (unsigned char)(a << 2 | b >> 4);
  mac(key, raw, want);
  if (CRYPTO_memcmp(want, raw + PAYLOAD, MAC_BYTES) != 0)
    return false;
  long long exp = 0;
  for (int k = 0; k < EXP_BYTES; k++)
    exp = exp << 8 | raw[2 * ID_BYTES + k];
  if (exp <= now)
    return false;
  uuid_text(raw, practice_id);
  uuid_text(raw + ID_BYTES, sequence_id);
  *expires = exp;
  return true;
}

bool booking_links_init(db_conn *c, const char *configured, long long ttl_s, cad_error *err) {
  link_ttl_s = ttl_s;
  if (configured) {
    snprintf(link_key, sizeof link_key, "%s", configured);
    return true;
  }
  char fresh[65];
  if (!crypto_random_hex(fresh, 32))
    return FAIL_INTERNAL(err, "no random bytes for the booking link secret");
  char *sealed = sealing_seal(fresh, SEALING_CONTEXT);
  OPENSSL_cleanse(fresh, sizeof fresh);
  if (!sealed)
    return FAIL_INTERNAL(err, "the booking link secret could not be sealed");
  const char *p[] = {sealed, sealing_current_id()};
  db_result *r = db_exec(c, &BL_SECRET, 2, p, err);
  if (r && db_rows(r) == 0) {
    /* Another replica stored its key while this statement ran: the conflict waited for it, but the
     * statement's snapshot predates it. The next statement sees it. */
    db_free(r);
    r = db_exec(c, &BL_SECRET, 2, p, err);
  }
  free(sealed);
  if (!r)
    return false;
  if (db_rows(r) != 1) {
    db_free(r);
    return FAIL_INTERNAL(err, "booking link secret not stored");
  }
  /* Stored in plain text before migration 0023, or under the previous key: sealed anew under this one. */
  const char *stored = db_text(r, 0, 0), *key_id = db_value(r, 0, 1);
  char *plain = key_id ? sealing_open(stored, key_id, SEALING_CONTEXT) : strdup(stored);
  bool ok = plain != NULL;
  if (ok && (!key_id || strcmp(key_id, sealing_current_id()) != 0)) {
    char *again = sealing_seal(plain, SEALING_CONTEXT);
    const char *rp[] = {again, sealing_current_id(), stored};
    ok = again && db_run(c, &BL_RESEAL, 3, rp, err);
    free(again);
  }
  if (ok)
    snprintf(link_key, sizeof link_key, "%s", plain);
  else if (!plain)
    cad_fail(err, "secrets_key", NULL,
             "the stored booking link key opens with neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS");
  if (plain)
    OPENSSL_cleanse(plain, strlen(plain));
  free(plain);
  db_free(r);
  return ok;
}

long long booking_links_ttl_s(void) { return link_ttl_s; }

bool booking_links_token(const char *practice_id, const char *sequence_id, char out[BOOKING_TOKEN_LEN + 1]) {
  return link_key[0] && booking_link_make(link_key, practice_id, sequence_id, (long long)time(NULL) + link_ttl_s, out);
}

bool booking_links_resolve(db_conn *c, const char *token, json_t **out, cad_error *err) {
  char practice[37], sequence[37], exp[24];
  long long expires;
  if (!link_key[0] || !booking_link_open(link_key, token, (long long)time(NULL), practice, sequence, &expires))
    return FAIL_NOT_FOUND(err, "booking link");
  snprintf(exp, sizeof exp, "%lld", expires);
  const char *p[] = {practice, sequence, exp};
  return db_one_json(db_exec(c, &BL_RESOLVE, 3, p, err), "booking link", out, err);
}
