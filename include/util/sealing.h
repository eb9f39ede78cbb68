/* sealing.h: secrets Cadence must keep readable in the database (each
 * practice's webhook secret, the booking-link key) are stored sealed with
 * AES-256-GCM under SECRETS_KEY, bound to the row they belong to, so a copy
 * of the database (a backup, a replica, a read-only login) cannot forge a
 * PMS webhook or a booking link, and a sealed value moved to another row
 * does not open. SECRETS_KEY_PREVIOUS opens what an older key sealed while
 * start-up reseals it under the current one. */
#ifndef CADENCE_SEALING_H
#define CADENCE_SEALING_H

#include <stdbool.h>
#include <stddef.h>

enum { SEALING_KEY_BYTES = 32 };

typedef struct sealing_key {
  bool set;
  unsigned char bytes[SEALING_KEY_BYTES];
  char id[9]; /* 8 hex characters naming the key in the database (not the key: a hash of it) */
} sealing_key;

/* 32 bytes written as 64 hex characters or as base64 (44 characters); false for anything else. */
bool sealing_parse_key(const char *text, sealing_key *out);

/* The keys seal and open use; set once at start-up, before any thread. previous may be NULL. */
void sealing_use(const sealing_key *current, const sealing_key *previous);

/* The id of the key values are sealed under now ("" before sealing_use). */
const char *sealing_current_id(void);

/* plain sealed under the current key for the row named by context, as base64 (malloc'd); NULL when no
 * key is set or OpenSSL fails. */
char *sealing_seal(const char *plain, const char *context);

/* The plain text of a value sealed for context under the key named key_id (malloc'd); NULL when the key
 * is not one Cadence has, or the value was altered or belongs to another row. */
char *sealing_open(const char *sealed, const char *key_id, const char *context);

#endif
