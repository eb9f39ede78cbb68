/* conversations.c: see conversations.h. */
#include "conversations.h"
#include "conversations_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booking_links.h"
#include "bookings.h"
#include "compose.h"
#include "jsonspec.h"
#include "paging.h"
#include "sendtime.h"
#include "suppressions.h"
#include "validate.h"

enum { MAX_REPLY = 1600 }; /* ten SMS segments */

/* A slot number: books that slot of the client's latest offer. Inside a savepoint, so that a slot taken
 * meanwhile (the injector's exclusion constraint) leaves the rest of the reply's work standing; then the
 * next open times are offered. Leaves answer "" when there is no offer to book from (a person reads it). */
static bool book_choice(db_conn *c, const inbound_sms *in, const char *client, char *answer, size_t len,
                        cad_error *err) {
  char no[4];
  snprintf(no, sizeof no, "%d", in->reading->choice);
  const char *p[] = {in->practice_id, client, no};
  db_result *o = db_exec(c, &CONV_OFFER, 3, p, err);
  if (!o)
    return false;
  if (db_rows(o) != 1) {
    db_free(o);
    return true;
  }
  json_t *body = json_pack("{s:s,s:s,s:s,s:i,s:s}", "client_id", client, "injector_id", db_text(o, 0, 2), "starts_at",
                           db_text(o, 0, 4), "duration_minutes", 30, "source", "sms");
  if (!db_null(o, 0, 3))
    json_object_set_new(body, "services", json_pack("[s]", db_text(o, 0, 3)));
  json_t *booking = NULL;
  cad_error why;
  bool booked =
      db_exec_simple(c, "SAVEPOINT reply_booking", err) && bookings_create(c, in->practice_id, body, &booking, &why);
  json_decref(body);
  if (booked) {
    const char *tp[] = {in->practice_id, db_text(o, 0, 0), json_string_value(json_object_get(booking, "id")), client};
    bool ok = db_exec_simple(c, "RELEASE SAVEPOINT reply_booking", err) && db_run(c, &CONV_OFFER_TAKEN, 4, tp, err);
    const char *injector = db_null(o, 0, 6) ? NULL : db_text(o, 0, 6);
    snprintf(answer, len, "You're booked for %s%s%s at %s. Reply here if you need to change it.", db_text(o, 0, 5),
             injector ? " with " : "", injector ? injector : "", in->practice_name);
    json_decref(booking);
    db_free(o);
    return ok;
  }
  json_decref(booking);
  if (!db_exec_simple(c, "ROLLBACK TO SAVEPOINT reply_booking", err)) {
    db_free(o);
    return false;
  }
  bool ok = true;
  if (strcmp(why.code, "conflict") == 0) { /* taken meanwhile: the next open times */
    char ttl[24];
    snprintf(ttl, sizeof ttl, "%lld", booking_links_ttl_s());
    const char *rp[] = {in->practice_id,
                        client,
                        db_text(o, 0, 2),
                        db_null(o, 0, 1) ? NULL : db_text(o, 0, 1),
                        db_null(o, 0, 3) ? NULL : db_text(o, 0, 3),
                        ttl,
                        db_text(o, 0, 0)};
    db_result *r = db_exec(c, &CONV_REOFFER, 7, rp, err);
    if ((ok = r != NULL)) {
      char slots[320] = "";
      if (!db_null(r, 0, 0))
        compose_slots(db_text(r, 0, 0), true, slots, sizeof slots);
      snprintf(answer, len, "Sorry, that time was just taken. %s", slots[0] ? slots : "We will be in touch.");
    }
    db_free(r);
  }
  db_free(o);
  return ok;
}

/* Who the sender query found: the message answered and the client ("" for none). */
static void read_sender(db_result *who, char answers[37], char client[37]) {
  snprintf(answers, 37, "%s", db_null(who, 0, 0) ? "" : db_text(who, 0, 0));
  snprintf(client, 37, "%s", db_null(who, 0, 1) ? "" : db_text(who, 0, 1));
  db_free(who);
}

/* One inbound message kept: its conversation touched (one more unread; for_staff: it wants a person),
 * then the message itself. */
typedef struct kept_inbound {
  const char *practice_id, *client, *from, *to, *body, *provider_id, *answers, *reading, *evidence, *channel;
  bool keyword, for_staff;
} kept_inbound;

