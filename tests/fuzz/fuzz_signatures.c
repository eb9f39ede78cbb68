/* The signature checks of the webhooks, fed what an attacker controls:
 * SendGrid's (ECDSA P-256 over timestamp + body, base64 DER signature and
 * key) and the PMS one (HMAC-SHA256 compared in constant time). Parts are
 * NUL-separated: key, signature, timestamp, body. Nothing forged verifies. */
#include <time.h>

#include "crypto.h"
#include "fuzz.h"
#include "sendgrid_webhooks.h"

/* The P-256 key of SendGrid's own event-webhook library tests, with a payload it signed: the only body and
 * timestamp that verify under it. */
static const char KEY[] = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+"
                          "2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
static const char SIGNED_TIMESTAMP[] = "1600112502";
static const char SIGNED_BODY[] =
    "[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_id\":"
    "\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A."
    "filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1."
    "sendgrid.net>\",\"timestamp\":1600112492}]\r\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *p[4];
  size_t body_len;
  fuzz_split(data, size, p, 4, &body_len);
  cad_error err;
  /* "Now" is the input's own timestamp, so that the check reaches the signature rather than the window. */
  time_t now = (time_t)strtoll(p[2], NULL, 10);
  /* The input's own key (any bytes: it is parsed as DER), and a real one no signature here was made with. */
  if (!sendgrid_verify(p[0], p[1], p[2], p[3], body_len, now, 300, &err))
    FUZZ_ASSERT(err.status == 401 || err.status == 403);
  if (sendgrid_verify(KEY, p[1], p[2], p[3], body_len, now, 300, &err))
    FUZZ_ASSERT(strcmp(p[2], SIGNED_TIMESTAMP) == 0 && body_len == strlen(SIGNED_BODY) &&
                memcmp(p[3], SIGNED_BODY, body_len) == 0);
  else
    FUZZ_ASSERT(err.status == 401 || err.status == 403);
  /* PMS: a claimed signature is equal to the expected HMAC exactly when its text is. */
  char hex[65];
  crypto_hmac_sha256_hex(p[0][0] ? p[0] : "k", p[3], body_len, hex);
  FUZZ_ASSERT(crypto_equal(hex, p[1]) == (strcmp(hex, p[1]) == 0));
  fuzz_free(p, 4);
  return 0;
}
