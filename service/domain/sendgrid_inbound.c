/* sendgrid_inbound.c: see sendgrid_inbound.h. */
#include "sendgrid_inbound.h"
#include "sendgrid_inbound_sql.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "conversations.h"
#include "crypto.h"
#include "replies.h"
#include "validate.h"

enum { MAX_RECIPIENTS = 20 };

bool sendgrid_inbound_verify(const char *secret, const char *authorization, cad_error *err) {
  if (!secret)
    return cad_fail(err, "webhooks_not_configured", NULL, "SENDGRID_INBOUND_SECRET is not set on this server");
  if (!authorization || strncasecmp(authorization, "Basic ", 6) != 0)
    return cad_fail(err, "missing_credentials", "Authorization",
                    "Basic credentials are required (put them in the Inbound Parse URL)");
  const char *b64 = authorization + 6;
  size_t n = strlen(b64);
  unsigned char plain[400];
  int len = n && n <= 512 && n % 4 == 0 ? EVP_DecodeBlock(plain, (const unsigned char *)b64, (int)n) : -1;
  if (len > 0) { /* EVP_DecodeBlock counts padding as bytes */
    len -= n >= 1 && b64[n - 1] == '=';
    len -= n >= 2 && b64[n - 2] == '=';
  }
  char given[65] = "", want[65];
  if (len > 0) {
    plain[len] = 0;
    const char *colon = memchr(plain, ':', (size_t)len);
    if (colon)
      crypto_sha256_hex(colon + 1, (size_t)len - (size_t)(colon + 1 - (const char *)plain), given);
  }
  crypto_sha256_hex(secret, strlen(secret), want);
  /* Hashes of equal length: the comparison takes the same time whatever was sent. */
  if (!*given || !crypto_equal(given, want))
    return cad_fail(err, "invalid_credentials", "Authorization", "the Inbound Parse credentials do not match");
  return true;
}

bool sendgrid_inbound_address(const char *value, char out[256]) {
  out[0] = 0;
  if (!value)
    return false;
  const char *lt = strrchr(value, '<'), *start = lt ? lt + 1 : value;
  while (*start == ' ' || *start == '\t' || *start == '"')
    start++;
  size_t n = 0;
  for (const char *p = start; *p && *p != '>' && *p != ',' && *p != ' ' && *p != '\t' && n + 1 < 256; p++)
    out[n++] = (char)tolower((unsigned char)*p);
  out[n] = 0;
  const char *at = strchr(out, '@');
  return n >= 3 && at && at != out && at[1] && !strchr(at + 1, '@') && valid_utf8(out, n);
}

char *sendgrid_inbound_html_text(const char *html) {
  size_t n = strlen(html);
  char *out = malloc(n + 1), *w = out;
  for (const char *p = html; *p;) {
    if (*p == '<') {
      const char *end = strchr(p, '>');
      if (!end)
        break;
      /* A block's end is a line's: "<br>", "</p>", "</div>", "</blockquote>". */
      if (!strncasecmp(p, "<br", 3) || !strncasecmp(p, "</p", 3) || !strncasecmp(p, "</div", 5) ||
          !strncasecmp(p, "</tr", 4) || !strncasecmp(p, "</li", 4))
        *w++ = '\n';
      /* A quoted message is a blockquote: its lines read as quoted ones, cut by replies_strip_quoted. */
      if (!strncasecmp(p, "<blockquote", 11)) {
        *w++ = '\n';
        *w++ = '>';
      }
      p = end + 1;
      continue;
    }
    static const char *const entities[][2] = {{"&amp;", "&"}, {"&lt;", "<"},   {"&gt;", ">"},  {"&quot;", "\""},
                                              {"&#39;", "'"}, {"&nbsp;", " "}, {"&#160;", " "}};
    bool done = false;
    for (size_t i = 0; !done && i < sizeof entities / sizeof entities[0]; i++)
      if (!strncmp(p, entities[i][0], strlen(entities[i][0]))) {
        *w++ = entities[i][1][0];
        p += strlen(entities[i][0]);
        done = true;
      }
    if (!done)
      *w++ = *p++;
  }
  *w = 0;
  return out;
}

/* A field in UTF-8: as given when it is text, else read in the charset SendGrid names for it, else with
 * its bad bytes replaced. */
static char *as_utf8(const char *value, const char *charsets, const char *name) {
  json_t *cs = charsets ? json_loads(charsets, 0, NULL) : NULL;
  const char *declared = json_string_value(json_object_get(cs, name));
  size_t n = strlen(value), out_len;
  charset c = CHARSET_UTF8;
  char ct[120];
  snprintf(ct, sizeof ct, "text/plain; charset=%.60s", declared ? declared : "utf-8");
  if (!charset_of(ct, &c))
    c = CHARSET_UTF8;
  json_decref(cs);
  char *text = charset_to_utf8(c, value, n, &out_len);
  charset_clean_utf8(text, out_len);
  return text;
}

/* Message-ID from the raw headers: a retried delivery is the same email. */
static void message_key(const parsed_email *e, const char *body, char out[300]) {
  const char *h = e->headers;
  for (const char *line = h; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncasecmp(line, "Message-ID:", 11) == 0) {
      const char *v = line + 11;
      while (*v == ' ' || *v == '\t')
        v++;
      size_t n = strcspn(v, "\r\n");
      if (n > 2 && n < 250) {
        snprintf(out, 300, "%.*s", (int)n, v);
        return;
      }
    }
  }
  char *all = NULL, hex[65];
  size_t len = 0;
  FILE *m = open_memstream(&all, &len);
  fprintf(m, "%s\x1f%s\x1f%s\x1f%s", e->from ? e->from : "", e->to ? e->to : "", e->subject ? e->subject : "", body);
  fclose(m);
  crypto_sha256_hex(all, len, hex);
  free(all);
  snprintf(out, 300, "sha256:%s", hex);
}

