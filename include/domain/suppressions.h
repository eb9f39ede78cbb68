/* suppressions.h: addresses that must receive nothing more on a channel, with
 * an append-only audit trail (time, source, evidence) for compliance.
 * Transactions: a suppression, its event and the queued messages it stops are one statement; a staff
 * opt-out is one db_tx (joining the caller's when one is open). */
#ifndef CADENCE_SUPPRESSIONS_H
#define CADENCE_SUPPRESSIONS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* Suppresses address on channel ("sms" or "email") at once: records the event
 * and stops messages to it that are still waiting to be sent. */
bool suppressions_add(db_conn *conn, const char *practice_id, const char *channel, const char *address,
                      const char *source, const char *evidence, cad_error *err);

/* The unsubscribe link of message_id: with apply, suppresses its email address; without, only finds
 * it (the page a GET shows). 404 when unknown. *practice_name gets the practice's name (malloc'd). */
bool suppressions_unsubscribe_message(db_conn *conn, const char *message_id, bool apply, char **practice_name,
                                      cad_error *err);

/* Staff record an opt-out of client_id on channel (reason as evidence); 404 unknown client,
 * 422 when the client has no address on that channel. *out is the suppression with its trail. */
bool suppressions_opt_out(db_conn *conn, const char *practice_id, const char *client_id, const char *channel,
                          const char *reason, json_t **out, cad_error *err);

/* One page of the practice's suppressions (newest change first) with their audit trails. */
bool suppressions_list(db_conn *conn, const char *practice_id, const char *channel, const char *cursor, int limit,
                       json_t **out, cad_error *err);

#endif
