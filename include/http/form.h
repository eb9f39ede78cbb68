/* form.h: application/x-www-form-urlencoded bodies (Twilio's webhooks). Pure. */
#ifndef CADENCE_FORM_H
#define CADENCE_FORM_H

#include <stdbool.h>
#include <stddef.h>

enum { FORM_MAX_PAIRS = 128 };

typedef struct form_pair {
  char *name, *value; /* decoded ('+' is a space, %XX a byte) */
} form_pair;

typedef struct form {
  form_pair pairs[FORM_MAX_PAIRS];
  int n;
} form;

/* Decodes body into f; false when it has more than FORM_MAX_PAIRS fields or a bad escape. */
bool form_parse(const char *body, size_t len, form *f);
void form_free(form *f);
/* The value of name, or NULL. */
const char *form_get(const form *f, const char *name);

#endif