static bool keep_inbound(db_conn *c, const kept_inbound *k, cad_error *err) {
  const char *staff = k->for_staff ? "true" : "false";
  db_result *conv;
  if (k->client) {
    const char *p[] = {k->practice_id, k->client, k->from, staff, k->channel};
    conv = db_exec(c, &CONV_TOUCH_CLIENT, 5, p, err);
  } else {
    const char *p[] = {k->practice_id, k->from, staff, k->channel};
    conv = db_exec(c, &CONV_TOUCH_STRANGER, 4, p, err);
  }
  if (!conv)
    return false;
  char conversation[37];
  snprintf(conversation, sizeof conversation, "%s", db_text(conv, 0, 0));
  db_free(conv);
  const char *ip[] = {k->practice_id, conversation,   k->client,  k->from,    k->to,
                      k->body,        k->provider_id, k->answers, k->reading, k->keyword ? "true" : "false",
                      k->evidence,    k->channel};
  return db_run(c, &CONV_INBOUND, 12, ip, err);
}

bool conversations_record_sms(db_conn *c, const inbound_sms *in, char *answer, size_t answer_len, cad_error *err) {
  answer[0] = 0;
  const reply_reading *rd = in->reading;
  const char *sp[] = {in->practice_id, in->from};
  db_result *who = db_exec(c, &CONV_SENDER, 2, sp, err);
  if (!who)
    return false;
  char answers[37], client[37];
  read_sender(who, answers, client);
  if (rd->kind == REPLY_CHOICE && client[0] && !book_choice(c, in, client, answer, answer_len, err))
    return false;
  /* A keyword is Twilio's and the service's to act on, a booked or re-offered slot is answered; anything
   * else wants a person. */
  bool for_staff = !rd->keyword && !(rd->kind == REPLY_CHOICE && answer[0]);
  kept_inbound k = {in->practice_id,
                    client[0] ? client : NULL,
                    in->from,
                    in->to,
                    in->body ? in->body : "",
                    in->sid,
                    answers[0] ? answers : NULL,
                    replies_kind_name(rd->kind),
                    rd->evidence[0] ? rd->evidence : NULL,
                    "sms",
                    rd->keyword,
                    for_staff};
  if (!keep_inbound(c, &k, err))
    return false;
  if (rd->kind == REPLY_STOP && !rd->keyword) {
    bool already;
    if (!db_exists(c, &CONV_SUPPRESSED, 2, sp, &already, err))
      return false;
    char evidence[96];
    snprintf(evidence, sizeof evidence, "free-text reply, %s", rd->evidence);
    if (!already && !suppressions_add(c, in->practice_id, "sms", in->from, "sms_reply", evidence, err))
      return false;
    if (!already)
      snprintf(answer, answer_len, "You will get no more texts from %.80s. Reply START to receive them again.",
               in->practice_name);
    return true;
  }
  if (for_staff && client[0]) {
    const char *hp[] = {in->practice_id, client};
    return db_run(c, &CONV_HOLD, 2, hp, err);
  }
  return true;
}

bool conversations_record_email(db_conn *c, const inbound_email *in, cad_error *err) {
  const reply_reading *rd = in->reading;
  const char *seen_p[] = {in->practice_id, in->message_key};
  bool seen;
  if (!db_exists(c, &CONV_EMAIL_SEEN, 2, seen_p, &seen, err))
    return false;
  if (seen)
    return true; /* SendGrid retried a delivery we kept */
  const char *sp[] = {in->practice_id, in->from, in->names_message};
  db_result *who = db_exec(c, &CONV_SENDER_EMAIL, 3, sp, err);
  if (!who)
    return false;
  char answers[37], client[37];
  read_sender(who, answers, client);
  /* Email has no keywords a carrier acts on: every reply reaches a person, a revocation included. */
  kept_inbound k = {in->practice_id,
                    client[0] ? client : NULL,
                    in->from,
                    in->to,
                    in->body,
                    in->message_key,
                    answers[0] ? answers : NULL,
                    replies_kind_name(rd->kind == REPLY_CHOICE ? REPLY_MESSAGE : rd->kind),
                    rd->evidence[0] ? rd->evidence : NULL,
                    "email",
                    false,
                    true};
  if (!keep_inbound(c, &k, err))
    return false;
  if (rd->kind == REPLY_STOP) {
    char evidence[96];
    snprintf(evidence, sizeof evidence, "email reply, %s", rd->evidence);
    if (!suppressions_add(c, in->practice_id, "email", in->from, "email_reply", evidence, err))
      return false;
  } else if (client[0]) {
    const char *hp[] = {in->practice_id, client};
    return db_run(c, &CONV_HOLD, 2, hp, err);
  }
  return true;
}

