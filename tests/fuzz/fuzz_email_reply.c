/* An email reply as Inbound Parse hands it over: a From value, an HTML part and a text part (split at
 * NULs). The address found is lower case with one @; HTML becomes text no longer than it; cutting the
 * quote only shortens the text; the reader reads whatever is left. */
#include "fuzz.h"
#include "replies.h"
#include "sendgrid_inbound.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *parts[3];
  size_t last_len;
  fuzz_split(data, size, parts, 3, &last_len);
  char address[256];
  if (sendgrid_inbound_address(parts[0], address)) {
    FUZZ_ASSERT(strchr(address, '@') && strchr(address, '@') == strrchr(address, '@'));
    for (const char *p = address; *p; p++)
      FUZZ_ASSERT(!(*p >= 'A' && *p <= 'Z'));
  }
  char *text = sendgrid_inbound_html_text(parts[1]);
  FUZZ_ASSERT(strlen(text) <= strlen(parts[1]));
  free(text);
  size_t before = strlen(parts[2]);
  replies_strip_quoted(parts[2]);
  FUZZ_ASSERT(strlen(parts[2]) <= before);
  reply_reading r;
  replies_read(parts[2], &r);
  FUZZ_ASSERT(r.kind >= REPLY_MESSAGE && r.kind <= REPLY_CHOICE);
  fuzz_free(parts, 3);
  return 0;
}
