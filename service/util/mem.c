/* mem.c: see mem.h. */
#include "mem.h"

#include <stdlib.h>

#include "log.h"

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (!q && n) {
    log_msg("fatal", "out of memory (%zu bytes)", n);
    abort();
  }
  return q;
}
