/* A booking-link token from a URL: opened (or refused) under a known key.
 * A token that opens names two UUIDs and a future expiry; one made for
 * those values opens to the same; a changed character does not open. */
#include "booking_links.h"
#include "fuzz.h"
#include "validate.h"

static const char KEY[] = "fuzz-booking-link-key-0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *token = strndup((const char *)data, size);
  char practice[37], sequence[37];
  long long expires, now = 1780000000;
  if (booking_link_open(KEY, token, now, practice, sequence, &expires)) {
    FUZZ_ASSERT(valid_uuid(practice) && valid_uuid(sequence) && expires > now);
    char again[BOOKING_TOKEN_LEN + 1], p2[37], s2[37];
    long long e2;
    FUZZ_ASSERT(booking_link_make(KEY, practice, sequence, expires, again));
    FUZZ_ASSERT(booking_link_open(KEY, again, now, p2, s2, &e2));
    FUZZ_ASSERT(strcmp(p2, practice) == 0 && strcmp(s2, sequence) == 0 && e2 == expires);
    FUZZ_ASSERT(!booking_link_open("another-key-0123456789abcdef0123456789", token, now, p2, s2, &e2));
  }
  /* Arbitrary ids are refused or make a token of the documented length. */
  char made[BOOKING_TOKEN_LEN + 1];
  if (booking_link_make(KEY, token, token, now + 60, made))
    FUZZ_ASSERT(strlen(made) == BOOKING_TOKEN_LEN && valid_uuid(token));
  free(token);
  return 0;
}
