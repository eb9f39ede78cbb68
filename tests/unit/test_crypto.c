/* Hashing against published vectors; random tokens; constant-time equality. */
#include "check.h"
#include "crypto.h"
#include "validate.h"

void test_crypto(void) {
  char hex[65];
  crypto_sha256_hex("", 0, hex); /* FIPS 180-2 empty-string vector */
  CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  crypto_sha256_hex("abc", 3, hex);
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  char a[65], b[65];
  CHECK(crypto_random_hex(a, 32) && strlen(a) == 64);
  CHECK(crypto_random_hex(b, 32));
  CHECK(strcmp(a, b) != 0);
  CHECK(!crypto_random_hex(a, 65)); /* beyond the buffer it promises */

  /* Ids chosen in C (a dispatch batch's messages) are version-4 UUIDs PostgreSQL reads as such. */
  char u1[37], u2[37];
  CHECK(crypto_uuid(u1) && crypto_uuid(u2));
  CHECK(valid_uuid(u1) && strcmp(u1, u2) != 0);
  CHECK(u1[14] == '4' && strchr("89ab", u1[19]) != NULL);

  CHECK(crypto_equal("abc", "abc"));
  CHECK(!crypto_equal("abc", "abd"));
  CHECK(!crypto_equal("abc", "abcd"));
}
