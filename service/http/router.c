/* router.c: segment-by-segment matching; a placeholder takes one non-empty
 * segment of at most ROUTER_MAX_SEGMENT-1 bytes. */
#include "router.h"

#include <string.h>

int router_path_matches(const char *pattern, const char *path, route_match *out) {
  out->nparams = 0;
  const char *p = pattern, *s = path;
  while (*p && *s) {
    if (*p != '/' || *s != '/')
      return 0;
    p++, s++;
    size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
    if (plen > 1 && p[0] == '{' && p[plen - 1] == '}') {
      if (slen == 0 || slen >= ROUTER_MAX_SEGMENT || out->nparams >= ROUTER_MAX_PARAMS)
        return 0;
      memcpy(out->params[out->nparams], s, slen);
      out->params[out->nparams++][slen] = 0;
    } else if (plen != slen || memcmp(p, s, plen) != 0) {
      return 0;
    }
    p += plen, s += slen;
  }
  return *p == 0 && *s == 0;
}

void router_match(const char *const *methods, const char *const *patterns, size_t n,
                  const char *method, const char *path, route_match *out) {
  out->index = -1;
  out->path_matched = 0;
  route_match tmp;
  for (size_t i = 0; i < n; i++) {
    if (!router_path_matches(patterns[i], path, &tmp))
      continue;
    out->path_matched = 1;
    if (strcmp(methods[i], method) == 0) {
      *out = tmp;
      out->index = (int)i;
      out->path_matched = 1;
      return;
    }
  }
}
