/* stream.h: replies that go on (Server-Sent Events). A stream's producer is asked for more text when the
 * stream starts and each time streams are woken (a PostgreSQL notification, or every few seconds);
 * between wakes its connection is suspended, holding no thread and no database connection. A stream
 * with nothing to say for 15 s sends a comment line, so proxies and clients see it alive, and a client
 * that stops reading is dropped by the connection timeout. */
#ifndef CADENCE_STREAM_H
#define CADENCE_STREAM_H

#include <stdbool.h>

#include "http.h"

/* Sets *text to what to send next (malloc'd) or NULL when nothing is new; false ends the stream. */
typedef bool (*stream_next)(void *ctx, char **text);

/* Replies 200 with a stream of content_type that ends after max_seconds (a client reconnects and is
 * authenticated again). ctx is freed with free_ctx when the stream ends. */
void http_reply_stream(http_req *r, const char *content_type, int max_seconds, stream_next next,
                       void (*free_ctx)(void *ctx), void *ctx);

/* A thread that wakes every stream when PostgreSQL notifies channel, and every few seconds regardless;
 * false when it cannot start. */
bool http_streams_listen(const char *database_url, const char *channel);
/* Ends every stream (at once, waking those suspended) and stops the thread; before the server stops. */
void http_streams_stop(void);

/* For http.c: the libmicrohttpd response of a stream reply (an opaque pointer in http_req). */
void *http_stream_response(void *reply, void *connection);
void http_stream_discard(void *reply);

#endif
