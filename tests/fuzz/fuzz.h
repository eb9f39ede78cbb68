/* fuzz.h: what the libFuzzer targets share. Each target is one parser of
 * outside input, fed what libFuzzer makes; a crash, a sanitizer report, a
 * leak or a hang is a failure, and the checks below (FUZZ_ASSERT) turn a
 * broken invariant into one too. */
#ifndef CADENCE_FUZZ_H
#define CADENCE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                       \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                  \
    }                                                                           \
  } while (0)

/* Splits the input at NUL bytes into at most n malloc'd, NUL-terminated parts (missing ones are "");
 * the last part keeps the rest, NULs included, with its length in *last_len. Free with fuzz_free. */
static inline void fuzz_split(const uint8_t *data, size_t size, char **parts, int n, size_t *last_len) {
  size_t at = 0;
  for (int i = 0; i < n; i++) {
    size_t end = at;
    if (i < n - 1)
      while (end < size && data[end])
        end++;
    else
      end = size;
    size_t len = end > at ? end - at : 0;
    parts[i] = malloc(len + 1);
    if (len)
      memcpy(parts[i], data + at, len);
    parts[i][len] = 0;
    if (i == n - 1 && last_len)
      *last_len = len;
    at = end < size ? end + 1 : size;
  }
}

static inline void fuzz_free(char **parts, int n) {
  for (int i = 0; i < n; i++)
    free(parts[i]);
}

#endif
