/* A Twilio webhook body: application/x-www-form-urlencoded, decoded, looked
 * up, and signed as twilio_verify signs it (URL, then every pair in name
 * order). Decoded names and values are never longer than the body. */
#include "form.h"
#include "fuzz.h"
#include "twilio_webhooks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  form f;
  if (!form_parse((const char *)data, size, &f))
    return 0;
  FUZZ_ASSERT(f.n >= 0 && f.n <= FORM_MAX_PAIRS);
  for (int i = 0; i < f.n; i++) {
    FUZZ_ASSERT(strlen(f.pairs[i].name) <= size && strlen(f.pairs[i].value) <= size);
    FUZZ_ASSERT(form_get(&f, f.pairs[i].name) != NULL);
  }
  char sig[29];
  twilio_signature("fuzz-auth-token", "https://cadence.example.com/v1/webhooks/twilio/inbound", &f, sig);
  FUZZ_ASSERT(strlen(sig) == 28);
  cad_error err;
  FUZZ_ASSERT(twilio_verify("fuzz-auth-token", "https://cadence.example.com/v1/webhooks/twilio/inbound", &f, sig,
                            &err));
  const char *claimed = form_get(&f, "Signature");
  if (claimed && strcmp(claimed, sig) != 0)
    FUZZ_ASSERT(!twilio_verify("fuzz-auth-token", "https://cadence.example.com/x", &f, claimed, &err) &&
                err.status >= 400 && err.status < 500);
  form_free(&f);
  return 0;
}
