/* charset.h: the text encodings an upload may declare (PMS exports come in
 * UTF-8, Latin-1 or Windows-1252) and their conversion to UTF-8. Pure. */
#ifndef CADENCE_CHARSET_H
#define CADENCE_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { CHARSET_UTF8, CHARSET_LATIN1, CHARSET_CP1252 } charset;

/* The charset= parameter of a Content-Type (UTF-8 without one); false for one Cadence does not read. */
bool charset_of(const char *content_type, charset *out);

/* len bytes of in as UTF-8, malloc'd and NUL-terminated (*out_len its length). From UTF-8, the bytes
 * as they are: valid_utf8 tells whether they are text. */
char *charset_to_utf8(charset cs, const char *in, size_t len, size_t *out_len);

/* Replaces, in place, every byte of s that is not part of UTF-8 text (a bad sequence, a NUL, a control
 * other than tab, CR and LF) by '?'; returns how many it replaced. */
size_t charset_clean_utf8(char *s, size_t len);

#endif
