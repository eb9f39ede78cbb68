/* A template a practice saves, checked as it is saved and rendered as a
 * step renders it, with the values the input's second part gives (free text
 * from clients and staff). Rendering always gives a message, and a refusal
 * is a 422 naming the field. */
#include "compose.h"
#include "fuzz.h"
#include "render.h"

static const char *const DENY[] = {"wrinkle", "aging"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *p[2];
  fuzz_split(data, size, p, 2, NULL);
  cad_error err;
  bool ok = render_check(p[0], "body", DENY, 2, &err);
  if (!ok)
    FUZZ_ASSERT(err.status == 422 && strcmp(err.field, "body") == 0);
  message_values v = {.first_name = p[1], .practice_name = "Glow", .injector_name = p[1], .treatment_name = "Botox",
                      .booking_link = "https://glow.example.com/book?t=x", .open_slots = p[1],
                      .incentive = p[1], .appointment_time = "Tue Dec 8 2:00pm", .injector_sends = size & 1};
  char *out = compose_render(p[0], &v);
  FUZZ_ASSERT(out);
  out = compose_opt_out(out);
  out = compose_join(out, p[1]);
  sms_measure m = render_sms_measure(out);
  FUZZ_ASSERT(m.segments >= 0 && m.units >= 0);
  free(out);
  char link[300];
  compose_photo_link("https://photos.example.com/c/{external_id}", p[1], link, sizeof link);
  fuzz_free(p, 2);
  return 0;
}
