/* Messages as clients read them: sections around optional parts, the sender
 * and signature, sentence values, one-voice joins, the opt-out sentence and
 * the photo link. */
#include <stdlib.h>

#include "check.h"
#include "compose.h"
#include "render.h"

static void rendered(const char *tmpl, const message_values *v, const char *want) {
  char *s = compose_render(tmpl, v);
  CHECK_STR(s, want);
  if (strcmp(s, want) != 0)
    fprintf(stderr, "  got  %s\n  want %s\n", s, want);
  free(s);
}

static void footer(const char *body, const char *want) {
  char *s = compose_opt_out(strdup(body));
  CHECK_STR(s, want);
  free(s);
}

void test_compose(void) {
  message_values v = {.first_name = "Ana", .practice_name = "Glow", .injector_name = "Dr. Lee",
                      .booking_link = "https://b.example/x", .incentive = "A free add-on is yours"};
  const char *book = "{{#booking_link}}Book: {{booking_link}}{{/booking_link}}"
                     "{{^booking_link}}Reply to this message to book.{{/booking_link}}";
  rendered(book, &v, "Book: https://b.example/x");
  v.booking_link = "";
  rendered(book, &v, "Reply to this message to book.");
  v.booking_link = NULL;
  rendered(book, &v, "Reply to this message to book.");
  /* Sections nest, and a section of one name can hold another of the same name. */
  rendered("{{#first_name}}Hi {{first_name}}{{#incentive}}: {{incentive}}{{/incentive}}{{/first_name}}", &v,
           "Hi Ana: A free add-on is yours.");
  rendered("{{#first_name}}a{{#first_name}}b{{/first_name}}c{{/first_name}}d", &v, "abcd");
  /* A value written as a sentence ends like one; one that already does is not doubled. */
  v.incentive = "Book this week.";
  rendered("{{incentive}}", &v, "Book this week.");
  /* Sender and signature: the practice, unless its injectors send. */
  rendered("{{sender_name}} / {{signature}}", &v, "Glow / Glow");
  v.injector_sends = true;
  rendered("{{sender_name}} / {{signature}}", &v, "Dr. Lee / Dr. Lee, Glow");
  v.injector_name = NULL;
  rendered("{{sender_name}} / {{signature}} / {{injector_name}}", &v, "Glow / Glow / our team");
  /* Open slots become a sentence; none leave no trace. */
  v.open_slots = "Tue 2pm, Wed 9am";
  rendered("Soon. {{open_slots}}", &v, "Soon. Open times: Tue 2pm, Wed 9am.");
  v.slots_by_reply = true;
  rendered("Soon. {{open_slots}}", &v, "Soon. Reply 1 or 2 to book: 1) Tue 2pm, 2) Wed 9am.");
  v.open_slots = "Tue 2pm, Wed 9am, Thu 10am";
  rendered("{{open_slots}}", &v, "Reply 1-3 to book: 1) Tue 2pm, 2) Wed 9am, 3) Thu 10am.");
  v.open_slots = "Tue 2pm";
  rendered("{{open_slots}}", &v, "Reply 1 to book: 1) Tue 2pm.");
  v.slots_by_reply = false;
  v.open_slots = NULL;
  rendered("Soon. {{open_slots}}", &v, "Soon.");
  /* A value ending with a period next to the template's own: one period. */
  v.address = "1 Main St.";
  rendered("We are at {{address}}.", &v, "We are at 1 Main St.");

  footer("Hi Ana, see you soon.", "Hi Ana, see you soon. Reply STOP to opt out.");
  footer("Hi Ana, see you soon", "Hi Ana, see you soon. Reply STOP to opt out.");
  footer("Book: https://b.example/x", "Book: https://b.example/x\nReply STOP to opt out.");
  footer("", "Reply STOP to opt out.");
  char *joined = compose_join(strdup("Hi Ana."), "Hi Mia.");
  CHECK_STR(joined, "Hi Ana.\n\nHi Mia.");
  free(joined);

  char link[120];
  compose_photo_link("https://p.example/{external_id}/photos", "G 48/21", link, sizeof link);
  CHECK_STR(link, "https://p.example/G%2048%2F21/photos");
  compose_photo_link("https://p.example/{external_id}", "x", link, 12);
  CHECK_STR(link, ""); /* it would not fit: no link rather than a cut one */
  compose_photo_link("https://p.example/photos", "x", link, sizeof link);
  CHECK_STR(link, "");

  /* Saving a template checks its sections close, in order, by name. */
  cad_error err;
  CHECK(render_check("{{#booking_link}}x{{/booking_link}}{{^photo_link}}y{{/photo_link}}", "body", NULL, 0, &err));
  CHECK(!render_check("{{#booking_link}}x", "body", NULL, 0, &err));
  CHECK(strstr(err.message, "without its") != NULL);
  CHECK(!render_check("{{#booking_link}}{{#photo_link}}x{{/booking_link}}{{/photo_link}}", "body", NULL, 0, &err));
  CHECK(!render_check("{{/booking_link}}", "body", NULL, 0, &err));
  CHECK(!render_check("{{#nickname}}x{{/nickname}}", "body", NULL, 0, &err));
  CHECK(strstr(err.message, "nickname") != NULL);
}
