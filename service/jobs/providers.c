/* providers.c: Twilio's Messages resource (form POST, HTTP Basic) and
 * SendGrid's v3 mail send (JSON POST, Bearer) through libcurl, with connect
 * and total timeouts. Base URLs are settings so tests use local fakes. */
#include "providers.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sendtime.h"

enum { MAX_REPLY = 64 * 1024 };

/* One easy handle per concurrent request, kept between batches so their
 * connections stay alive; the multi handle runs a batch's requests at once. */
struct provider_session {
  const provider_config *cfg;
  CURLM *multi;
  CURL *easy[PROVIDERS_MAX_BATCH];
};

typedef struct reply {
  char body[MAX_REPLY + 1];
  size_t len;
  char retry_after[64], rate_reset[32], message_id[96];
} reply;

/* One request of a batch: what it sends, what came back, and what it owns. */
typedef struct transfer {
  CURL *c;
  const outgoing *m;
  send_result *r;
  reply rep;
  bool sendgrid;
  char *payload;
  size_t payload_len, sent; /* the body, read by libcurl through on_read */
  struct curl_slist *headers;
} transfer;

provider_session *providers_open(const provider_config *cfg) {
  provider_session *s = calloc(1, sizeof *s);
  s->cfg = cfg;
  s->multi = curl_multi_init();
  for (int i = 0; i < PROVIDERS_MAX_BATCH; i++)
    s->easy[i] = curl_easy_init();
  return s;
}

void providers_close(provider_session *s) {
  if (s) {
    for (int i = 0; i < PROVIDERS_MAX_BATCH; i++)
      curl_easy_cleanup(s->easy[i]);
    curl_multi_cleanup(s->multi);
    free(s);
  }
}

const char *providers_name(const provider_config *cfg, const char *channel) {
  if (strcmp(channel, "sms") == 0)
    return cfg->twilio_account_sid && cfg->twilio_user ? "twilio" : "console";
  return cfg->sendgrid_key ? "sendgrid" : "console";
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata) {
  reply *r = userdata;
  size_t len = size * n, room = MAX_REPLY - r->len;
  size_t take = len < room ? len : room;
  memcpy(r->body + r->len, data, take);
  r->len += take;
  r->body[r->len] = 0;
  return len;
}

/* Copies the value of header name (case-insensitive) into out. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t out_len) {
  size_t n = strlen(name);
  if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
    return;
  const char *v = line + n + 1;
  const char *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  snprintf(out, out_len, "%.*s", (int)(end - v), v);
}

static size_t on_header(char *line, size_t size, size_t n, void *userdata) {
  reply *r = userdata;
  size_t len = size * n;
  header_value(line, len, "Retry-After", r->retry_after, sizeof r->retry_after);
  header_value(line, len, "X-RateLimit-Reset", r->rate_reset, sizeof r->rate_reset);
  header_value(line, len, "X-Message-Id", r->message_id, sizeof r->message_id);
  return len;
}

/* The request body, handed to libcurl as it asks for it. */
static size_t on_read(char *buf, size_t size, size_t n, void *userdata) {
  transfer *t = userdata;
  size_t room = size * n, left = t->payload_len - t->sent, take = left < room ? left : room;
  memcpy(buf, t->payload + t->sent, take);
  t->sent += take;
  return take;
}

/* libcurl rewinds a body only to send it again: when a kept-alive connection dies after it wrote the
 * request and before any answer, it silently retries on a fresh one, and a provider that had read the
 * first copy sends the message twice. Refusing the rewind turns that retry into CURLE_SEND_FAIL_REWIND,
 * which the dispatcher records as unknown (never resent). Nothing else rewinds these requests: no
 * redirects are followed, Basic and Bearer auth need no second pass, and Expect: 100-continue is off. */
