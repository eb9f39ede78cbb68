/* Templates: substitution, tidying, the appearance guard, SMS segments. */
#include <stdlib.h>

#include "check.h"
#include "render.h"

static const char *const DENY[] = {"wrinkle", "lines are back", "look older", "tired-looking", "aging"};

void test_render(void) {
  tvar vars[] = {{"first_name", "Ana"}, {"treatment_name", "Botox"}, {"treatment_date", "January 5"},
                 {"photo_link", ""}, {"opt_out", "Reply STOP to opt out."}};
  char *s = render_template("Hi {{first_name}}, your {{ treatment_name }} on {{treatment_date}}. {{photo_link}} {{opt_out}}",
                            vars, 5);
  CHECK_STR(s, "Hi Ana, your Botox on January 5. Reply STOP to opt out.");
  free(s);
  s = render_template("{{first_name}}{{first_name}} {{missing}}!", vars, 5);
  CHECK_STR(s, "AnaAna !");
  free(s);
  s = render_template("Hi {{first_name}}\n\n\n\n{{photo_link}}\nBye   now  ", vars, 5);
  CHECK_STR(s, "Hi Ana\n\nBye now");
  free(s);
  s = render_template("Link: {{photo_link}}. Done", vars, 5);
  CHECK_STR(s, "Link:. Done");
  free(s);
  s = render_template("unclosed {{first_name", vars, 5);
  CHECK_STR(s, "unclosed {{first_name");
  free(s);
  tvar long_value[] = {{"first_name", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ"}};
  s = render_template("{{first_name}}{{first_name}}{{first_name}}{{first_name}}{{first_name}}{{first_name}}",
                      long_value, 1);
  CHECK(strlen(s) == 6 * 52);
  free(s);

  cad_error err;
  CHECK(render_check("Hi {{first_name}}, book: {{booking_link}}", "body", DENY, 5, &err));
  CHECK(!render_check("Hi {{nickname}}", "body", DENY, 5, &err));
  CHECK_STR(err.field, "body");
  CHECK(strstr(err.message, "nickname") != NULL);
  CHECK(!render_check("Hi {{first_name", "body", DENY, 5, &err));
  CHECK(!render_check("Your Wrinkles are showing again", "body", DENY, 5, &err));
  CHECK(strstr(err.message, "'wrinkle'") != NULL);
  CHECK(!render_check("Don't let the lines are back feeling win", "subject", DENY, 5, &err));
  CHECK_STR(err.field, "subject");
  CHECK(!render_check("You look older? No!", "body", DENY, 5, &err));
  CHECK(render_check("We are managing the schedule", "body", DENY, 5, &err)); /* 'aging' inside a word */
  CHECK(!render_check("Anti-aging offer", "body", DENY, 5, &err));           /* at a word start */

  sms_measure m = render_sms_measure("Hello");
  CHECK_STR(m.encoding, "GSM-7");
  CHECK(m.units == 5 && m.segments == 1);
  char buf[400];
  memset(buf, 'a', 160);
  buf[160] = 0;
  m = render_sms_measure(buf);
  CHECK(m.units == 160 && m.segments == 1);
  buf[160] = 'a';
  buf[161] = 0;
  m = render_sms_measure(buf);
  CHECK(m.units == 161 && m.segments == 2); /* 153 per part */
  memset(buf, 'a', 306);
  buf[306] = 0;
  CHECK(render_sms_measure(buf).segments == 2);
  buf[306] = 'a';
  buf[307] = 0;
  CHECK(render_sms_measure(buf).segments == 3);
  m = render_sms_measure("Price {5} \xe2\x82\xac"); /* braces and euro are extension: 2 septets */
  CHECK_STR(m.encoding, "GSM-7");
  CHECK(m.units == 14); /* "Price " 6 + { 2 + 5 1 + } 2 + " " 1 + € 2 */
  m = render_sms_measure("caf\xc3\xa9 \xc3\xa0 \xc3\x9c"); /* é à Ü are in the basic set */
  CHECK_STR(m.encoding, "GSM-7");
  m = render_sms_measure("Hi \xf0\x9f\x98\x8a"); /* an emoji: UCS-2, a surrogate pair */
  CHECK_STR(m.encoding, "UCS-2");
  CHECK(m.units == 5 && m.segments == 1);
  memset(buf, 'a', 70);
  strcpy(buf + 70, "\xc5\x81"); /* Ł is not GSM: 71 UTF-16 units */
  m = render_sms_measure(buf);
  CHECK_STR(m.encoding, "UCS-2");
  CHECK(m.units == 71 && m.segments == 2);
}
