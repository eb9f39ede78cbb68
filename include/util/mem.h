/* mem.h: allocation that cannot return NULL. Out of memory the process
 * cannot keep its promises (a half-built message, a reply without a body), so
 * it stops with a log line and lets the supervisor restart it. */
#ifndef CADENCE_MEM_H
#define CADENCE_MEM_H

#include <stddef.h>

/* realloc(p, n), or abort. */
void *xrealloc(void *p, size_t n);

#endif
