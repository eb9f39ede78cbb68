/* log.c: JSON lines on stderr, one write(2) per line so threads never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void now_rfc3339(char *buf, size_t len) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct tm tm;
  gmtime_r(&tv.tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, len - n, ".%03dZ", (int)(tv.tv_usec / 1000));
}

void log_json(const char *level, const char *msg, json_t *fields) {
  char ts[40];
  now_rfc3339(ts, sizeof ts);
  json_t *line = json_pack("{s:s,s:s,s:s}", "ts", ts, "level", level, "msg", msg);
  if (fields) {
    json_object_update(line, fields);
    json_decref(fields);
  }
  char *text = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6));
  json_decref(line);
  if (!text)
    return;
  size_t n = strlen(text);
  text[n] = '\n'; /* overwrite the terminator: one write for the whole line */
  ssize_t w = write(STDERR_FILENO, text, n + 1);
  (void)w;
  free(text);
}

void log_msg(const char *level, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  log_json(level, buf, NULL);
}
