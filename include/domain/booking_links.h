/* booking_links.h: the one-tap booking link in refill reminders. Its token is
 * practice id + sequence id (which names the client) + expiry, signed with
 * HMAC-SHA256 under a server secret, base64url: 70 characters, short enough
 * for an SMS. Tampered or expired tokens do not open.
 * Transactions: the key is stored (or read, and resealed) by single statements at start; tokens are pure. */
#ifndef CADENCE_BOOKING_LINKS_H
#define CADENCE_BOOKING_LINKS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

enum { BOOKING_TOKEN_LEN = 70 };

/* Signs (practice, sequence, expires) under key into out; false when an id is not a UUID. Pure. */
bool booking_link_make(const char *key, const char *practice_id, const char *sequence_id, long long expires,
                       char out[BOOKING_TOKEN_LEN + 1]);
/* Checks token's signature (constant time) and that it expires after now; writes its fields. Pure. */
bool booking_link_open(const char *key, const char *token, long long now, char practice_id[37],
                       char sequence_id[37], long long *expires);

/* Sets the process's signing key: `configured` (BOOKING_LINK_SECRET) when given, otherwise a
 * secret made on the first start and kept in the database, so every replica shares it. Call once
 * at start, before any thread reads the key. ttl_s is how long a new link stays valid. */
bool booking_links_init(db_conn *conn, const char *configured, long long ttl_s, cad_error *err);
/* A fresh token for a sequence, valid ttl_s from now; false before init. */
/* How long a link (and an SMS offer of numbered slots) stays good, in seconds. */
long long booking_links_ttl_s(void);
bool booking_links_token(const char *practice_id, const char *sequence_id, char out[BOOKING_TOKEN_LEN + 1]);
/* What the link names: client, practice, treatment, injector and its open slots; 404 when the token
 * is tampered, expired or its sequence gone. */
bool booking_links_resolve(db_conn *conn, const char *token, json_t **out, cad_error *err);

#endif
