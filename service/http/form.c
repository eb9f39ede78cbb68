/* form.c: a strict decoder: a malformed %-escape refuses the whole body. */
#include "form.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

static int hexval(char c) {
  return isdigit((unsigned char)c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* Decodes s[0..len) into a new string; NULL on a bad escape, an embedded NUL or text that is not
 * UTF-8 (what the database would refuse later). */
static char *decode(const char *s, size_t len) {
  char *out = malloc(len + 1), *w = out;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '+') {
      *w++ = ' ';
    } else if (s[i] == '%') {
      int a = i + 2 < len ? hexval(s[i + 1]) : -1, b = i + 2 < len ? hexval(s[i + 2]) : -1;
      if (a < 0 || b < 0 || (a == 0 && b == 0)) {
        free(out);
        return NULL;
      }
      *w++ = (char)(a * 16 + b);
      i += 2;
    } else {
      *w++ = s[i];
    }
  }
  *w = 0;
  if (!valid_utf8(out, (size_t)(w - out))) {
    free(out);
    return NULL;
  }
  return out;
}

bool form_parse(const char *body, size_t len, form *f) {
  f->n = 0;
  size_t i = 0;
  while (i < len) {
    size_t end = i;
    while (end < len && body[end] != '&')
      end++;
    if (end > i) {
      if (f->n == FORM_MAX_PAIRS) {
        form_free(f);
        return false;
      }
      const char *eq = memchr(body + i, '=', end - i);
      size_t nlen = eq ? (size_t)(eq - (body + i)) : end - i;
      char *name = decode(body + i, nlen);
      char *value = eq ? decode(eq + 1, (size_t)(body + end - (eq + 1))) : strdup("");
      if (!name || !value) {
        free(name);
        free(value);
        form_free(f);
        return false;
      }
      f->pairs[f->n++] = (form_pair){name, value};
    }
    i = end + 1;
  }
  return true;
}

void form_free(form *f) {
  for (int i = 0; i < f->n; i++) {
    free(f->pairs[i].name);
    free(f->pairs[i].value);
  }
  f->n = 0;
}

const char *form_get(const form *f, const char *name) {
  for (int i = 0; i < f->n; i++)
    if (strcmp(f->pairs[i].name, name) == 0)
      return f->pairs[i].value;
  return NULL;
}
