/* Form decoding and webhook signatures against published vectors. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "crypto.h"
#include "event_delivery.h"
#include "events.h"
#include "form.h"
#include "sendgrid_inbound.h"
#include "twilio_webhooks.h"

void test_webhooks(void) {
  form f;
  const char *body = "To=%2B15551234567&Body=Stop+it%21&Empty=&Flag&A%20B=c%3Dd";
  CHECK(form_parse(body, strlen(body), &f));
  CHECK(f.n == 5);
  CHECK_STR(form_get(&f, "To"), "+15551234567");
  CHECK_STR(form_get(&f, "Body"), "Stop it!");
  CHECK_STR(form_get(&f, "Empty"), "");
  CHECK_STR(form_get(&f, "Flag"), "");
  CHECK_STR(form_get(&f, "A B"), "c=d");
  CHECK(form_get(&f, "Missing") == NULL);
  form_free(&f);
  CHECK(!form_parse("a=%zz", 5, &f));
  CHECK(!form_parse("a=%4", 4, &f));
  CHECK(!form_parse("a=%00", 5, &f)); /* an embedded NUL */
  CHECK(form_parse("", 0, &f) && f.n == 0);

  /* Twilio's published example: auth token 12345 and these parameters. */
  const char *raw = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
  CHECK(form_parse(raw, strlen(raw), &f));
  char sig[29];
  twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", &f, sig);
  CHECK_STR(sig, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  form_free(&f);

  /* RFC 4231 test case 2 for HMAC-SHA256. */
  char hex[65];
  crypto_hmac_sha256_hex("Jefe", "what do ya want for nothing?", 28, hex);
  CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

  /* Cadence's own event signature: HMAC-SHA256 of "<t>.<body>" (checked against Python's hmac module). */
  char event_sig[EVENTS_SIGNATURE_MAX];
  events_signature("whsec_test", 1700000000, "{\"id\":\"7\"}", event_sig);
  CHECK_STR(event_sig, "t=1700000000,v1=f4ab6a435439b9865963c5c2a47ab9ee98d6b3468afc71acaadbf72b87882392");
  events_signature("whsec_test", 1700000001, "{\"id\":\"7\"}", event_sig);
  CHECK(strstr(event_sig, "f4ab6a43") == NULL); /* the time is signed too: a replay cannot move it */

  /* Retry waits: 30 s, then four times longer each time, never more than 6 h. */
  CHECK(event_delivery_backoff_ms(30000, 1) == 30000);
  CHECK(event_delivery_backoff_ms(30000, 2) == 120000);
  CHECK(event_delivery_backoff_ms(30000, 5) == 7680000);
  CHECK(event_delivery_backoff_ms(30000, 6) == 6L * 3600 * 1000);
  CHECK(event_delivery_backoff_ms(30000, 9) == 6L * 3600 * 1000);
  CHECK(event_delivery_backoff_ms(3600000, 60) == 6L * 3600 * 1000);

  /* Inbound Parse: Basic credentials (padding counted right), addresses, HTML as text. */
  cad_error err;
  const char *secret = "inbound-parse-secret-0123456789";
  CHECK(sendgrid_inbound_verify(secret, "Basic Y2FkZW5jZTppbmJvdW5kLXBhcnNlLXNlY3JldC0wMTIzNDU2Nzg5", &err));
  CHECK(!sendgrid_inbound_verify(secret, "Basic Y2FkZW5jZTppbmJvdW5kLXBhcnNlLXNlY3JldC0wMTIzNDU2Nzg=", &err) &&
        err.status == 401); /* one character short */
  CHECK(!sendgrid_inbound_verify(secret, "Basic bm9jb2xvbg==", &err) && err.status == 401);
  CHECK(!sendgrid_inbound_verify(secret, "Basic !!!!", &err) && err.status == 401);
  CHECK(!sendgrid_inbound_verify(secret, "Bearer x", &err) && err.status == 401);
  CHECK(!sendgrid_inbound_verify(NULL, "Basic Y2FkZW5jZTppbmJvdW5kLXBhcnNlLXNlY3JldC0wMTIzNDU2Nzg5", &err) &&
        err.status == 403);
  char addr[256];
  CHECK(sendgrid_inbound_address("\"Diaz, Ana\" <Ana.Diaz@Example.COM>", addr));
  CHECK_STR(addr, "ana.diaz@example.com");
  CHECK(sendgrid_inbound_address("ana@example.com", addr));
  CHECK_STR(addr, "ana@example.com");
  CHECK(!sendgrid_inbound_address("Ana Diaz", addr));
  CHECK(!sendgrid_inbound_address("<@example.com>", addr));
  CHECK(!sendgrid_inbound_address("a@b@c", addr));
  char *text = sendgrid_inbound_html_text("<p>Friday&nbsp;&amp; Saturday</p><br>ok<blockquote>Glow</blockquote>");
  CHECK_STR(text, "Friday & Saturday\n\nok\n>Glow");
  free(text);

  /* Which addresses an event delivery may connect to. */
  struct sockaddr_in v4 = {.sin_family = AF_INET};
  struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
  static const char *const v4_public[] = {"8.8.8.8", "172.32.0.1", "100.128.0.1"}, *const v4_private[] = {
                                                                                       "127.0.0.1",       "10.1.2.3",
                                                                                       "172.16.0.1",      "192.168.1.1",
                                                                                       "169.254.169.254", "100.64.0.1",
                                                                                       "0.0.0.0",         "224.0.0.1"};
  for (size_t i = 0; i < 3; i++)
    CHECK(inet_pton(AF_INET, v4_public[i], &v4.sin_addr) == 1 && events_public_address((struct sockaddr *)&v4));
  for (size_t i = 0; i < 8; i++)
    CHECK(inet_pton(AF_INET, v4_private[i], &v4.sin_addr) == 1 && !events_public_address((struct sockaddr *)&v4));
  static const char *const v6_private[] = {"::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "ff02::1"};
  for (size_t i = 0; i < 6; i++)
    CHECK(inet_pton(AF_INET6, v6_private[i], &v6.sin6_addr) == 1 && !events_public_address((struct sockaddr *)&v6));
  CHECK(inet_pton(AF_INET6, "2001:4860:4860::8888", &v6.sin6_addr) == 1 &&
        events_public_address((struct sockaddr *)&v6));
}