static bool bad_query(cad_error *err, const char *field) {
  return cad_fail(err, "invalid_query", field, "'%s' must be true or false", field);
}

static bool valid_flag(const char *v) { return !v || strcmp(v, "true") == 0 || strcmp(v, "false") == 0; }

bool conversations_list(db_conn *c, const char *practice_id, const conversation_query *q, json_t **out,
                        cad_error *err) {
  if (!valid_flag(q->unread))
    return bad_query(err, "unread");
  if (!valid_flag(q->needs_reply))
    return bad_query(err, "needs_reply");
  page_cursor cur;
  char limit[12];
  if (!paging_cursor(c, &CONV_CURSOR_OK, practice_id, q->cursor, &cur, err))
    return false;
  const char *p[] = {practice_id, q->unread, q->needs_reply, cur.micros, cur.uuid, paging_limit(q->limit, limit)};
  db_result *r = db_exec(c, &CONV_LIST, 6, p, err);
  if (!r)
    return false;
  *out = paging_page(r, q->limit);
  return true;
}

bool conversations_of_client(db_conn *c, const char *practice_id, const char *client_id, json_t **out, cad_error *err) {
  if (!valid_uuid(client_id))
    return FAIL_NOT_FOUND(err, "client");
  const char *p[] = {practice_id, client_id};
  return db_one_json(db_exec(c, &CONV_OF_CLIENT, 2, p, err), "client", out, err);
}

static bool change(db_conn *c, const db_stmt *stmt, const char *practice_id, const char *client_id, json_t **out,
                   cad_error *err) {
  if (!valid_uuid(client_id))
    return FAIL_NOT_FOUND(err, "client");
  const char *p[] = {practice_id, client_id};
  return db_run(c, stmt, 2, p, err) && conversations_of_client(c, practice_id, client_id, out, err);
}

bool conversations_read(db_conn *c, const char *practice_id, const char *client_id, json_t **out, cad_error *err) {
  return change(c, &CONV_READ, practice_id, client_id, out, err);
}

bool conversations_handled(db_conn *c, const char *practice_id, const char *client_id, json_t **out, cad_error *err) {
  return change(c, &CONV_HANDLED, practice_id, client_id, out, err);
}

typedef struct reply_ctx {
  const char *practice_id, *client_id, *sms_provider, *email_provider;
  json_t *body, **out;
} reply_ctx;

/* Why the client cannot get a staff reply on the channel (NULL: it can). The context's columns for SMS
 * start at 0 (phone, consent, suppressed, practice's sender), for email at 8 in the same order. */
static const char *unreachable(db_result *r, bool sms) {
  int k = sms ? 0 : 8;
  if (db_null(r, 0, k))
    return sms ? "the client has no phone number" : "the client has no email address";
  if (db_text(r, 0, k + 1)[0] != 't')
    return sms ? "the client has not consented to SMS" : "the client has not consented to email";
  if (db_text(r, 0, k + 2)[0] == 't')
    return sms ? "the client's number has opted out of SMS" : "the client's address has opted out of email";
  if (db_null(r, 0, k + 3))
    return sms ? "the practice has no sms_from to send from" : "the practice has no email_from to send from";
  return NULL;
}

/* Where a staff reply goes and when: quiet hours hold it back unless the client wrote within the hour
 * (an answer is expected). The context row's columns are the caller's; the reply is signed with sent_by. */
typedef struct staff_reply {
  const char *practice_id, *client_id, *conversation_id, *provider, *channel, *to, *from, *practice_name;
  int local_min, quiet_start, quiet_end;
  bool wrote_recently;
  json_t *body;
} staff_reply;

