/* Analytics: the retention CSV (header, quoting, nulls, the same values as the
 * JSON) and the weekly report's email (alarm first, rates as percentages and
 * points, money, missing figures). */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>

#include "analytics.h"
#include "check.h"
#include "reports.h"

static bool starts(const char *s, const char *prefix) { return s && strncmp(s, prefix, strlen(prefix)) == 0; }

static void retention_csv(void) {
  json_t *reply = json_loads("{\"rows\": [{\"group\": \"botox\", \"cohort_size\": 10, \"rebook_rate_90d\": 0.5, "
                             "\"avg_days_to_rebook\": null}, {\"group\": \"lip, \\\"HA\\\"\", \"cohort_size\": 1}]}",
                             0, NULL);
  char *csv = analytics_retention_csv(reply);
  CHECK(starts(csv, "group,cohort_size,rebook_due,rebooked_90d,rebook_rate_90d,"));
  const char *line2 = strstr(csv, "\r\n") + 2;
  CHECK(starts(line2, "botox,10,,,0.5,")); /* absent and null figures are empty */
  const char *line3 = strstr(line2, "\r\n") + 2;
  CHECK(starts(line3, "\"lip, \"\"HA\"\"\",1,")); /* RFC 4180 quoting */
  CHECK(strcmp(csv + strlen(csv) - 2, "\r\n") == 0);
  int lines = 0;
  for (const char *p = csv; (p = strstr(p, "\r\n")); p += 2)
    lines++;
  CHECK(lines == 3);
  free(csv);
  json_decref(reply);

  json_t *empty = json_loads("{\"rows\": []}", 0, NULL);
  csv = analytics_retention_csv(empty);
  CHECK(starts(csv, "group,") && strstr(csv, "reactivated_clients\r\n") != NULL);
  free(csv);
  json_decref(empty);
}

static void report_email(void) {
  json_t *report = json_loads(
      "{\"week\": {\"from\": \"2026-11-16\", \"to\": \"2026-11-22\"}, "
      "\"alarm\": \"On-time return rate 58.0% is under the alarm threshold of 65%\", "
      "\"figures\": {\"on_time_return_rate\": 0.58, \"revenue_reminder_cents\": 123456, \"cohort_size\": 40, "
      "\"avg_days_to_rebook\": null}, "
      "\"previous\": {\"on_time_return_rate\": 0.6125, \"revenue_reminder_cents\": 100000, \"cohort_size\": 38}, "
      "\"changes\": {\"on_time_return_rate\": -0.0325, \"revenue_reminder_cents\": 23456, \"cohort_size\": 2}}",
      0, NULL);
  char subject[200];
  char *text = reports_email_text(report, "Glow Med Spa", subject, sizeof subject);
  CHECK_STR(subject, "ALARM: Weekly retention report, 2026-11-16 to 2026-11-22");
  CHECK(starts(text, "ALARM: On-time return rate 58.0% is under the alarm threshold of 65%\n\n"));
  CHECK(strstr(text, "Glow Med Spa: the week of 2026-11-16 to 2026-11-22") != NULL);
  CHECK(strstr(text, "58.0%") && strstr(text, "61.3%") && strstr(text, "-3.2 pts"));
  CHECK(strstr(text, "$1234.56") && strstr(text, "$1000.00") && strstr(text, "+$234.56"));
  CHECK(strstr(text, "Visits starting a refill cycle") && strstr(text, "+2"));
  const char *avg = strstr(text, "Average days to rebook");
  CHECK(avg && starts(avg + 34, "            -            -            -")); /* no figure: "-" */
  free(text);

  json_object_del(report, "alarm");
  text = reports_email_text(report, NULL, subject, sizeof subject);
  CHECK_STR(subject, "Weekly retention report, 2026-11-16 to 2026-11-22");
  CHECK(starts(text, "Your practice: the week of"));
  free(text);
  json_decref(report);
}

void test_analytics(void) {
  retention_csv();
  report_email();
}
