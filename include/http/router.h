/* router.h: matches a method and path against the static route table.
 * Patterns are literal segments and "{name}" placeholders; pure, no I/O. */
#ifndef CADENCE_ROUTER_H
#define CADENCE_ROUTER_H

#include <stddef.h>

enum { ROUTER_MAX_PARAMS = 4, ROUTER_MAX_SEGMENT = 128 };

typedef struct route_match {
  int index;                                         /* matched route, -1 none */
  int path_matched;                                  /* some route had this path (so 405) */
  char params[ROUTER_MAX_PARAMS][ROUTER_MAX_SEGMENT]; /* placeholder values in order */
  int nparams;
} route_match;

/* Finds the route for method and path among n patterns; sets index -1 when none. */
void router_match(const char *const *methods, const char *const *patterns, size_t n,
                  const char *method, const char *path, route_match *out);

/* True when path matches pattern, filling params (at most ROUTER_MAX_PARAMS). */
int router_path_matches(const char *pattern, const char *path, route_match *out);

#endif