/* The recipients: the SMTP envelope's (where the mail was really sent), else the To header's. */
static int recipients(const parsed_email *e, char list[MAX_RECIPIENTS][256]) {
  int n = 0;
  json_t *env = e->envelope ? json_loads(e->envelope, 0, NULL) : NULL, *to = json_object_get(env, "to");
  for (size_t i = 0; i < json_array_size(to) && n < MAX_RECIPIENTS; i++)
    n += sendgrid_inbound_address(json_string_value(json_array_get(to, i)), list[n]);
  json_decref(env);
  const char *hdr = n ? NULL : e->to; /* no envelope: each address of the To header */
  while (hdr && *hdr && n < MAX_RECIPIENTS) {
    size_t len = strcspn(hdr, ",");
    char *one = strndup(hdr, len);
    n += sendgrid_inbound_address(one, list[n]);
    free(one);
    hdr += len + (hdr[len] == ',');
  }
  return n;
}

/* The message a recipient reply+<id>@ names. */
static bool named_message(char list[MAX_RECIPIENTS][256], int n, char id[37]) {
  for (int i = 0; i < n; i++)
    if (strncmp(list[i], "reply+", 6) == 0 && strlen(list[i]) > 6 + 36 && list[i][6 + 36] == '@') {
      snprintf(id, 37, "%.36s", list[i] + 6);
      if (valid_uuid(id))
        return true;
    }
  id[0] = 0;
  return false;
}

typedef struct receive_ctx {
  const inbound_email *in;
} receive_ctx;

static bool receive_tx(db_conn *c, void *vctx, cad_error *err) {
  receive_ctx *x = vctx;
  return conversations_record_email(c, x->in, err);
}

bool sendgrid_inbound_receive(db_conn *c, const parsed_email *e, json_t **out, cad_error *err) {
  char from[256], list[MAX_RECIPIENTS][256], named[37], practice[37] = "";
  if (!sendgrid_inbound_address(e->from, from))
    return FAIL_VALUE(err, "from", "'from' holds no email address");
  int n = recipients(e, list);
  if (!n)
    return FAIL_VALUE(err, "to", "'to' (or the envelope) holds no recipient address");
  db_result *r;
  if (named_message(list, n, named)) {
    const char *p[] = {named};
    if (!(r = db_exec(c, &SGI_PRACTICE_OF_MESSAGE, 1, p, err)))
      return false;
    if (db_rows(r) == 1)
      snprintf(practice, sizeof practice, "%s", db_text(r, 0, 0));
    else
      named[0] = 0;
    db_free(r);
  }
  if (!practice[0]) {
    db_array addresses = {0};
    for (int i = 0; i < n; i++)
      db_array_add(&addresses, list[i]);
    const char *p[] = {db_array_text(&addresses)};
    r = db_exec(c, &SGI_PRACTICE_AT, 1, p, err);
    db_array_free(&addresses);
    if (!r)
      return false;
    if (db_rows(r) == 1)
      snprintf(practice, sizeof practice, "%s", db_text(r, 0, 0));
    db_free(r);
  }
  if (!practice[0]) {
    /* Answered 200 all the same: SendGrid would retry for three days an email no practice receives. */
    *out = json_pack("{s:b,s:s}", "stored", false, "reason", "no practice receives email at this address");
    return true;
  }
  char *text;
  if (e->text && *e->text) {
    text = as_utf8(e->text, e->charsets, "text");
  } else {
    char *html = as_utf8(e->html ? e->html : "", e->charsets, "html");
    text = sendgrid_inbound_html_text(html);
    free(html);
  }
  replies_strip_quoted(text);
  /* An empty reply with "Unsubscribe" as its subject says it there. */
  char *subject = e->subject ? as_utf8(e->subject, e->charsets, "subject") : strdup("");
  const char *read = *text ? text : subject;
  if (!*text && strncasecmp(read, "Re:", 3) == 0)
    read += 3;
  reply_reading rd;
  replies_read(read, &rd);
  char key[300];
  message_key(e, text, key);
  inbound_email in = {practice, from, list[0], *text ? text : subject, named[0] ? named : NULL, key, &rd};
  receive_ctx x = {&in};
  bool ok = db_tx(c, receive_tx, &x, err);
  if (ok) {
    const char *p[] = {practice, key};
    if ((r = db_exec(c, &SGI_CONVERSATION_OF, 2, p, err)) && db_rows(r) == 1)
      *out = json_pack("{s:b,s:s,s:o,s:s}", "stored", true, "conversation_id", db_text(r, 0, 0), "client_id",
                       db_null(r, 0, 1) ? json_null() : json_string(db_text(r, 0, 1)), "reading",
                       replies_kind_name(rd.kind == REPLY_CHOICE ? REPLY_MESSAGE : rd.kind));
    else
      ok = r ? FAIL_INTERNAL(err, "the email was kept but cannot be found") : false;
    db_free(r);
  }
  free(text);
  free(subject);
  return ok;
}
