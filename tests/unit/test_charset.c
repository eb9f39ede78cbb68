/* Upload charsets: which Content-Types are read, Latin-1 and Windows-1252 as
 * UTF-8, and bad bytes made visible without touching good text. */
#include <stdlib.h>

#include "charset.h"
#include "check.h"
#include "validate.h"

static void converts(charset cs, const char *in, const char *want) {
  size_t n;
  char *out = charset_to_utf8(cs, in, strlen(in), &n);
  CHECK_STR(out, want);
  CHECK(n == strlen(want) && valid_utf8(out, n));
  free(out);
}

static void cleaned(const char *in, size_t len, const char *want, size_t want_bad) {
  char buf[64];
  memcpy(buf, in, len);
  CHECK(charset_clean_utf8(buf, len) == want_bad);
  CHECK(memcmp(buf, want, len) == 0 && valid_utf8(buf, len));
}

void test_charset(void) {
  charset cs;
  CHECK(charset_of(NULL, &cs) && cs == CHARSET_UTF8);
  CHECK(charset_of("text/csv", &cs) && cs == CHARSET_UTF8);
  CHECK(charset_of("text/csv; charset=UTF-8", &cs) && cs == CHARSET_UTF8);
  CHECK(charset_of("text/csv;charset=\"ISO-8859-1\"", &cs) && cs == CHARSET_LATIN1);
  CHECK(charset_of("text/csv; Charset=Windows-1252; header=present", &cs) && cs == CHARSET_CP1252);
  CHECK(charset_of("text/csv; charset=cp1252", &cs) && cs == CHARSET_CP1252);
  CHECK(!charset_of("text/csv; charset=shift_jis", &cs));
  CHECK(!charset_of("text/csv; charset=utf-16", &cs));
  CHECK(!charset_of("text/csv; charset=", &cs));

  converts(CHARSET_UTF8, "Jos\xc3\xa9", "Jos\xc3\xa9");
  converts(CHARSET_LATIN1, "Jos\xe9 \xbd", "Jos\xc3\xa9 \xc2\xbd");
  /* 0x92 is a C1 control in Latin-1 but the curly apostrophe in Windows-1252; 0x80 the euro sign;
   * 0x81 is undefined there and becomes the replacement character. */
  converts(CHARSET_LATIN1, "O\x92", "O\xc2\x92");
  converts(CHARSET_CP1252, "O\x92" "Brien \x80" "5 \x99", "O\xe2\x80\x99" "Brien \xe2\x82\xac" "5 \xe2\x84\xa2");
  converts(CHARSET_CP1252, "\x81", "\xef\xbf\xbd");
  converts(CHARSET_CP1252, "", "");

  cleaned("ok \xc3\xa9", 5, "ok \xc3\xa9", 0);
  cleaned("a\xff" "b", 3, "a?b", 1);
  cleaned("a\0b", 3, "a?b", 1);
  cleaned("cut \xc3", 5, "cut ?", 1);
  cleaned("\xed\xa0\x80", 3, "???", 3); /* a UTF-16 surrogate is not text */
  cleaned("tab\tok\r\n", 8, "tab\tok\r\n", 0);
}
