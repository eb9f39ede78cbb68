/* Booking link tokens: round trip, expiry, and every kind of tampering. */
#include "booking_links.h"
#include "check.h"

static const char KEY[] = "0123456789abcdef0123456789abcdef";
static const char PRACTICE[] = "6f1c2a4e-93b1-4c55-8d7e-0a1b2c3d4e5f";
static const char SEQUENCE[] = "a0b1c2d3-e4f5-4678-9abc-def012345678";

void test_booking_links(void) {
  char token[BOOKING_TOKEN_LEN + 1], practice[37], sequence[37];
  long long expires = 0;
  CHECK(booking_link_make(KEY, PRACTICE, SEQUENCE, 1800000000LL, token));
  CHECK(strlen(token) == BOOKING_TOKEN_LEN);
  CHECK(strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == BOOKING_TOKEN_LEN);

  CHECK(booking_link_open(KEY, token, 1799999999LL, practice, sequence, &expires));
  CHECK_STR(practice, PRACTICE);
  CHECK_STR(sequence, SEQUENCE);
  CHECK(expires == 1800000000LL);

  /* Expired at and after its expiry second. */
  CHECK(!booking_link_open(KEY, token, 1800000000LL, practice, sequence, &expires));
  /* Another key. */
  CHECK(!booking_link_open("another key, just as long as the first", token, 0, practice, sequence, &expires));
  /* Any changed character, truncation, extension, or a character outside base64url. */
  for (int i = 0; i < BOOKING_TOKEN_LEN; i++) {
    char bad[BOOKING_TOKEN_LEN + 1];
    memcpy(bad, token, sizeof bad);
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    CHECK(!booking_link_open(KEY, bad, 0, practice, sequence, &expires));
  }
  char shorter[BOOKING_TOKEN_LEN];
  memcpy(shorter, token, BOOKING_TOKEN_LEN - 1);
  shorter[BOOKING_TOKEN_LEN - 1] = 0;
  CHECK(!booking_link_open(KEY, shorter, 0, practice, sequence, &expires));
  char longer[BOOKING_TOKEN_LEN + 2];
  snprintf(longer, sizeof longer, "%sA", token);
  CHECK(!booking_link_open(KEY, longer, 0, practice, sequence, &expires));
  char plus[BOOKING_TOKEN_LEN + 1];
  memcpy(plus, token, sizeof plus);
  plus[5] = '+';
  CHECK(!booking_link_open(KEY, plus, 0, practice, sequence, &expires));
  CHECK(!booking_link_open(KEY, NULL, 0, practice, sequence, &expires));

  /* Only canonical UUIDs and a 32-bit expiry are signed. */
  CHECK(!booking_link_make(KEY, "not-a-uuid", SEQUENCE, 1, token));
  CHECK(!booking_link_make(KEY, PRACTICE, "a0b1c2d3-e4f5-4678-9abc-def01234567g", 1, token));
  CHECK(!booking_link_make(KEY, PRACTICE, SEQUENCE, 1LL << 32, token));
}
