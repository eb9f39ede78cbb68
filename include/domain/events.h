/* events.h: what the front desk must hear about at once (migration 0029 writes them: a reply received, a
 * booking by SMS or link, an opt-out, a message in doubt, a flag raised), read as a JSON page or a
 * Server-Sent Events stream, and the webhook endpoints a practice registers to receive them signed.
 * Event ids are published numbers that only grow, so "after N" never misses one. */
#ifndef CADENCE_EVENTS_H
#define CADENCE_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "db.h"

enum { EVENTS_SIGNATURE_MAX = 96 };

/* Numbers the committed events not yet published and queues their deliveries. */
bool events_publish(db_conn *conn, cad_error *err);

/* An event id a client gives (after=, Last-Event-ID): digits, or NULL for "from the oldest kept"; 400
 * naming field otherwise. */
bool events_parse_after(const char *text, const char *field, long long *after, cad_error *err);

/* {"data": [events after `after`, oldest first, at most limit], "next_after": the last one's id (or
 * `after`), "has_more"}. */
bool events_page(db_conn *conn, const char *practice_id, long long after, int limit, json_t **out, cad_error *err);

/* The id of the practice's newest published event (0: none): where a stream without Last-Event-ID starts. */
bool events_latest(db_conn *conn, const char *practice_id, long long *latest, cad_error *err);

/* The events after *after as Server-Sent Events text ("id:", "event:", "data:"), *after moved past them;
 * *text NULL when there are none. */
bool events_sse_text(db_conn *conn, const char *practice_id, long long *after, char **text, cad_error *err);

/* Webhook endpoints: {url, event_types?, description?}; the reply holds the signing secret, shown once.
 * url must be https to a public address unless allow_private (development, tests). */
bool events_endpoint_create(db_conn *conn, const char *practice_id, json_t *body, bool allow_private, json_t **out,
                            cad_error *err);
bool events_endpoint_list(db_conn *conn, const char *practice_id, json_t **out, cad_error *err);
bool events_endpoint_delete(db_conn *conn, const char *practice_id, const char *id, cad_error *err);
bool events_endpoint_deliveries(db_conn *conn, const char *practice_id, const char *id, json_t **out, cad_error *err);

/* An endpoint's signing secret from its sealed form (malloc'd), NULL when it does not open. */
char *events_open_secret(const char *practice_id, const char *endpoint_id, const char *sealed, const char *key_id);
/* Seals under the current SECRETS_KEY each endpoint secret sealed under the previous one (at start-up). */
bool events_reseal_secrets(db_conn *conn, cad_error *err);

/* Whether an address is on the public internet (not loopback, private, link-local, shared, multicast or
 * unspecified; IPv4-mapped IPv6 judged as IPv4). Endpoint URLs are checked with it, and every address a
 * name resolves to as the delivery connects (a name made to resolve here later is refused the same way). */
bool events_public_address(const struct sockaddr *address);

/* The Cadence-Signature header for body sent at unix time t: "t=<t>,v1=<hex HMAC-SHA256 of "<t>.<body>">". */
void events_signature(const char *secret, long long t, const char *body, char out[EVENTS_SIGNATURE_MAX]);

#endif
