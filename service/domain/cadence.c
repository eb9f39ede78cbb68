/* cadence.c: proleptic Gregorian arithmetic (Howard Hinnant's days_from_civil
 * algorithm), so dates need no time zone: zones are applied by PostgreSQL when
 * a local date becomes an instant. */
#include "cadence.h"

#include <stdio.h>
#include <string.h>

#include "validate.h"

enum { MAX_OFFSET_DAYS = 3660, MAX_OFFSET_MONTHS = 120 };

bool cadence_parse_date(const char *s, civil_date *d) {
  if (!valid_date(s))
    return false;
  return sscanf(s, "%4d-%2d-%2d", &d->y, &d->m, &d->d) == 3;
}

void cadence_format_date(civil_date d, char out[11]) {
  snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u, (unsigned)d.d % 100u);
}

long cadence_days_from_civil(civil_date c) {
  long y = c.y - (c.m <= 2);
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (c.m + (c.m > 2 ? -3 : 9)) + 2) / 5 + c.d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

civil_date cadence_civil_from_days(long z) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  civil_date c;
  c.d = (int)(doy - (153 * mp + 2) / 5 + 1);
  c.m = (int)(mp < 10 ? mp + 3 : mp - 9);
  c.y = (int)(yoe + era * 400 + (c.m <= 2));
  return c;
}

civil_date cadence_add_days(civil_date d, int n) {
  return cadence_civil_from_days(cadence_days_from_civil(d) + n);
}

static int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return days[m - 1] + (m == 2 && leap);
}

civil_date cadence_add_months(civil_date d, int n) {
  long total = (long)d.y * 12 + (d.m - 1) + n;
  civil_date r = {(int)(total / 12), (int)(total % 12) + 1, d.d};
  int last = days_in_month(r.y, r.m);
  if (r.d > last)
    r.d = last;
  return r;
}

civil_date cadence_apply(civil_date d, cadence_offset off) {
  return off.months ? cadence_add_months(d, off.months) : cadence_add_days(d, off.days);
}

civil_date cadence_skip_away(civil_date d, const date_range *away, int n) {
  long day = cadence_days_from_civil(d);
  /* Ranges may overlap or touch, so repeat until no range holds the date. */
  for (bool moved = true; moved;) {
    moved = false;
    for (int i = 0; i < n; i++) {
      long from = cadence_days_from_civil(away[i].from), to = cadence_days_from_civil(away[i].to);
      if (day >= from && day <= to) {
        day = to + 1;
        moved = true;
      }
    }
  }
  return cadence_civil_from_days(day);
}

bool cadence_parse_offset(json_t *v, const char *field, cadence_offset *off, cad_error *err) {
  off->days = off->months = 0;
  json_t *days = json_object_get(v, "days"), *months = json_object_get(v, "months");
  if (!json_is_object(v) || json_object_size(v) != 1 || (!days && !months))
    return FAIL_VALUE(err, field, "'%s' must be {\"days\": n} or {\"months\": n}", field);
  json_t *n = days ? days : months;
  long long max = days ? MAX_OFFSET_DAYS : MAX_OFFSET_MONTHS;
  if (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > max)
    return FAIL_VALUE(err, field, "'%s' must be a whole number from 1 to %lld", field, max);
  if (days)
    off->days = (int)json_integer_value(n);
  else
    off->months = (int)json_integer_value(n);
  return true;
}

double cadence_offset_days(cadence_offset off) { return off.months ? off.months * 30.44 : off.days; }