static bool queue_staff_reply(db_conn *c, const staff_reply *s, json_t **out, cad_error *err) {
  int wait_min = s->wrote_recently ? 0 : sendtime_quiet_wait(s->local_min, s->quiet_start, s->quiet_end);
  char wait_s[16], text[MAX_REPLY + 128], subject[200];
  snprintf(wait_s, sizeof wait_s, "%d", wait_min * 60);
  const char *body = json_string_value(json_object_get(s->body, "body"));
  const char *by = json_string_value(json_object_get(s->body, "sent_by"));
  if (by)
    snprintf(text, sizeof text, "%s\n- %s", body, by);
  else
    snprintf(text, sizeof text, "%s", body);
  snprintf(subject, sizeof subject, "Re: your message to %.150s", s->practice_name);
  bool sms = strcmp(s->channel, "sms") == 0;
  const char *qp[] = {s->practice_id, s->client_id,         s->provider,       s->to, s->from, text, by, wait_s,
                      s->channel,     sms ? NULL : subject, s->conversation_id};
  db_result *m = db_exec(c, &CONV_QUEUE_REPLY, 11, qp, err);
  if (!m)
    return false;
  *out = db_json(m, 0, 0);
  db_free(m);
  return db_run(c, &CONV_NOTIFY, 0, NULL, err);
}

static bool reply_tx(db_conn *c, void *vctx, cad_error *err) {
  reply_ctx *x = vctx;
  db_tx_reset(x->out);
  const char *p[] = {x->practice_id, x->client_id};
  db_result *r = db_exec(c, &CONV_REPLY_CONTEXT, 2, p, err);
  if (!r)
    return false;
  if (db_rows(r) != 1) {
    db_free(r);
    return FAIL_NOT_FOUND(err, "client");
  }
  /* The channel asked for, else the one the client last wrote on, else SMS. */
  const char *asked = json_string_value(json_object_get(x->body, "channel"));
  const char *channel = asked ? asked : !db_null(r, 0, 12) ? db_text(r, 0, 12) : "sms";
  bool sms = strcmp(channel, "sms") == 0;
  const char *why = unreachable(r, sms);
  if (why) {
    db_free(r);
    return cad_fail(err, "conflict", "client", "%s", why);
  }
  int k = sms ? 0 : 8;
  staff_reply sr = {x->practice_id,
                    x->client_id,
                    NULL, /* a client's: no stranger's conversation */
                    sms ? x->sms_provider : x->email_provider,
                    channel,
                    db_text(r, 0, k),
                    db_text(r, 0, k + 3),
                    db_text(r, 0, 13),
                    atoi(db_text(r, 0, 4)),
                    atoi(db_text(r, 0, 5)),
                    atoi(db_text(r, 0, 6)),
                    db_text(r, 0, 7)[0] == 't',
                    x->body};
  bool ok = queue_staff_reply(c, &sr, x->out, err);
  db_free(r);
  return ok && db_run(c, &CONV_HANDLED, 2, p, err);
}

