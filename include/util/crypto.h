/* crypto.h: the few primitives Cadence needs from OpenSSL: hashing, random
 * tokens and constant-time comparison. */
#ifndef CADENCE_CRYPTO_H
#define CADENCE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the lowercase hex SHA-256 of data into out (65 bytes). */
void crypto_sha256_hex(const void *data, size_t len, char out[65]);

/* Writes 2*nbytes random hex characters and a terminator into out; false if the RNG fails. */
bool crypto_random_hex(char *out, size_t nbytes);

/* Writes a random (version 4) UUID in its 36-character form into out; false if the RNG fails. */
bool crypto_uuid(char out[37]);

/* HMAC-SHA1 of data under key, base64-encoded into out (29 bytes): Twilio's webhook signature. */
void crypto_hmac_sha1_base64(const char *key, const void *data, size_t len, char out[29]);

/* HMAC-SHA256 of data under key, lowercase hex into out (65 bytes). */
void crypto_hmac_sha256_hex(const char *key, const void *data, size_t len, char out[65]);

/* Compares two equal-length strings in time independent of their contents. */
bool crypto_equal(const char *a, const char *b);

#endif
