/* replies.c: see replies.h. The reply becomes lower-case ASCII words (apostrophes dropped, so "don't" is
 * "dont"; anything else separates words); politeness and emphasis are set aside; then, in order: a
 * keyword body, an opt-out phrase anywhere, a lone opt-out word, a slot choice. */
#include "replies.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_WORDS = 64, MAX_WORD = 24 };

typedef struct words {
  char w[MAX_WORDS][MAX_WORD];
  int n;
} words;

/* The ASCII letter of a two-byte UTF-8 Latin-1 letter with an accent (U+00C0-U+00FF), or 0. */
static char unaccented(const unsigned char *p) {
  static const char map[] = "aaaaaaaceeeeiiii"
                            "dnooooo ouuuuy s"
                            "aaaaaaaceeeeiiii"
                            "dnooooo ouuuuy y";
  if (p[0] != 0xC3 || p[1] < 0x80 || p[1] > 0xBF)
    return 0;
  char c = map[p[1] - 0x80];
  return c == ' ' ? 0 : c;
}

/* Splits s into words; stops at the first sentence mark (. ! ? , ; or a line) when first_sentence. */
static void split(const char *s, bool first_sentence, words *out) {
  out->n = 0;
  char cur[MAX_WORD];
  size_t len = 0;
  for (const unsigned char *p = (const unsigned char *)(s ? s : "");; p++) {
    bool apostrophe = *p == '\'' || (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x98 || p[2] == 0x99));
    if (apostrophe) {
      if (*p == 0xE2)
        p += 2;
      continue;
    }
    char letter = unaccented(p);
    if (letter || (*p && *p < 0x80 && isalnum(*p))) {
      if (len + 1 < sizeof cur)
        cur[len++] = letter ? letter : (char)tolower(*p);
      p += letter ? 1 : 0;
      continue;
    }
    bool end = !*p || (first_sentence && strchr(".!?,;\n", *p) && out->n + (len > 0) > 0);
    if (len && out->n < MAX_WORDS) {
      cur[len] = 0;
      memcpy(out->w[out->n++], cur, len + 1);
    }
    len = 0;
    if (end)
      break;
  }
}

static bool one_of(const char *w, const char *const *list) {
  for (; *list; list++)
    if (strcmp(w, *list) == 0)
      return true;
  return false;
}

/* Twilio's keywords, read from the whole body as Twilio reads them. */
static const char *const STOP_KEYWORDS[] = {"stop", "stopall", "unsubscribe", "cancel", "end",
                                            "quit", "revoke",  "optout",      NULL};
static const char *const START_KEYWORDS[] = {"start", "unstop", "yes", NULL};
static const char *const HELP_KEYWORDS[] = {"help", "info", NULL};

/* Words that say nothing about what is asked: dropped before a lone word is judged. */
static const char *const FILLER[] = {"please", "pls", "plz",   "now",   "thanks",      "thank",   "you",  "thx",
                                     "ty",     "ok",  "okay",  "asap",  "immediately", "already", "just", "all",
                                     "me",     "sms", "text",  "texts", "txt",         "msg",     "msgs", "messages",
                                     "oh",     "hi",  "hello", "hey",   "sorry",       "ugh",     "omg",  "seriously",
                                     "again",  "so",  "right", "away",  "i",           "said",    NULL};
/* A lone word that, with only filler around it, revokes consent (English and the commonest Spanish). */
static const char *const LONE_STOP[] = {"stop",   "stopall", "quit", "end",   "cancel", "unsubscribe", "unsub",
                                        "revoke", "optout",  "alto", "basta", "parar",  "cancelar",    NULL};