static int on_seek(void *userdata, curl_off_t offset, int origin) {
  transfer *t = userdata;
  if (offset == 0 && origin == SEEK_SET && t->sent == 0)
    return CURL_SEEKFUNC_OK; /* nothing was sent yet: a rewind to the start resends nothing */
  return CURL_SEEKFUNC_FAIL;
}

/* Sets the body to send (payload, owned by t), through on_read so that libcurl cannot resend it. */
static void set_body(transfer *t, char *payload) {
  t->payload = payload;
  t->payload_len = strlen(payload);
  t->sent = 0;
  curl_easy_setopt(t->c, CURLOPT_POST, 1L);
  curl_easy_setopt(t->c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->payload_len);
  curl_easy_setopt(t->c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(t->c, CURLOPT_READDATA, t);
  curl_easy_setopt(t->c, CURLOPT_SEEKFUNCTION, on_seek);
  curl_easy_setopt(t->c, CURLOPT_SEEKDATA, t);
}

/* The options every request shares: reply capture, timeouts, protocols. */
static void common_options(const provider_session *s, transfer *t) {
  CURL *c = t->c;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t->rep);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t->rep);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, s->cfg->connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->cfg->timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  /* A connection idle longer than this is not reused: providers close idle ones after about a minute,
   * and a request written to a connection the peer already closed would end unknown, not resent. */
  curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, (long)s->cfg->keepalive_idle_s);
}

