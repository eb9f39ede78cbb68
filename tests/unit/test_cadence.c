/* Calendar arithmetic of reminder plans: month ends, leap years, away periods. */
#include "cadence.h"
#include "check.h"

static const char *fmt(civil_date d) {
  static char buf[4][11];
  static int i;
  i = (i + 1) % 4;
  cadence_format_date(d, buf[i]);
  return buf[i];
}

static civil_date D(const char *s) {
  civil_date d = {0, 0, 0};
  CHECK(cadence_parse_date(s, &d));
  return d;
}

void test_cadence(void) {
  /* Days: Botox day 70 / 75 / 82 from a January visit crosses February. */
  CHECK_STR(fmt(cadence_add_days(D("2026-01-05"), 70)), "2026-03-16");
  CHECK_STR(fmt(cadence_add_days(D("2026-01-05"), 75)), "2026-03-21");
  CHECK_STR(fmt(cadence_add_days(D("2026-01-05"), 82)), "2026-03-28");
  CHECK_STR(fmt(cadence_add_days(D("2024-02-28"), 1)), "2024-02-29"); /* leap day */
  CHECK_STR(fmt(cadence_add_days(D("2023-02-28"), 1)), "2023-03-01");
  CHECK_STR(fmt(cadence_add_days(D("2026-12-31"), 1)), "2027-01-01");
  CHECK_STR(fmt(cadence_add_days(D("2026-03-01"), -1)), "2026-02-28");

  /* Calendar months clamp to the target month's end. */
  CHECK_STR(fmt(cadence_add_months(D("2026-01-31"), 1)), "2026-02-28");
  CHECK_STR(fmt(cadence_add_months(D("2028-01-31"), 1)), "2028-02-29"); /* leap year */
  CHECK_STR(fmt(cadence_add_months(D("2026-03-31"), 1)), "2026-04-30");
  CHECK_STR(fmt(cadence_add_months(D("2026-08-31"), 5)), "2027-01-31"); /* across a year */
  CHECK_STR(fmt(cadence_add_months(D("2026-10-15"), 15)), "2028-01-15");
  CHECK_STR(fmt(cadence_add_months(D("2024-02-29"), 12)), "2025-02-28");
  CHECK_STR(fmt(cadence_add_months(D("2100-01-29"), 1)), "2100-02-28"); /* 2100 is not leap */

  cadence_offset days70 = {70, 0}, months5 = {0, 5};
  CHECK_STR(fmt(cadence_apply(D("2026-01-05"), days70)), "2026-03-16");
  CHECK_STR(fmt(cadence_apply(D("2026-01-05"), months5)), "2026-06-05");

  /* Round trip through the day count over four centuries. */
  bool roundtrip = true;
  for (long day = -200000; day <= 200000; day += 7)
    roundtrip = roundtrip && cadence_days_from_civil(cadence_civil_from_days(day)) == day;
  CHECK(roundtrip);
  CHECK(cadence_days_from_civil(D("1970-01-01")) == 0);
  CHECK(cadence_days_from_civil(D("2000-03-01")) == 11017);

  /* Away periods push a date past them, across touching and overlapping ranges. */
  date_range away[] = {{D("2026-03-10"), D("2026-03-20")}, {D("2026-03-21"), D("2026-03-22")},
                       {D("2026-03-15"), D("2026-03-25")}};
  CHECK_STR(fmt(cadence_skip_away(D("2026-03-16"), away, 3)), "2026-03-26");
  CHECK_STR(fmt(cadence_skip_away(D("2026-03-09"), away, 3)), "2026-03-09");
  CHECK_STR(fmt(cadence_skip_away(D("2026-03-10"), away, 1)), "2026-03-21"); /* inclusive */
  CHECK_STR(fmt(cadence_skip_away(D("2026-03-26"), away, 3)), "2026-03-26");
  CHECK_STR(fmt(cadence_skip_away(D("2026-03-16"), away, 0)), "2026-03-16");

  /* Offsets as JSON. */
  cad_error err;
  cadence_offset off;
  json_t *j = json_loads("{\"days\":63}", 0, NULL);
  CHECK(cadence_parse_offset(j, "steps[0].offset", &off, &err) && off.days == 63 && off.months == 0);
  json_decref(j);
  j = json_loads("{\"months\":5}", 0, NULL);
  CHECK(cadence_parse_offset(j, "x", &off, &err) && off.months == 5);
  json_decref(j);
  const char *bad[] = {"{\"days\":0}", "{\"days\":-3}", "{\"weeks\":2}", "{\"days\":1,\"months\":1}",
                       "{\"days\":1.5}", "{\"months\":121}", "70"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    j = json_loads(bad[i], JSON_DECODE_ANY, NULL);
    CHECK(!cadence_parse_offset(j, "steps[1].offset", &off, &err));
    CHECK_STR(err.field, "steps[1].offset");
    json_decref(j);
  }
  CHECK(cadence_offset_days((cadence_offset){0, 5}) > cadence_offset_days((cadence_offset){140, 0}));
}
