/* sealing.c: see sealing.h. A sealed value is base64(nonce[12] | ciphertext |
 * tag[16]); the row's context is the GCM additional data, and a fresh random
 * nonce per seal keeps (key, nonce) pairs unique. */
#include "sealing.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "mem.h"

enum { NONCE_BYTES = 12, TAG_BYTES = 16 };

/* Written once by sealing_use before the threads start; read-only afterwards. */
static sealing_key current_key, previous_key;

static int hexval(char ch) {
  return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* Decodes base64 into out (room for cap bytes); the decoded length, or -1 when text is not base64. */
static long base64_decode(const char *text, unsigned char *out, size_t cap) {
  size_t len = strlen(text);
  if (len == 0 || len % 4 || len / 4 * 3 > cap)
    return -1;
  int n = EVP_DecodeBlock(out, (const unsigned char *)text, (int)len);
  if (n < 0)
    return -1;
  return n - (text[len - 1] == '=') - (text[len - 2] == '=');
}

bool sealing_parse_key(const char *text, sealing_key *out) {
  memset(out, 0, sizeof *out);
  if (!text)
    return false;
  size_t len = strlen(text);
  bool ok = false;
  if (len == 2 * SEALING_KEY_BYTES) {
    ok = true;
    for (size_t i = 0; ok && i < SEALING_KEY_BYTES; i++) {
      int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);
      ok = hi >= 0 && lo >= 0;
      if (ok)
        out->bytes[i] = (unsigned char)(hi << 4 | lo);
    }
  } else {
    unsigned char raw[48];
    ok = base64_decode(text, raw, sizeof raw) == SEALING_KEY_BYTES;
    if (ok)
      memcpy(out->bytes, raw, SEALING_KEY_BYTES);
  }
  if (!ok) {
    memset(out, 0, sizeof *out);
    return false;
  }
  /* The id names the key without revealing it: a hash under a label of its own. */
  unsigned char material[SEALING_KEY_BYTES + 24] = "cadence sealing key id:";
  memcpy(material + 23, out->bytes, SEALING_KEY_BYTES);
  char hex[65];
  crypto_sha256_hex(material, 23 + SEALING_KEY_BYTES, hex);
  memcpy(out->id, hex, 8);
  out->id[8] = 0;
  out->set = true;
  return true;
}

void sealing_use(const sealing_key *current, const sealing_key *previous) {
  current_key = current ? *current : (sealing_key){0};
  previous_key = previous ? *previous : (sealing_key){0};
}

const char *sealing_current_id(void) {
  return current_key.id;
}

char *sealing_seal(const char *plain, const char *context) {
  if (!current_key.set)
    return NULL;
  size_t plen = strlen(plain), raw_len = NONCE_BYTES + plen + TAG_BYTES;
  unsigned char *raw = xrealloc(NULL, raw_len);
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  int n = 0, fin = 0;
  bool ok = ctx && RAND_bytes(raw, NONCE_BYTES) == 1 &&
            EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, current_key.bytes, raw) == 1 &&
            EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *)context, (int)strlen(context)) == 1 &&
            EVP_EncryptUpdate(ctx, raw + NONCE_BYTES, &n, (const unsigned char *)plain, (int)plen) == 1 &&
            EVP_EncryptFinal_ex(ctx, raw + NONCE_BYTES + n, &fin) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, raw + NONCE_BYTES + plen) == 1;
  EVP_CIPHER_CTX_free(ctx);
  char *out = NULL;
  if (ok) {
    out = xrealloc(NULL, 4 * ((raw_len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, raw, (int)raw_len);
  }
  free(raw);
  return out;
}

char *sealing_open(const char *sealed, const char *key_id, const char *context) {
  const sealing_key *key = current_key.set && key_id && strcmp(key_id, current_key.id) == 0     ? &current_key
                           : previous_key.set && key_id && strcmp(key_id, previous_key.id) == 0 ? &previous_key
                                                                                                 : NULL;
  size_t cap = strlen(sealed) / 4 * 3 + 3;
  unsigned char *raw = xrealloc(NULL, cap);
  long raw_len = key ? base64_decode(sealed, raw, cap) : -1;
  if (raw_len < NONCE_BYTES + TAG_BYTES) {
    free(raw);
    return NULL;
  }
  size_t clen = (size_t)raw_len - NONCE_BYTES - TAG_BYTES;
  char *plain = xrealloc(NULL, clen + 1);
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  int n = 0, fin = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->bytes, raw) == 1 &&
            EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *)context, (int)strlen(context)) == 1 &&
            EVP_DecryptUpdate(ctx, (unsigned char *)plain, &n, raw + NONCE_BYTES, (int)clen) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, raw + NONCE_BYTES + clen) == 1 &&
            EVP_DecryptFinal_ex(ctx, (unsigned char *)plain + n, &fin) == 1;
  EVP_CIPHER_CTX_free(ctx);
  free(raw);
  if (!ok || memchr(plain, 0, clen)) {
    free(plain);
    return NULL;
  }
  plain[clen] = 0;
  return plain;
}
