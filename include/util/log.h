/* log.h: structured logs, one JSON object per line on stderr.
 * Callers pass only identifiers and counts, never names, phones, emails or
 * message bodies (PHI). */
#ifndef CADENCE_LOG_H
#define CADENCE_LOG_H

#include <jansson.h>

/* Writes {"ts","level","msg",...fields} and consumes the reference to fields (may be NULL). */
void log_json(const char *level, const char *msg, json_t *fields);

/* printf-style shorthand for lines without structured fields. */
void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
