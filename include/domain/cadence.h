/* cadence.h: calendar arithmetic for reminder plans: civil dates, offsets in
 * days or calendar months (clamped to the month's end), away periods. Pure. */
#ifndef CADENCE_CADENCE_H
#define CADENCE_CADENCE_H

#include <jansson.h>
#include <stdbool.h>

#include "error.h"

typedef struct civil_date {
  int y, m, d;
} civil_date;

/* An offset from a treatment's local date: exactly one of days or months is set. */
typedef struct cadence_offset {
  int days, months;
} cadence_offset;

/* An inclusive range of dates the client is away. */
typedef struct date_range {
  civil_date from, to;
} date_range;

/* Parses "YYYY-MM-DD" (a real date) into d. */
bool cadence_parse_date(const char *s, civil_date *d);
/* Writes d as "YYYY-MM-DD" into out (11 bytes). */
void cadence_format_date(civil_date d, char out[11]);
/* Days since 1970-01-01 (negative before), and back. */
long cadence_days_from_civil(civil_date d);
civil_date cadence_civil_from_days(long days);
/* d plus n days. */
civil_date cadence_add_days(civil_date d, int n);
/* d plus n calendar months; a day past the target month's end becomes its last day. */
civil_date cadence_add_months(civil_date d, int n);
/* d moved by off. */
civil_date cadence_apply(civil_date d, cadence_offset off);
/* The first date on or after d that lies in none of the n away ranges. */
civil_date cadence_skip_away(civil_date d, const date_range *away, int n);

/* Reads {"days": n} or {"months": n} (n in 1..max_days or 1..max_months); 422 naming field. */
bool cadence_parse_offset(json_t *v, const char *field, cadence_offset *off, cad_error *err);
/* Offsets as a comparable number of days from an arbitrary base (months count 30.44 days). */
double cadence_offset_days(cadence_offset off);

#endif
