/* suppressions.h: addresses that must receive nothing more on a channel, with
 * an append-only audit trail (time, source, evidence) for compliance. */
#ifndef CADENCE_SUPPRESSIONS_H
#define CADENCE_SUPPRESSIONS_H

#include <stdbool.h>

#include "db.h"

/* Suppresses address on channel ("sms" or "email") at once: records the event
 * and stops messages to it that are still waiting to be sent. */
bool suppressions_add(db_conn *conn, const char *practice_id, const char *channel, const char *address,
                      const char *source, const char *evidence, cad_error *err);

/* Suppresses the email address of message_id (the unsubscribe link); 404 when unknown.
 * *practice_name gets the practice's name (malloc'd) for the confirmation page. */
bool suppressions_unsubscribe_message(db_conn *conn, const char *message_id, char **practice_name, cad_error *err);

#endif
