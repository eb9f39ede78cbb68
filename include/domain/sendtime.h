/* sendtime.h: the pure decisions made when a step falls due: quiet hours,
 * which channel to use, retry backoff, Retry-After, and the per-sender token
 * bucket. No I/O and no clock: callers pass the time in. */
#ifndef CADENCE_SENDTIME_H
#define CADENCE_SENDTIME_H

#include <stdbool.h>
#include <time.h>

/* Minutes to wait from local minute-of-day now until the window [start, end) opens (0 inside it). */
int sendtime_quiet_wait(int now_min, int start_min, int end_min);

/* The channel ("sms" or "email") a step declared as sms, email, preferred or
 * alternate goes out on, given the client's preference ("any", "sms",
 * "email"), which channels are usable (address, consent, not suppressed) and
 * the channel of the sequence's last message (NULL if none). NULL when none is usable. */
const char *sendtime_channel(const char *declared, const char *preference, bool sms_ok, bool email_ok,
                             const char *last_used);

/* Delay before attempt number attempt+1 (attempt >= 1): base * 2^(attempt-1) capped at cap,
 * spread by +-20% with jitter in [0,1), and never shorter than retry_after_ms (when >= 0). */
long sendtime_backoff_ms(int attempt, long base_ms, long cap_ms, double jitter, long retry_after_ms);

/* Milliseconds a Retry-After value asks for (delta-seconds or an HTTP-date, relative to now); -1 if invalid. */
long sendtime_retry_after_ms(const char *value, time_t now);

/* A token bucket: rate tokens per second, up to burst. */
typedef struct token_bucket {
  double tokens, last;
} token_bucket;

/* Takes a token at time now (seconds); false with *wait (seconds) when empty. */
bool sendtime_take(token_bucket *b, double now, double rate, double burst, double *wait);

#endif
