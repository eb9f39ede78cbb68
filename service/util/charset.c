/* charset.c: see charset.h. Latin-1 is the first 256 code points; Windows-1252
 * differs from it only in 0x80-0x9F, which it gives to punctuation and a few
 * letters (and leaves five undefined: they become U+FFFD). */
#include "charset.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "validate.h"

static const unsigned short CP1252_HIGH[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
    0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0xFFFD, 0x017E, 0x0178};

bool charset_of(const char *ct, charset *out) {
  *out = CHARSET_UTF8;
  const char *p = ct ? strcasestr(ct, "charset=") : NULL;
  if (!p)
    return true;
  p += 8;
  char name[32];
  size_t n = 0;
  for (; *p && *p != ';' && !isspace((unsigned char)*p) && n + 1 < sizeof name; p++)
    if (*p != '"')
      name[n++] = (char)tolower((unsigned char)*p);
  name[n] = 0;
  if (!strcmp(name, "utf-8") || !strcmp(name, "utf8") || !strcmp(name, "us-ascii") || !strcmp(name, "ascii"))
    return true;
  if (!strcmp(name, "iso-8859-1") || !strcmp(name, "latin1") || !strcmp(name, "iso8859-1") ||
      !strcmp(name, "latin-1")) {
    *out = CHARSET_LATIN1;
    return true;
  }
  if (!strcmp(name, "windows-1252") || !strcmp(name, "cp1252")) {
    *out = CHARSET_CP1252;
    return true;
  }
  return false;
}

char *charset_to_utf8(charset cs, const char *in, size_t len, size_t *out_len) {
  char *out = xrealloc(NULL, cs == CHARSET_UTF8 ? len + 1 : len * 3 + 1);
  size_t n = 0;
  if (cs == CHARSET_UTF8) {
    memcpy(out, in, len);
    n = len;
  } else {
    for (size_t i = 0; i < len; i++) {
      unsigned c = (unsigned char)in[i];
      if (cs == CHARSET_CP1252 && c >= 0x80 && c < 0xA0)
        c = CP1252_HIGH[c - 0x80];
      if (c < 0x80) {
        out[n++] = (char)c;
      } else if (c < 0x800) {
        out[n++] = (char)(0xC0 | c >> 6);
        out[n++] = (char)(0x80 | (c & 0x3F));
      } else {
        out[n++] = (char)(0xE0 | c >> 12);
        out[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[n++] = (char)(0x80 | (c & 0x3F));
      }
    }
  }
  out[n] = 0;
  *out_len = n;
  return out;
}

size_t charset_clean_utf8(char *s, size_t len) {
  size_t bad = 0;
  for (size_t i = 0; i < len;) {
    unsigned c = (unsigned char)s[i];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n && i + n <= len && valid_utf8(s + i, n)) {
      i += n;
      continue;
    }
    s[i++] = '?';
    bad++;
  }
  return bad;
}
