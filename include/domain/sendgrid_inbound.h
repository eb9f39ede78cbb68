/* sendgrid_inbound.h: email replies as SendGrid's Inbound Parse posts them (multipart/form-data, read by
 * multipart.h). The practice and the message answered come from the recipient: reply+<message id>@ the
 * SENDGRID_INBOUND_DOMAIN that each email's Reply-To names, else a practice's own email_from address.
 * What the client wrote (the quote and signature cut, in UTF-8 whatever the charset) is kept in the
 * client's conversation (conversations.h) and read for a revocation. */
#ifndef CADENCE_SENDGRID_INBOUND_H
#define CADENCE_SENDGRID_INBOUND_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* The form fields Cadence reads (NULL when absent). */
typedef struct parsed_email {
  const char *from, *to, *subject, *text, *html, *headers, *envelope, *charsets;
  int attachments;
} parsed_email;

/* Inbound Parse's URL carries Basic credentials (https://cadence:<secret>@host/...): the password must
 * be SENDGRID_INBOUND_SECRET (compared in constant time). */
bool sendgrid_inbound_verify(const char *secret, const char *authorization, cad_error *err);

/* Keeps the email; *out says whether it was kept ({"stored": true, "conversation_id"...} or
 * {"stored": false, "reason"} when no practice receives at its address). */
bool sendgrid_inbound_receive(db_conn *conn, const parsed_email *e, json_t **out, cad_error *err);

/* The address in a From/To value ("Ana Diaz <Ana@Example.com>" -> "ana@example.com"); false when none. */
bool sendgrid_inbound_address(const char *value, char out[256]);

/* Text from HTML, for an email with no text part: tags dropped, block ends as new lines, entities
 * decoded (malloc'd). */
char *sendgrid_inbound_html_text(const char *html);

#endif
