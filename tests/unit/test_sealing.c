/* Secrets at rest: key parsing and ids, sealing that opens only for its own
 * row and key, the previous key during a rotation, and tampering refused. */
#include <stdlib.h>

#include "check.h"
#include "sealing.h"

void test_sealing(void) {
  sealing_key a, b, same, bad;
  CHECK(sealing_parse_key("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &a));
  CHECK(sealing_parse_key("ASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8=", &same)); /* the same bytes */
  CHECK(memcmp(a.bytes, same.bytes, SEALING_KEY_BYTES) == 0 && strcmp(a.id, same.id) == 0 && strlen(a.id) == 8);
  CHECK(sealing_parse_key("ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=", &b));
  CHECK(strcmp(a.id, b.id) != 0);
  CHECK(strstr("0123456789abcdef", a.id) == NULL); /* the id is not the key's first bytes */
  CHECK(!sealing_parse_key(NULL, &bad) && !bad.set);
  CHECK(!sealing_parse_key("", &bad));
  CHECK(!sealing_parse_key("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", &bad));
  CHECK(!sealing_parse_key("c2hvcnQ=", &bad));                                       /* 5 bytes */
  CHECK(!sealing_parse_key("ASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8", &bad));  /* unpadded */
  CHECK(!sealing_parse_key("ASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8BI0Vn", &bad)); /* 36 bytes */

  sealing_use(NULL, NULL);
  CHECK(sealing_seal("x", "ctx") == NULL); /* no key, no sealing */
  sealing_use(&a, NULL);
  CHECK_STR(sealing_current_id(), a.id);
  const char *ctx = "practices.webhook_secret:3f1c0d2e-0000-4000-8000-000000000001";
  char *s1 = sealing_seal("whsec-0123456789abcdef", ctx), *s2 = sealing_seal("whsec-0123456789abcdef", ctx);
  CHECK(s1 && s2 && strcmp(s1, s2) != 0); /* a fresh nonce each time */
  CHECK(strstr(s1, "whsec") == NULL);
  char *o = sealing_open(s1, a.id, ctx);
  CHECK(o && strcmp(o, "whsec-0123456789abcdef") == 0);
  free(o);
  CHECK(sealing_open(s1, a.id, "practices.webhook_secret:3f1c0d2e-0000-4000-8000-000000000002") == NULL);
  CHECK(sealing_open(s1, b.id, ctx) == NULL); /* a key Cadence does not have */
  CHECK(sealing_open(s1, NULL, ctx) == NULL);
  /* One changed character anywhere, a cut value, or not base64 at all. */
  char *t = strdup(s1);
  t[20] = t[20] == 'A' ? 'B' : 'A';
  CHECK(sealing_open(t, a.id, ctx) == NULL);
  t[20] = s1[20];
  t[strlen(t) - 6] = 0;
  CHECK(sealing_open(t, a.id, ctx) == NULL);
  CHECK(sealing_open("not base64!", a.id, ctx) == NULL);
  CHECK(sealing_open("", a.id, ctx) == NULL);
  free(t);
  char *empty = sealing_seal("", ctx);
  o = sealing_open(empty, a.id, ctx);
  CHECK(o && *o == 0);
  free(o);
  free(empty);

  /* Rotation: b is current and a previous; a's values still open, new ones are sealed under b. */
  sealing_use(&b, &a);
  o = sealing_open(s1, a.id, ctx);
  CHECK(o && strcmp(o, "whsec-0123456789abcdef") == 0);
  free(o);
  char *s3 = sealing_seal("whsec-0123456789abcdef", ctx);
  CHECK_STR(sealing_current_id(), b.id);
  CHECK(sealing_open(s3, a.id, ctx) == NULL);
  o = sealing_open(s3, b.id, ctx);
  CHECK(o != NULL);
  free(o);
  sealing_use(&b, NULL);
  CHECK(sealing_open(s1, a.id, ctx) == NULL); /* the old key gone: its values no longer open */
  sealing_use(NULL, NULL);
  free(s1);
  free(s2);
  free(s3);
}
