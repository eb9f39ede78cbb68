/* A sealed secret read back from the database (anyone who can write a row
 * controls it): opened under a key, or refused. Nothing opens under the
 * wrong row or key, and what is sealed opens to itself. */
#include "fuzz.h"
#include "sealing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static sealing_key key;
  if (!key.set) {
    sealing_parse_key("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &key);
    sealing_use(&key, NULL);
  }
  char *p[3];
  fuzz_split(data, size, p, 3, NULL);
  char *opened = sealing_open(p[0], *p[1] ? p[1] : key.id, p[2]);
  free(opened);
  char *sealed = sealing_seal(p[0], p[2]);
  FUZZ_ASSERT(sealed);
  char *back = sealing_open(sealed, key.id, p[2]);
  FUZZ_ASSERT(back && strcmp(back, p[0]) == 0);
  free(back);
  size_t clen = strlen(p[2]);
  char *other = malloc(clen + 2); /* another row's context: this one and a character more */
  memcpy(other, p[2], clen);
  memcpy(other + clen, "#", 2);
  FUZZ_ASSERT(!sealing_open(sealed, key.id, other));
  free(other);
  free(sealed);
  sealing_key parsed;
  sealing_parse_key(p[1], &parsed);
  fuzz_free(p, 3);
  return 0;
}
