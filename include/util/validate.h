/* validate.h: pure syntax checks for values clients send (phones, emails,
 * dates, clock times, ids). No I/O; unit-tested. */
#ifndef CADENCE_VALIDATE_H
#define CADENCE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* E.164: '+', a non-zero digit, 7 to 15 digits in all. */
bool valid_e164(const char *s);

/* A pragmatic RFC 5321 shape: local@domain, domain with a dot, no spaces, <= 254 bytes. */
bool valid_email(const char *s);

/* A calendar date YYYY-MM-DD that exists (leap years included). */
bool valid_date(const char *s);

/* An RFC 3339 timestamp with an offset: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). */
bool valid_timestamp(const char *s);

/* A clock time HH:MM (00:00-23:59); writes minutes since midnight to minutes when not NULL. */
bool valid_hhmm(const char *s, int *minutes);

/* A UUID in canonical 8-4-4-4-12 hex form. */
bool valid_uuid(const char *s);

/* An identifier for external systems and codes: 1..max bytes of [A-Za-z0-9._:-]. */
bool valid_token(const char *s, int max);

/* Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) of len bytes, with
 * no NUL and no C0 control other than tab, newline and carriage return. */
bool valid_utf8(const char *s, size_t len);

/* A decimal integer that fits in 64 bits ("-" allowed when negative is true); *out gets it. */
bool valid_int64(const char *s, bool negative, long long *out);

#endif
