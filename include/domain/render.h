/* render.h: message templates: {{variable}} substitution, the checks a
 * template must pass to be saved (known variables, no appearance talk), and
 * SMS encoding and segment counting. Pure. */
#ifndef CADENCE_RENDER_H
#define CADENCE_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* One variable's value for rendering. */
typedef struct tvar {
  const char *name;
  const char *value;
} tvar;

/* The names templates may use, NULL-terminated. */
extern const char *const TEMPLATE_VARIABLES[];

/* Substitutes {{name}} with its value (absent ones render empty), then tidies
 * whitespace left by empty values. Returns a malloc'd string. */
char *render_template(const char *tmpl, const tvar *vars, size_t nvars);

/* 422 naming field when tmpl uses an unknown variable, has an unclosed {{, or
 * contains a phrase of the deny-list (case-insensitive, at a word start). */
bool render_check(const char *tmpl, const char *field, const char *const *deny, size_t ndeny,
                  cad_error *err);

/* How an SMS of text travels: GSM-7 (160 per segment, 153 when split) or
 * UCS-2 (70, 67 when split). units counts septets or UTF-16 code units. */
typedef struct sms_measure {
  const char *encoding; /* "GSM-7" or "UCS-2" */
  int units;
  int segments;
} sms_measure;
sms_measure render_sms_measure(const char *text);

#endif