/* Phrases that revoke consent wherever they stand, as words in a row. */
static const char *const STOP_PHRASES[] = {"unsubscribe",
                                           "unsub",
                                           "optout",
                                           "opt out",
                                           "opt me out",
                                           "opt outs",
                                           "remove me",
                                           "remove my number",
                                           "delete my number",
                                           "lose my number",
                                           "take me off",
                                           "take my number off",
                                           "leave me alone",
                                           "wrong number",
                                           "no more texts",
                                           "no more text",
                                           "no more messages",
                                           "no more reminders",
                                           "no more sms",
                                           "no more msgs",
                                           "dont text",
                                           "do not text",
                                           "dont message",
                                           "do not message",
                                           "dont contact",
                                           "do not contact",
                                           "dont send",
                                           "do not send",
                                           "never text",
                                           "stop texting",
                                           "stop txting",
                                           "stop messaging",
                                           "stop sending",
                                           "stop contacting",
                                           "stop calling",
                                           "stop texts",
                                           "stop text",
                                           "stop the texts",
                                           "stop these",
                                           "stop this",
                                           "stop it",
                                           "stop all",
                                           "stop msgs",
                                           "stop messages",
                                           "stop reminders",
                                           "stop reminding",
                                           "stop emailing",
                                           "stop spamming",
                                           "stop bothering",
                                           "quit texting",
                                           "quit messaging",
                                           "quit sending",
                                           "cancel texts",
                                           "cancel messages",
                                           "cancel the texts",
                                           "cancel these",
                                           "cancel subscription",
                                           "cancel my subscription",
                                           "cancel reminders",
                                           "cancel the reminders",
                                           "end texts",
                                           "end messages",
                                           "end these",
                                           "revoke",
                                           "no mas mensajes",
                                           "no me mandes",
                                           "no me manden",
                                           "no me envies",
                                           NULL};

/* Words that, naming the slot, may precede its number ("option 3"). */
static const char *const CHOICE_WORDS[] = {"option", "opt", "number", "no", "slot", "choice", "pick", NULL};

static bool phrase_at(const words *ws, int at, const char *phrase) {
  char buf[64];
  snprintf(buf, sizeof buf, "%s", phrase);
  int i = at;
  for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), i++)
    if (i >= ws->n || strcmp(ws->w[i], w) != 0)
      return false;
  return true;
}

/* "dont", "do not", "never" or "not" just before word i: "please don't stop these" asks for more. */
static bool negated(const words *ws, int i) {
  const char *before = i > 0 ? ws->w[i - 1] : "";
  return strcmp(ws->w[i], "dont") != 0 && strcmp(ws->w[i], "do") != 0 && strcmp(ws->w[i], "never") != 0 &&
         (strcmp(before, "dont") == 0 || strcmp(before, "not") == 0 || strcmp(before, "never") == 0);
}

/* The words once politeness and emphasis are set aside, a word repeated in a row kept once
 * ("stop stop stop"); returns how many. */
static int lone_words(const words *ws, const char *left[MAX_WORDS]) {
  int n = 0;
  for (int i = 0; i < ws->n; i++)
    if (!one_of(ws->w[i], FILLER) && (n == 0 || strcmp(left[n - 1], ws->w[i]) != 0))
      left[n++] = ws->w[i];
  return n;
}

static void decide(reply_reading *out, reply_kind kind, bool keyword, const char *evidence) {
  out->kind = kind;
  out->keyword = keyword;
  snprintf(out->evidence, sizeof out->evidence, "%s", evidence);
}

