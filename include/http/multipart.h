/* multipart.h: the text fields of a multipart/form-data (or urlencoded) body, read piece by piece with
 * libmicrohttpd's post processor as the body streams in: files are counted, not kept, and each field is
 * kept up to a bound (past it, marked truncated), so a large email with attachments costs no memory. */
#ifndef CADENCE_MULTIPART_H
#define CADENCE_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

typedef struct multipart multipart;

/* NULL when the request's Content-Type is not multipart/form-data (with a boundary) or urlencoded. */
multipart *multipart_begin(http_req *r, size_t max_field_bytes);
/* false when the body is malformed. */
bool multipart_feed(multipart *m, const char *data, size_t len);
/* A field's value (NUL-terminated; NULL when absent); *truncated, when given, says it was cut. */
const char *multipart_get(const multipart *m, const char *name, bool *truncated);
int multipart_files(const multipart *m);
void multipart_free(multipart *m);

#endif
