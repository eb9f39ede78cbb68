/* replies.h: what a patient's reply (an SMS, or the words of an email) means, read from its words alone
 * (pure; no database). A reply is a revocation when it is an opt-out keyword (Twilio's own list: the whole body, as
 * Twilio reads it) or free text that asks to stop ("please stop texting me", "Stop!!", "unsubscribe me", "opt me out",
 * "remove me from this list"), as US rules since April 2025 require; words used in another sense
 * ("I'll stop by Thursday", "can I cancel my appointment?") are a message for staff. START and HELP are
 * keywords only: free text that seems to ask to resume goes to staff rather than re-subscribing anyone.
 * A reply that only picks one of the numbered slots offered ("2", "#2", "option 3") is a choice. The
 * corpus in tests/unit/replies.tsv holds the labelled replies this is checked against. */
#ifndef CADENCE_REPLIES_H
#define CADENCE_REPLIES_H

#include <stdbool.h>

typedef enum { REPLY_MESSAGE, REPLY_STOP, REPLY_START, REPLY_HELP, REPLY_CHOICE } reply_kind;

typedef struct reply_reading {
  reply_kind kind;
  bool keyword;      /* the whole body is a keyword: Twilio's Advanced Opt-Out acts on it too */
  int choice;        /* REPLY_CHOICE: the slot number picked, 1-9 */
  char evidence[64]; /* the words that decided, for the audit trail ("" for a plain message) */
} reply_reading;

void replies_read(const char *body, reply_reading *out);

/* Cuts an email reply (in place) to what the client wrote: from the first line of the quoted message
 * ("> ...", "On <date>, <sender> wrote:", Outlook's "-----Original Message-----" or "From: ..." block)
 * or the signature ("-- ", "Sent from my ...") on, then trailing blank space. Our own message, quoted
 * back with its "unsubscribe" link, is not read as the client's words. */
void replies_strip_quoted(char *text);

/* The name of a kind: "message", "stop", "start", "help", "choice". */
const char *replies_kind_name(reply_kind kind);

#endif
