/* sendgrid_inbound_sql.c: the SQL statements of service/domain/sendgrid_inbound.c. */
#include "sendgrid_inbound_sql.h"

/* The practice of the message a Reply-To named (unsubscribe links find messages by id the same way). */
const db_stmt SGI_PRACTICE_OF_MESSAGE = {"sgi_practice_of_message",
                                         "SELECT practice_id FROM messages WHERE id = $1::uuid"};
/* The practice whose sender address is one of the recipients (the oldest, if two share one). */
const db_stmt SGI_PRACTICE_AT = {"sgi_practice_at",
                                 "SELECT id FROM practices WHERE lower(email_from) = ANY ($1::text[]) "
                                 "ORDER BY created_at LIMIT 1"};
const db_stmt SGI_CONVERSATION_OF = {"sgi_conversation_of",
                                     "SELECT conversation_id, client_id FROM inbound_messages WHERE practice_id = $1 "
                                     "  AND channel = 'email' AND provider_id = $2"};
