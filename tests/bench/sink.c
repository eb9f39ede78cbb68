/* sink.c: a fast local stand-in for Twilio's Messages endpoint, for the
 * dispatch benchmark only: answers every POST with 201 and a message SID and
 * counts the requests (GET /count). */
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_ulong received;

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **state) {
  (void)cls, (void)url, (void)version, (void)data;
  if (!*state) {
    *state = (void *)1;
    return MHD_YES;
  }
  if (*size) {
    *size = 0; /* the body is not needed */
    return MHD_YES;
  }
  char body[160];
  unsigned status = 200;
  if (strcmp(method, "POST") == 0) {
    unsigned long n = atomic_fetch_add(&received, 1) + 1;
    snprintf(body, sizeof body, "{\"sid\":\"SM%032lx\",\"status\":\"queued\"}", n);
    status = 201;
  } else {
    snprintf(body, sizeof body, "%lu\n", atomic_load(&received));
  }
  struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 8099;
  struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, (unsigned short)port, NULL, NULL, handle,
                                          NULL, MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_CONNECTION_LIMIT, 2000u,
                                          MHD_OPTION_END);
  if (!d)
    return 1;
  pause();
  return 0;
}
