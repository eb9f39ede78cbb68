/* Route matching: placeholders, 404 versus 405, limits. */
#include "check.h"
#include "router.h"

void test_router(void) {
  const char *methods[] = {"GET", "POST", "GET", "DELETE"};
  const char *patterns[] = {"/v1/clients", "/v1/clients", "/v1/clients/{id}",
                            "/v1/practices/{id}/api-keys/{key_id}"};
  route_match m;
  router_match(methods, patterns, 4, "POST", "/v1/clients", &m);
  CHECK(m.index == 1 && m.nparams == 0);
  router_match(methods, patterns, 4, "GET", "/v1/clients/abc", &m);
  CHECK(m.index == 2 && m.nparams == 1);
  CHECK_STR(m.params[0], "abc");
  router_match(methods, patterns, 4, "DELETE", "/v1/practices/p1/api-keys/k1", &m);
  CHECK(m.index == 3 && m.nparams == 2);
  CHECK_STR(m.params[0], "p1");
  CHECK_STR(m.params[1], "k1");
  router_match(methods, patterns, 4, "PUT", "/v1/clients", &m);
  CHECK(m.index == -1 && m.path_matched); /* 405 */
  router_match(methods, patterns, 4, "GET", "/v1/nothing", &m);
  CHECK(m.index == -1 && !m.path_matched); /* 404 */
  router_match(methods, patterns, 4, "GET", "/v1/clients/", &m);
  CHECK(m.index == -1); /* an empty placeholder does not match */
  router_match(methods, patterns, 4, "GET", "/v1/clients/a/b", &m);
  CHECK(m.index == -1);
  router_match(methods, patterns, 4, "GET", "/v1/clientsX", &m);
  CHECK(m.index == -1);
  char longpath[300] = "/v1/clients/";
  memset(longpath + 12, 'a', 200);
  longpath[212] = 0;
  router_match(methods, patterns, 4, "GET", longpath, &m);
  CHECK(m.index == -1); /* over ROUTER_MAX_SEGMENT */
}
