/* conversations.h: patients' replies and the front desk's answers. Every inbound SMS is kept with the
 * client it came from (or none), the message it answers and how it was read (replies.h); a reply a
 * person should answer marks its conversation as needing one and holds the client's promotional steps
 * for the practice's reply_hold_days; a revocation in free text suppresses SMS to the number at once.
 * Staff answer through the message outbox (consent and suppression apply; quiet hours too, unless the
 * client wrote within the hour). A reply that is just a slot number ("2", "#2", "option 2") books that
 * slot of step 1's numbered offer with the treating injector (source sms, caused by the step). */
#ifndef CADENCE_CONVERSATIONS_H
#define CADENCE_CONVERSATIONS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"
#include "replies.h"

/* One inbound SMS as Twilio delivered it, and how it was read. */
typedef struct inbound_sms {
  const char *practice_id, *practice_name, *from, *to, *body, *sid;
  const reply_reading *reading;
} inbound_sms;

/* Keeps the SMS in its conversation and acts on it (inside the caller's transaction): a revocation in
 * free text suppresses the number; a slot number books that slot of the client's offer, or, taken
 * meanwhile, offers the next ones. answer receives what to text back ("" for nothing): the booking, the
 * new offer, or the revocation's confirmation (once: not for a number already suppressed). */
bool conversations_record_sms(db_conn *conn, const inbound_sms *in, char *answer, size_t answer_len, cad_error *err);

/* One email reply as SendGrid's Inbound Parse delivered it: from is the sender's address (lower case),
 * body what the client wrote (quotes and signature cut), names_message the message its Reply-To named
 * (NULL: none), message_key its Message-ID (a retried delivery is the same email). */
typedef struct inbound_email {
  const char *practice_id, *from, *to, *body, *names_message, *message_key;
  const reply_reading *reading;
} inbound_email;

/* Keeps the email in its conversation (inside the caller's transaction), threaded to the message it
 * answers; every email reply wants a person. A revocation ("unsubscribe me", "stop emailing me")
 * suppresses email to the address at once (no confirmation is emailed: no mail loops with auto-replies). */
bool conversations_record_email(db_conn *conn, const inbound_email *in, cad_error *err);

typedef struct conversation_query {
  const char *unread, *needs_reply, *cursor; /* "true"/"false" filters, or NULL */
  int limit;
} conversation_query;

/* The practice's conversations, latest reply first, paged. */
bool conversations_list(db_conn *conn, const char *practice_id, const conversation_query *q, json_t **out,
                        cad_error *err);
/* A client's conversation both ways (404 when the client is unknown). */
bool conversations_of_client(db_conn *conn, const char *practice_id, const char *client_id, json_t **out,
                             cad_error *err);
/* Marks the client's replies read, or the conversation handled; answers the conversation. */
bool conversations_read(db_conn *conn, const char *practice_id, const char *client_id, json_t **out, cad_error *err);
bool conversations_handled(db_conn *conn, const char *practice_id, const char *client_id, json_t **out, cad_error *err);
/* Queues a staff reply ({body, sent_by, channel}) through the outbox: by the channel asked for, else the
 * one the client last wrote on, else SMS (email with the subject "Re: your message to <practice>");
 * answers the message (202). */
bool conversations_reply(db_conn *conn, const char *practice_id, const char *client_id, json_t *body,
                         const char *sms_provider, const char *email_provider, json_t **out, cad_error *err);

/* The same by conversation id, for every conversation, a stranger's included (404 for another practice's).
 * A stranger's conversation lists what they wrote and staff's answers; a reply to a stranger goes on the
 * channel they wrote on, to their address (they wrote first: no consent is on record, suppression
 * applies; quiet hours as for a client), and marks it handled. */
bool conversations_get(db_conn *conn, const char *practice_id, const char *id, json_t **out, cad_error *err);
bool conversations_mark(db_conn *conn, const char *practice_id, const char *id, bool handled, json_t **out,
                        cad_error *err);
bool conversations_reply_in(db_conn *conn, const char *practice_id, const char *id, json_t *body,
                            const char *sms_provider, const char *email_provider, json_t **out, cad_error *err);

#endif
