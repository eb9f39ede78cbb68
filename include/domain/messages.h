/* messages.h: reading the messages sent (or being sent) to a practice's clients. */
#ifndef CADENCE_MESSAGES_H
#define CADENCE_MESSAGES_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

typedef struct message_query {
  const char *client_id, *state, *channel, *from, *to, *cursor;
  int limit;
} message_query;

/* One page of messages, newest first, as {"data", "next_cursor"}; 400 naming a bad filter. */
bool messages_list(db_conn *conn, const char *practice_id, const message_query *q, json_t **out, cad_error *err);

#endif