void replies_read(const char *body, reply_reading *out) {
  *out = (reply_reading){.kind = REPLY_MESSAGE};
  words ws;
  split(body, false, &ws);
  /* The whole body a keyword: one word, nothing but spaces and case around it (Twilio's reading). */
  const char *b = body ? body : "";
  while (isspace((unsigned char)*b))
    b++;
  size_t blen = strlen(b);
  while (blen && isspace((unsigned char)b[blen - 1]))
    blen--;
  if (ws.n == 1 && blen == strlen(ws.w[0])) {
    char evidence[48];
    snprintf(evidence, sizeof evidence, "keyword %s", ws.w[0]);
    for (char *p = evidence + 8; *p; p++)
      *p = (char)toupper((unsigned char)*p);
    if (one_of(ws.w[0], STOP_KEYWORDS))
      return decide(out, REPLY_STOP, true, evidence);
    if (one_of(ws.w[0], START_KEYWORDS))
      return decide(out, REPLY_START, true, evidence);
    if (one_of(ws.w[0], HELP_KEYWORDS))
      return decide(out, REPLY_HELP, true, evidence);
  }
  for (int i = 0; i < ws.n; i++)
    for (const char *const *ph = STOP_PHRASES; *ph; ph++)
      if (phrase_at(&ws, i, *ph) && !negated(&ws, i)) {
        char evidence[64];
        snprintf(evidence, sizeof evidence, "phrase \"%s\"", *ph);
        return decide(out, REPLY_STOP, false, evidence);
      }
  /* A lone opt-out word, in the whole reply or as its first sentence ("Stop! I never signed up"). */
  const char *left[MAX_WORDS];
  int nleft = lone_words(&ws, left);
  words first;
  split(body, true, &first);
  const char *first_left[MAX_WORDS];
  const char *lone = nleft == 1 && one_of(left[0], LONE_STOP)                                  ? left[0]
                     : lone_words(&first, first_left) == 1 && one_of(first_left[0], LONE_STOP) ? first_left[0]
                                                                                               : NULL;
  if (lone) {
    char evidence[64];
    snprintf(evidence, sizeof evidence, "word \"%s\"", lone);
    return decide(out, REPLY_STOP, false, evidence);
  }
  /* A slot choice: a digit 1-9, perhaps named ("option 3", "#2"); "#" and "." are not words. */
  const char *digit = nleft == 1 ? left[0] : nleft == 2 && one_of(left[0], CHOICE_WORDS) ? left[1] : NULL;
  if (digit && digit[0] >= '1' && digit[0] <= '9' && digit[1] == 0) {
    out->kind = REPLY_CHOICE;
    out->choice = digit[0] - '0';
    snprintf(out->evidence, sizeof out->evidence, "choice %d", out->choice);
  }
}

const char *replies_kind_name(reply_kind kind) {
  static const char *const names[] = {"message", "stop", "start", "help", "choice"};
  return names[kind];
}

static bool starts_with(const char *line, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len >= n && strncasecmp(line, prefix, n) == 0;
}

/* Whether the text from line (its first len bytes, then the next line) reads "On ... wrote:". */
static bool wrote_line(const char *line, size_t len) {
  if (!starts_with(line, len, "On "))
    return false;
  const char *end = line + len, *next_end = *end ? strchr(end + 1, '\n') : NULL;
  size_t span = next_end ? (size_t)(next_end - line) : strlen(line);
  char *both = strndup(line, span > 600 ? 600 : span);
  bool found = strstr(both, "wrote:") != NULL;
  free(both);
  return found;
}

void replies_strip_quoted(char *text) {
  bool after_blank = false;
  for (char *line = text; *line;) {
    char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    const char *t = line;
    while ((size_t)(t - line) < len && (*t == ' ' || *t == '\t'))
      t++;
    size_t tlen = len - (size_t)(t - line);
    if ((tlen && *t == '>') || wrote_line(t, tlen) || starts_with(t, tlen, "-----Original Message") ||
        starts_with(t, tlen, "________________________________") || (after_blank && starts_with(t, tlen, "From: ")) ||
        (len == 3 && strncmp(line, "-- ", 3) == 0) || (len == 2 && strncmp(line, "--", 2) == 0) ||
        starts_with(t, tlen, "Sent from my ")) {
      *line = 0;
      break;
    }
    after_blank = tlen == 0 || (tlen == 1 && *t == '\r');
    line = nl ? nl + 1 : line + len;
  }
  size_t n = strlen(text);
  while (n && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == '\t'))
    text[--n] = 0;
}
