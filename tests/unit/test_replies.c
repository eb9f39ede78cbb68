/* The reply reader against its corpus (tests/unit/replies.tsv, run from the repository root): every
 * labelled reply must read as labelled; plus the keyword flag and the evidence recorded. */
#include <stdlib.h>

#include "check.h"
#include "replies.h"

static void corpus(void) {
  FILE *f = fopen("tests/unit/replies.tsv", "r");
  CHECK(f != NULL);
  if (!f)
    return;
  char line[512];
  int total = 0, right = 0, stops = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *tab = strchr(line, '\t');
    if (line[0] == '#' || !tab)
      continue;
    *tab = 0;
    const char *label = line, *text = tab + 1;
    reply_reading r;
    replies_read(text, &r);
    char got[32];
    if (r.kind == REPLY_CHOICE)
      snprintf(got, sizeof got, "choice:%d", r.choice);
    else
      snprintf(got, sizeof got, "%s", replies_kind_name(r.kind));
    total++;
    stops += strcmp(label, "stop") == 0;
    if (strcmp(got, label) == 0)
      right++;
    else
      fprintf(stderr, "replies: \"%s\" read as %s (%s), labelled %s\n", text, got, r.evidence, label);
    CHECK(strcmp(got, label) == 0);
  }
  fclose(f);
  fprintf(stderr, "replies corpus: %d of %d read as labelled (%d revocations)\n", right, total, stops);
  CHECK(total >= 200);
}

void test_replies(void) {
  corpus();
  reply_reading r;
  replies_read("STOP", &r);
  CHECK(r.kind == REPLY_STOP && r.keyword);
  CHECK_STR(r.evidence, "keyword STOP");
  replies_read("Stop!!", &r);
  CHECK(r.kind == REPLY_STOP && !r.keyword); /* Twilio does not act on it: Cadence must */
  replies_read("please stop texting me", &r);
  CHECK(r.kind == REPLY_STOP && !r.keyword);
  CHECK_STR(r.evidence, "phrase \"stop texting\"");
  replies_read("I'll stop by Thursday", &r);
  CHECK(r.kind == REPLY_MESSAGE && r.evidence[0] == 0);
  replies_read("No más mensajes", &r);
  CHECK(r.kind == REPLY_STOP);
  replies_read("option 3", &r);
  CHECK(r.kind == REPLY_CHOICE && r.choice == 3);
  replies_read(NULL, &r);
  CHECK(r.kind == REPLY_MESSAGE);
  replies_read("", &r);
  CHECK(r.kind == REPLY_MESSAGE);
  char many[4096]; /* more words than are kept, and words longer than a word is kept */
  memset(many, 'a', sizeof many - 1);
  many[sizeof many - 1] = 0;
  for (size_t i = 30; i < sizeof many - 1; i += 31)
    many[i] = ' ';
  replies_read(many, &r);
  CHECK(r.kind == REPLY_MESSAGE);

  /* Email replies: only what the client wrote is read (Gmail, Apple Mail, Outlook quoting; signatures). */
  static const char *const quoted[][2] = {
      {"Thursday at 3 works!\r\n\r\nOn Tue, Mar 17, 2026 at 2:00 PM Glow Med Spa <hello@glow.example.com> "
       "wrote:\r\n> Hi Ana, it's time for your touch-up.\r\n> Unsubscribe: https://x/u\r\n",
       "Thursday at 3 works!"},
      {"Yes please\n\nOn Tue, Mar 17, 2026 at 2:00 PM Glow Med Spa <\nhello@glow.example.com> wrote:\n\n> Hi",
       "Yes please"},
      {"Can I come Friday?\n\nSent from my iPhone\n\n> On Mar 17, 2026, at 14:00, Glow wrote:\n> unsubscribe",
       "Can I come Friday?"},
      {"See you then\n\n-----Original Message-----\nFrom: Glow Med Spa\nSubject: Time for Botox", "See you then"},
      {"Perfect\r\n\r\nFrom: Glow Med Spa <hello@glow.example.com>\r\nSent: Tuesday\r\nStop by anytime", "Perfect"},
      {"Thanks!\n-- \nAna Diaz\n+1 555 123 4567", "Thanks!"},
      {"please stop emailing me", "please stop emailing me"},
      {"> only a quote", ""},
      {"From: the front desk I heard about you\nok", "From: the front desk I heard about you\nok"},
      {"", ""}};
  for (size_t i = 0; i < sizeof quoted / sizeof quoted[0]; i++) {
    char *text = strdup(quoted[i][0]);
    replies_strip_quoted(text);
    CHECK_STR(text, quoted[i][1]);
    free(text);
  }
}
