/* sendtime.c: small, separately tested rules of the dispatcher. */
#include "sendtime.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { DAY_MIN = 24 * 60 };

int sendtime_quiet_wait(int now_min, int start_min, int end_min) {
  if (now_min >= start_min && now_min < end_min)
    return 0;
  return now_min < start_min ? start_min - now_min : DAY_MIN - now_min + start_min;
}

static const char *usable(const char *ch, bool sms_ok, bool email_ok) {
  if (strcmp(ch, "sms") == 0)
    return sms_ok ? "sms" : NULL;
  return email_ok ? "email" : NULL;
}

const char *sendtime_channel(const char *declared, const char *preference, bool sms_ok, bool email_ok,
                             const char *last_used) {
  if (strcmp(declared, "sms") == 0 || strcmp(declared, "email") == 0)
    return usable(declared, sms_ok, email_ok);
  const char *first = (preference && strcmp(preference, "email") == 0) ? "email" : "sms";
  const char *second = strcmp(first, "sms") == 0 ? "email" : "sms";
  if (strcmp(declared, "alternate") == 0 && last_used) {
    /* The channel the client has not ignored yet, where both are allowed. */
    const char *other = strcmp(last_used, "sms") == 0 ? "email" : "sms";
    if (usable(other, sms_ok, email_ok))
      return other;
  }
  const char *ch = usable(first, sms_ok, email_ok);
  return ch ? ch : usable(second, sms_ok, email_ok);
}

long sendtime_backoff_ms(int attempt, long base_ms, long cap_ms, double jitter, long retry_after_ms) {
  double delay = (double)base_ms;
  for (int i = 1; i < attempt && delay < (double)cap_ms; i++)
    delay *= 2;
  if (delay > (double)cap_ms)
    delay = (double)cap_ms;
  delay *= 0.8 + 0.4 * jitter; /* +-20% so retries of one burst do not stay in step */
  long ms = (long)delay;
  return retry_after_ms > ms ? retry_after_ms : ms;
}

long sendtime_retry_after_ms(const char *value, time_t now) {
  if (!value || !*value)
    return -1;
  char *end;
  long secs = strtol(value, &end, 10);
  if (end != value && *end == 0)
    return secs >= 0 && secs <= 86400 ? secs * 1000 : -1;
  struct tm tm = {0};
  const char *rest = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!rest || *rest)
    return -1;
  time_t when = timegm(&tm);
  return when <= now ? 0 : (long)(when - now) * 1000;
}

bool sendtime_take(token_bucket *b, double now, double rate, double burst, double *wait) {
  if (b->last == 0) {
    b->tokens = burst;
    b->last = now;
  }
  b->tokens += (now - b->last) * rate;
  if (b->tokens > burst)
    b->tokens = burst;
  b->last = now;
  if (b->tokens >= 1) {
    b->tokens -= 1;
    *wait = 0;
    return true;
  }
  *wait = (1 - b->tokens) / rate;
  return false;
}
