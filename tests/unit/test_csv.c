/* CSV: records across arbitrary chunk boundaries, quoted line breaks, CRLF,
 * fields with escaped quotes, and malformed records. */
#include "check.h"
#include "csv.h"

typedef struct got {
  char text[8][80];
  int line[8];
  int n;
} got;

static bool collect(void *ctx, const char *record, size_t len, int line) {
  got *g = ctx;
  if (g->n < 8) {
    snprintf(g->text[g->n], sizeof g->text[g->n], "%.*s", (int)len, record);
    g->line[g->n++] = line;
  }
  return true;
}

static bool stop_after_first(void *ctx, const char *record, size_t len, int line) {
  collect(ctx, record, len, line);
  return false;
}

void test_csv(void) {
  const char *text = "a,b\r\n1,\"two\nlines\"\r\n\r\n3,\"say \"\"hi\"\"\"\nlast,row";
  /* Every split of the input into two chunks gives the same records. */
  for (size_t cut = 0; cut <= strlen(text); cut++) {
    got g = {0};
    csv_reader r;
    csv_init(&r, collect, &g);
    CHECK(csv_feed(&r, text, cut) && csv_feed(&r, text + cut, strlen(text) - cut) && csv_finish(&r));
    CHECK(g.n == 4);
    CHECK_STR(g.text[0], "a,b");
    CHECK_STR(g.text[1], "1,\"two\nlines\"");
    CHECK_STR(g.text[2], "3,\"say \"\"hi\"\"\"");
    CHECK_STR(g.text[3], "last,row");
    CHECK(g.line[0] == 1 && g.line[1] == 2 && g.line[2] == 5 && g.line[3] == 6); /* line 4 is blank */
  }
  got g = {0};
  csv_reader r;
  csv_init(&r, stop_after_first, &g);
  CHECK(!csv_feed(&r, "x\ny\n", 4));
  CHECK(g.n == 1);
  csv_finish(&r);

  char buf[80], *f[CSV_MAX_FIELDS];
  strcpy(buf, "3,\"say \"\"hi\"\"\",,\"a,b\"");
  CHECK(csv_fields(buf, strlen(buf), f, CSV_MAX_FIELDS) == 4);
  CHECK_STR(f[0], "3");
  CHECK_STR(f[1], "say \"hi\"");
  CHECK_STR(f[2], "");
  CHECK_STR(f[3], "a,b");
  strcpy(buf, "");
  CHECK(csv_fields(buf, 0, f, CSV_MAX_FIELDS) == 1 && f[0][0] == 0);
  strcpy(buf, "a,");
  CHECK(csv_fields(buf, strlen(buf), f, CSV_MAX_FIELDS) == 2 && f[1][0] == 0);
  strcpy(buf, "\"open");
  CHECK(csv_fields(buf, strlen(buf), f, CSV_MAX_FIELDS) == -1);
  strcpy(buf, "\"x\"y,z");
  CHECK(csv_fields(buf, strlen(buf), f, CSV_MAX_FIELDS) == -1);
  strcpy(buf, "a\"b");
  CHECK(csv_fields(buf, strlen(buf), f, CSV_MAX_FIELDS) == -1);
  strcpy(buf, "1,2,3");
  CHECK(csv_fields(buf, strlen(buf), f, 2) == -1);
}