/* After the transfer: true when an HTTP answer came back; otherwise classifies the transport failure. */
static bool transport_ok(transfer *t, CURLcode rc) {
  long status = 0, request_size = 0;
  curl_easy_getinfo(t->c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(t->c, CURLINFO_REQUEST_SIZE, &request_size);
  t->r->http_status = (int)status;
  if (rc == CURLE_OK)
    return true;
  /* Nothing left this machine: safe to try again. Otherwise the provider may
   * have accepted the message and only its answer was lost. */
  bool never_sent = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                    rc == CURLE_COULDNT_RESOLVE_PROXY || request_size == 0;
  t->r->outcome = never_sent ? SEND_RETRY : SEND_UNKNOWN;
  snprintf(t->r->error, sizeof t->r->error, "transport: %s", curl_easy_strerror(rc));
  return false;
}

/* Maps an HTTP status to an outcome; 429 and 5xx are retried. */
static void classify(const reply *rep, send_result *r) {
  int st = r->http_status;
  r->retry_after_ms = sendtime_retry_after_ms(rep->retry_after, time(NULL));
  if (r->retry_after_ms < 0 && rep->rate_reset[0]) {
    long reset = strtol(rep->rate_reset, NULL, 10);
    long now = (long)time(NULL);
    r->retry_after_ms = reset > now && reset - now < 86400 ? (reset - now) * 1000 : -1;
  }
  if (st >= 200 && st < 300)
    r->outcome = SEND_OK;
  else if (st == 429 || st >= 500)
    r->outcome = SEND_RETRY;
  else
    r->outcome = SEND_PERMANENT;
}

static void prepare_twilio(const provider_session *s, transfer *t) {
  const provider_config *cfg = s->cfg;
  const outgoing *m = t->m;
  CURL *c = t->c;
  char url[512], callback[512];
  snprintf(url, sizeof url, "%s/2010-04-01/Accounts/%s/Messages.json", cfg->twilio_base, cfg->twilio_account_sid);
  snprintf(callback, sizeof callback, "%s/v1/webhooks/twilio/status", cfg->public_base_url);
  char *to = curl_easy_escape(c, m->to, 0), *from = curl_easy_escape(c, m->from ? m->from : "", 0);
  char *body = curl_easy_escape(c, m->body, 0), *cb = curl_easy_escape(c, callback, 0);
  bool service = m->from && strncmp(m->from, "MG", 2) == 0;
  size_t len = strlen(to) + strlen(from) + strlen(body) + strlen(cb) + 128;
  char *payload = malloc(len);
  snprintf(payload, len, "To=%s&%s=%s&Body=%s&StatusCallback=%s", to, service ? "MessagingServiceSid" : "From", from,
           body, cb);
  curl_free(to);
  curl_free(from);
  curl_free(body);
  curl_free(cb);
  curl_easy_setopt(c, CURLOPT_URL, url);
  set_body(t, payload);
  t->headers = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
  t->headers = curl_slist_append(t->headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(c, CURLOPT_USERNAME, cfg->twilio_user);
  curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->twilio_pass);
}

static void finish_twilio(transfer *t) {
  send_result *r = t->r;
  json_t *j = json_loadb(t->rep.body, t->rep.len, 0, NULL);
  if (r->outcome == SEND_OK) {
    const char *sid = json_string_value(json_object_get(j, "sid"));
    snprintf(r->provider_id, sizeof r->provider_id, "%s", sid ? sid : "");
  } else {
    r->provider_code = (int)json_integer_value(json_object_get(j, "code"));
    const char *msg = json_string_value(json_object_get(j, "message"));
    snprintf(r->error, sizeof r->error, "twilio %d: error %d: %s", r->http_status, r->provider_code, msg ? msg : "");
  }
  json_decref(j);
}

/* Escapes text for HTML and turns line breaks into <br>. */
static char *html_escape(const char *s) {
  size_t len = 1;
  for (const char *p = s; *p; p++)
    len += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' ? 6 : *p == '\n' ? 5 : 1;
  char *out = malloc(len), *w = out;
  for (const char *p = s; *p; p++) {
    const char *rep = *p == '&'    ? "&amp;"
                      : *p == '<'  ? "&lt;"
                      : *p == '>'  ? "&gt;"
                      : *p == '"'  ? "&quot;"
                      : *p == '\n' ? "<br>\n"
                                   : NULL;
    if (rep) {
      strcpy(w, rep);
      w += strlen(rep);
    } else {
      *w++ = *p;
    }
  }
  *w = 0;
  return out;
}

static void prepare_sendgrid(const provider_session *s, transfer *t) {
  const provider_config *cfg = s->cfg;
  const outgoing *m = t->m;
  char url[512], auth[600];
  snprintf(url, sizeof url, "%s/v3/mail/send", cfg->sendgrid_base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", cfg->sendgrid_key);
  /* A message to a client carries its unsubscribe link; one to the practice (the weekly report) none. */
  const char *unsub = m->unsubscribe_url;
  size_t tlen = strlen(m->body) + (unsub ? strlen(unsub) : 0) + 64;
  char *text = malloc(tlen);
  if (unsub)
    snprintf(text, tlen, "%s\n\nUnsubscribe: %s", m->body, unsub);
  else
    snprintf(text, tlen, "%s", m->body);
  char *escaped = html_escape(m->body), *link = html_escape(unsub ? unsub : "");
  size_t hlen = strlen(escaped) + 2 * strlen(link) + 128;
  char *html = malloc(hlen);
  if (unsub)
    snprintf(html, hlen, "<p>%s</p>\n<p><a href=\"%s\">Unsubscribe</a></p>", escaped, link);
  else
    snprintf(html, hlen, "<pre>%s</pre>", escaped);
  json_t *from = json_pack("{s:s}", "email", m->from ? m->from : "");
  if (m->from_name)
    json_object_set_new(from, "name", json_string(m->from_name));
  json_t *req = json_pack("{s:[{s:[{s:s}],s:{s:s}}],s:o,s:s,s:[{s:s,s:s},{s:s,s:s}]}", "personalizations", "to",
                          "email", m->to, "custom_args", "cadence_message_id", m->message_id, "from", from, "subject",
                          m->subject ? m->subject : "", "content", "type", "text/plain", "value", text, "type",
                          "text/html", "value", html);
  if (cfg->sendgrid_inbound_domain && m->message_id) {
    /* A reply names the message it answers: Inbound Parse posts it to us and it threads (README). */
    char reply_to[300];
    snprintf(reply_to, sizeof reply_to, "reply+%s@%s", m->message_id, cfg->sendgrid_inbound_domain);
    json_object_set_new(req, "reply_to", json_pack("{s:s}", "email", reply_to));
  }
  if (unsub) {
    char list_unsub[600];
    snprintf(list_unsub, sizeof list_unsub, "<%s>", unsub);
    json_object_set_new(
        req, "headers",
        json_pack("{s:s,s:s}", "List-Unsubscribe", list_unsub, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
  }
  char *payload = json_dumps(req, JSON_COMPACT);
  json_decref(req);
  free(text);
  free(escaped);
  free(link);
  free(html);
  t->headers = curl_slist_append(NULL, auth);
  t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
  t->headers = curl_slist_append(t->headers, "Expect:");
  curl_easy_setopt(t->c, CURLOPT_URL, url);
  curl_easy_setopt(t->c, CURLOPT_HTTPHEADER, t->headers);
  set_body(t, payload);
}

static void finish_sendgrid(transfer *t) {
  send_result *r = t->r;
  if (r->outcome == SEND_OK) {
    snprintf(r->provider_id, sizeof r->provider_id, "%s", t->rep.message_id);
  } else {
    json_t *j = json_loadb(t->rep.body, t->rep.len, 0, NULL);
    const char *msg = json_string_value(json_object_get(json_array_get(json_object_get(j, "errors"), 0), "message"));
    snprintf(r->error, sizeof r->error, "sendgrid %d: %s", r->http_status, msg ? msg : "");
    json_decref(j);
  }
}

/* Development sink: prints to stdout (never the JSON logs) and reports success. */
static void send_console(const outgoing *m, send_result *r) {
  printf("--- console %s message %s to %s%s%s\n%s\n---\n", m->channel, m->message_id, m->to,
         m->subject ? ", subject: " : "", m->subject ? m->subject : "", m->body);
  fflush(stdout);
  r->outcome = SEND_OK;
  snprintf(r->provider_id, sizeof r->provider_id, "console-%s", m->message_id);
}

void providers_send_batch(provider_session *s, const outgoing *ms, int n, send_result *rs) {
  transfer *ts = calloc((size_t)n, sizeof *ts);
  int running = 0;
  for (int i = 0; i < n && i < PROVIDERS_MAX_BATCH; i++) {
    send_result *r = &rs[i];
    memset(r, 0, sizeof *r);
    r->retry_after_ms = -1;
    const char *name = providers_name(s->cfg, ms[i].channel);
    if (strcmp(name, "console") == 0) {
      send_console(&ms[i], r);
      continue;
    }
    transfer *t = &ts[i];
    t->c = s->easy[i];
    t->m = &ms[i];
    t->r = r;
    t->sendgrid = strcmp(name, "sendgrid") == 0;
    curl_easy_reset(t->c);
    common_options(s, t);
    curl_easy_setopt(t->c, CURLOPT_PRIVATE, t);
    if (t->sendgrid)
      prepare_sendgrid(s, t);
    else
      prepare_twilio(s, t);
    curl_multi_add_handle(s->multi, t->c);
    running++;
  }
  while (running > 0) {
    int still = 0;
    curl_multi_perform(s->multi, &still);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(s->multi, &left))) {
      if (msg->msg != CURLMSG_DONE)
        continue;
      transfer *t = NULL;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
      if (transport_ok(t, msg->data.result)) {
        classify(&t->rep, t->r);
        if (t->sendgrid)
          finish_sendgrid(t);
        else
          finish_twilio(t);
      }
      curl_multi_remove_handle(s->multi, t->c);
      running--;
    }
    if (running > 0)
      curl_multi_poll(s->multi, NULL, 0, 100, NULL);
  }
  for (int i = 0; i < n; i++) {
    free(ts[i].payload);
    curl_slist_free_all(ts[i].headers);
  }
  free(ts);
}

void providers_send(provider_session *s, const outgoing *m, send_result *r) { providers_send_batch(s, m, 1, r); }
