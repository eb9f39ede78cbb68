/* Syntax checks of client input. */
#include "check.h"
#include "validate.h"

void test_validate(void) {
  CHECK(valid_e164("+15551234567"));
  CHECK(valid_e164("+447911123456"));
  CHECK(valid_e164("+1234567"));           /* 7 digits: shortest allowed */
  CHECK(!valid_e164("+123456"));           /* 6 digits */
  CHECK(!valid_e164("+1234567890123456")); /* 16 digits */
  CHECK(!valid_e164("15551234567"));       /* no plus */
  CHECK(!valid_e164("+05551234567"));      /* leading zero */
  CHECK(!valid_e164("+1 555 123 4567"));
  CHECK(!valid_e164("+1555123456a"));
  CHECK(!valid_e164(""));

  CHECK(valid_email("ana@example.com"));
  CHECK(valid_email("a.b+tag@sub.example.co"));
  CHECK(!valid_email("ana@example"));
  CHECK(!valid_email("ana.example.com"));
  CHECK(!valid_email("@example.com"));
  CHECK(!valid_email("ana@@example.com"));
  CHECK(!valid_email("ana @example.com"));
  CHECK(!valid_email("ana@.example.com"));
  CHECK(!valid_email("ana@example..com"));
  CHECK(!valid_email("ana.@example.com"));
  CHECK(!valid_email("ana@example.c"));

  CHECK(valid_date("2024-02-29"));  /* leap year */
  CHECK(!valid_date("2023-02-29"));
  CHECK(!valid_date("1900-02-29")); /* century, not leap */
  CHECK(valid_date("2000-02-29"));  /* 400-year rule */
  CHECK(!valid_date("2024-04-31"));
  CHECK(!valid_date("2024-13-01"));
  CHECK(!valid_date("2024-1-01"));
  CHECK(!valid_date("2024-01-00"));

  int m = -1;
  CHECK(valid_hhmm("09:30", &m) && m == 570);
  CHECK(valid_hhmm("23:59", &m) && m == 1439);
  CHECK(!valid_hhmm("24:00", NULL));
  CHECK(!valid_hhmm("9:30", NULL));
  CHECK(!valid_hhmm("09:60", NULL));

  CHECK(valid_timestamp("2026-01-05T15:30:00Z"));
  CHECK(valid_timestamp("2026-01-05T15:30:00.123456-05:00"));
  CHECK(valid_timestamp("2026-01-05t15:30:00+01:00"));
  CHECK(!valid_timestamp("2026-01-05T15:30:00"));      /* no offset */
  CHECK(!valid_timestamp("2026-01-05 15:30:00Z"));     /* no T */
  CHECK(!valid_timestamp("2026-02-30T15:30:00Z"));     /* no such day */
  CHECK(!valid_timestamp("2026-01-05T24:00:00Z"));
  CHECK(!valid_timestamp("2026-01-05T15:30:00.Z"));
  CHECK(!valid_timestamp("2026-01-05T15:30:00+5:00"));
  CHECK(!valid_timestamp("2026-01-05"));

  CHECK(valid_uuid("123e4567-e89b-12d3-a456-426614174000"));
  CHECK(!valid_uuid("123e4567e89b12d3a456426614174000"));
  CHECK(!valid_uuid("123e4567-e89b-12d3-a456-42661417400g"));

  CHECK(valid_token("zenoti", 40));
  CHECK(valid_token("pn:clinic-1.a_b", 40));
  CHECK(!valid_token("", 40));
  CHECK(!valid_token("has space", 40));
  CHECK(!valid_token("toolong", 6));

  const char *good[] = {"plain", "caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x98\x8a", "tab\there\nnewline", ""};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    CHECK(valid_utf8(good[i], strlen(good[i])));
  const char *bad[] = {"\xff", "\xc3", "\xc0\xaf" /* overlong */, "\xed\xa0\x80" /* surrogate */,
                       "\xf4\x90\x80\x80" /* past U+10FFFF */, "bell\x07", "\xe2\x82"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK(!valid_utf8(bad[i], strlen(bad[i])));
  CHECK(!valid_utf8("a\0b", 3)); /* an embedded NUL */

  long long v;
  CHECK(valid_int64("9223372036854775807", false, &v) && v == 9223372036854775807LL);
  CHECK(!valid_int64("9223372036854775808", false, &v));
  CHECK(!valid_int64("99999999999999999999999", false, &v));
  CHECK(valid_int64("-120", true, &v) && v == -120);
  CHECK(!valid_int64("-120", false, &v));
  CHECK(!valid_int64("12a", true, &v) && !valid_int64("", true, &v) && !valid_int64("-", true, &v));
}