/* The shape of a staff reply: {body, sent_by?, channel?}. */
static bool valid_reply(json_t *body, cad_error *err) {
  json_field spec[] = {{"body", JS_STRING, JS_REQUIRED, MAX_REPLY, NULL, NULL},
                       {"sent_by", JS_STRING, JS_NULLABLE, 60, NULL, NULL},
                       {"channel", JS_STRING, 0, 10, NULL, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  if (!jsonspec_parse(body, spec, NULL, err))
    return false;
  const char *channel = json_string_value(json_object_get(body, "channel"));
  if (channel && strcmp(channel, "sms") != 0 && strcmp(channel, "email") != 0)
    return FAIL_VALUE(err, "channel", "'channel' must be sms or email");
  const char *text = json_string_value(json_object_get(body, "body"));
  size_t i = 0;
  while (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r')
    i++;
  if (!text[i])
    return FAIL_VALUE(err, "body", "'body' must not be empty");
  const char *by = json_string_value(json_object_get(body, "sent_by"));
  if (by && !*by)
    return FAIL_VALUE(err, "sent_by", "'sent_by' must not be empty");
  return true;
}

bool conversations_reply(db_conn *c, const char *practice_id, const char *client_id, json_t *body,
                         const char *sms_provider, const char *email_provider, json_t **out, cad_error *err) {
  if (!valid_uuid(client_id))
    return FAIL_NOT_FOUND(err, "client");
  if (!valid_reply(body, err))
    return false;
  reply_ctx x = {practice_id, client_id, sms_provider, email_provider, body, out};
  return db_tx(c, reply_tx, &x, err);
}

/* ------------------------------------------------------ by conversation id */

/* Whose conversation id is: client "" for a stranger; 404 when it is not one of the practice's. */
static bool whose(db_conn *c, const char *practice_id, const char *id, char client[37], cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "conversation");
  const char *p[] = {practice_id, id};
  db_result *r = db_exec(c, &CONV_WHO, 2, p, err);
  if (!r)
    return false;
  bool found = db_rows(r) == 1;
  snprintf(client, 37, "%s", found && !db_null(r, 0, 0) ? db_text(r, 0, 0) : "");
  db_free(r);
  return found || FAIL_NOT_FOUND(err, "conversation");
}

bool conversations_get(db_conn *c, const char *practice_id, const char *id, json_t **out, cad_error *err) {
  char client[37];
  if (!whose(c, practice_id, id, client, err))
    return false;
  if (client[0])
    return conversations_of_client(c, practice_id, client, out, err);
  const char *p[] = {practice_id, id};
  return db_one_json(db_exec(c, &CONV_OF_STRANGER, 2, p, err), "conversation", out, err);
}

bool conversations_mark(db_conn *c, const char *practice_id, const char *id, bool handled, json_t **out,
                        cad_error *err) {
  char client[37];
  const char *p[] = {practice_id, id};
  return whose(c, practice_id, id, client, err) && db_run(c, handled ? &CONV_HANDLED_ID : &CONV_READ_ID, 2, p, err) &&
         conversations_get(c, practice_id, id, out, err);
}

typedef struct stranger_ctx {
  const char *practice_id, *id, *sms_provider, *email_provider;
  json_t *body, **out;
} stranger_ctx;

static bool stranger_reply_tx(db_conn *c, void *vctx, cad_error *err) {
  stranger_ctx *x = vctx;
  db_tx_reset(x->out);
  const char *p[] = {x->practice_id, x->id};
  db_result *r = db_exec(c, &CONV_STRANGER_CONTEXT, 2, p, err);
  if (!r)
    return false;
  if (db_rows(r) != 1) { /* it became a client's meanwhile */
    db_free(r);
    return cad_fail(err, "conflict", "conversation", "the conversation is now a client's: answer it again");
  }
  const char *channel = db_text(r, 0, 0), *asked = json_string_value(json_object_get(x->body, "channel"));
  bool sms = strcmp(channel, "sms") == 0;
  const char *why = asked && strcmp(asked, channel) != 0 ? "a sender who is not a client is answered on the channel "
                                                           "they wrote on"
                    : db_text(r, 0, 2)[0] == 't'         ? "the address has opted out"
                    : db_null(r, 0, 3)                   ? "the practice has no sender on that channel"
                                                         : NULL;
  if (why) {
    db_free(r);
    return cad_fail(err, "conflict", "conversation", "%s", why);
  }
  staff_reply sr = {x->practice_id,
                    NULL,
                    x->id,
                    sms ? x->sms_provider : x->email_provider,
                    channel,
                    db_text(r, 0, 1),
                    db_text(r, 0, 3),
                    db_text(r, 0, 4),
                    atoi(db_text(r, 0, 5)),
                    atoi(db_text(r, 0, 6)),
                    atoi(db_text(r, 0, 7)),
                    db_text(r, 0, 8)[0] == 't',
                    x->body};
  bool ok = queue_staff_reply(c, &sr, x->out, err);
  db_free(r);
  return ok && db_run(c, &CONV_HANDLED_ID, 2, p, err);
}

bool conversations_reply_in(db_conn *c, const char *practice_id, const char *id, json_t *body, const char *sms_provider,
                            const char *email_provider, json_t **out, cad_error *err) {
  char client[37];
  if (!whose(c, practice_id, id, client, err))
    return false;
  if (client[0])
    return conversations_reply(c, practice_id, client, body, sms_provider, email_provider, out, err);
  if (!valid_reply(body, err))
    return false;
  stranger_ctx x = {practice_id, id, sms_provider, email_provider, body, out};
  return db_tx(c, stranger_reply_tx, &x, err);
}
