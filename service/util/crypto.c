/* crypto.c: thin wrappers over OpenSSL's EVP, RAND and CRYPTO_memcmp. */
#include "crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

static void to_hex(const unsigned char *in, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = 0;
}

void crypto_sha256_hex(const void *data, size_t len, char out[65]) {
  unsigned char md[32];
  unsigned int mdlen = 0;
  EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
  to_hex(md, 32, out);
}

bool crypto_random_hex(char *out, size_t nbytes) {
  unsigned char buf[64];
  if (nbytes > sizeof buf || RAND_bytes(buf, (int)nbytes) != 1)
    return false;
  to_hex(buf, nbytes, out);
  return true;
}

bool crypto_uuid(char out[37]) {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1)
    return false;
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* the RFC 4122 variant */
  char hex[33];
  to_hex(b, sizeof b, hex);
  snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
  return true;
}

bool crypto_equal(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  /* Lengths of hashes are public; only the contents must not leak through timing. */
  return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

void crypto_hmac_sha1_base64(const char *key, const void *data, size_t len, char out[29]) {
  unsigned char md[20];
  unsigned int mdlen = 0;
  HMAC(EVP_sha1(), key, (int)strlen(key), data, len, md, &mdlen);
  EVP_EncodeBlock((unsigned char *)out, md, 20); /* 20 bytes -> 28 characters and a NUL */
}

void crypto_hmac_sha256_hex(const char *key, const void *data, size_t len, char out[65]) {
  unsigned char md[32];
  unsigned int mdlen = 0;
  HMAC(EVP_sha256(), key, (int)strlen(key), data, len, md, &mdlen);
  to_hex(md, 32, out);
}
