/* Send-time rules: quiet hours, channel choice, backoff, Retry-After, rate limit. */
#include "check.h"
#include "sendtime.h"

void test_sendtime(void) {
  int nine = 9 * 60, eight_pm = 20 * 60;
  CHECK(sendtime_quiet_wait(12 * 60, nine, eight_pm) == 0);
  CHECK(sendtime_quiet_wait(nine, nine, eight_pm) == 0);           /* opens at 09:00 */
  CHECK(sendtime_quiet_wait(eight_pm, nine, eight_pm) == 13 * 60); /* closed at 20:00 */
  CHECK(sendtime_quiet_wait(7 * 60 + 30, nine, eight_pm) == 90);
  CHECK(sendtime_quiet_wait(23 * 60, nine, eight_pm) == 10 * 60);
  CHECK(sendtime_quiet_wait(0, nine, eight_pm) == 9 * 60);

  CHECK_STR(sendtime_channel("preferred", "any", true, true, NULL), "sms");
  CHECK_STR(sendtime_channel("preferred", "email", true, true, NULL), "email");
  CHECK_STR(sendtime_channel("preferred", "sms", false, true, NULL), "email"); /* falls back */
  CHECK(sendtime_channel("preferred", "sms", false, false, NULL) == NULL);
  CHECK_STR(sendtime_channel("alternate", "any", true, true, "sms"), "email");
  CHECK_STR(sendtime_channel("alternate", "any", true, true, "email"), "sms");
  CHECK_STR(sendtime_channel("alternate", "any", true, false, "sms"), "sms"); /* only one allowed */
  CHECK_STR(sendtime_channel("alternate", "email", true, true, NULL), "email");
  CHECK_STR(sendtime_channel("sms", "email", true, true, NULL), "sms");
  CHECK(sendtime_channel("email", "any", true, false, NULL) == NULL); /* fixed channel not usable */

  CHECK(sendtime_backoff_ms(1, 1000, 60000, 0.5, -1) == 1000);
  CHECK(sendtime_backoff_ms(2, 1000, 60000, 0.5, -1) == 2000);
  CHECK(sendtime_backoff_ms(4, 1000, 60000, 0.5, -1) == 8000);
  CHECK(sendtime_backoff_ms(20, 1000, 60000, 0.5, -1) == 60000); /* capped */
  CHECK(sendtime_backoff_ms(1, 1000, 60000, 0.0, -1) == 800);    /* -20% */
  CHECK(sendtime_backoff_ms(1, 1000, 60000, 0.999999, -1) >= 1199);
  CHECK(sendtime_backoff_ms(1, 1000, 60000, 0.5, 30000) == 30000); /* Retry-After wins */
  CHECK(sendtime_backoff_ms(3, 1000, 60000, 0.5, 10) == 4000);

  time_t now = 1784000000; /* a fixed instant */
  CHECK(sendtime_retry_after_ms("120", now) == 120000);
  CHECK(sendtime_retry_after_ms("0", now) == 0);
  CHECK(sendtime_retry_after_ms("-5", now) == -1);
  CHECK(sendtime_retry_after_ms("soon", now) == -1);
  CHECK(sendtime_retry_after_ms("", now) == -1);
  struct tm tm;
  time_t later = now + 90;
  gmtime_r(&later, &tm);
  char date[64];
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  CHECK(sendtime_retry_after_ms(date, now) == 90000);
  gmtime_r(&now, &tm);
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  CHECK(sendtime_retry_after_ms(date, now + 10) == 0); /* a date in the past: now */

  token_bucket b = {0, 0};
  double wait;
  int taken = 0;
  for (int i = 0; i < 10; i++)
    taken += sendtime_take(&b, 100.0, 5, 5, &wait);
  CHECK(taken == 5); /* a burst of 5 at one instant */
  CHECK(!sendtime_take(&b, 100.0, 5, 5, &wait) && wait > 0.19 && wait < 0.21);
  CHECK(sendtime_take(&b, 100.2, 5, 5, &wait)); /* one token refilled after 1/rate s */
  CHECK(!sendtime_take(&b, 100.2, 5, 5, &wait));
  CHECK(sendtime_take(&b, 200.0, 5, 5, &wait)); /* refilled, but never above burst */
  taken = 1;
  for (int i = 0; i < 10; i++)
    taken += sendtime_take(&b, 200.0, 5, 5, &wait);
  CHECK(taken == 5);
}
