/* render.c: templates are plain text with {{name}} placeholders; nothing is
 * evaluated, so a template can never run code or reach data it was not given. */
#include "render.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"

const char *const TEMPLATE_VARIABLES[] = {
    "first_name", "practice_name", "sender_name", "signature", "injector_name", "treatment_name", "treatment_date",
    "typical_duration", "booking_link", "open_slots", "incentive", "photo_link", "opt_out",
    "appointment_time", "address", "parking", "check_in", "intake_link", NULL};

static const char *lookup(const tvar *vars, size_t n, const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
      return vars[i].value ? vars[i].value : "";
  return "";
}

/* One {{...}} tag at p: its kind ('#' section, '^' inverted section, '/' end, 0 a variable), its
 * name (spaces trimmed) and where the text after it starts. False when p starts no tag. */
typedef struct tag {
  char kind;
  const char *name, *after;
  size_t len;
} tag;

static bool tag_at(const char *p, tag *t) {
  const char *close;
  if (p[0] != '{' || p[1] != '{' || !(close = strstr(p + 2, "}}")))
    return false;
  const char *name = p + 2;
  while (*name == ' ')
    name++;
  t->kind = *name == '#' || *name == '^' || *name == '/' ? *name : 0;
  if (t->kind)
    name++;
  while (*name == ' ')
    name++;
  size_t len = close > name ? (size_t)(close - name) : 0;
  while (len && name[len - 1] == ' ')
    len--;
  t->name = name;
  t->len = len;
  t->after = close + 2;
  return true;
}

/* Where the section opened just before p ends: the matching {{/name}}, counting sections of the
 * same name opened inside it. NULL when it never closes. */
static const char *section_end(const char *p, const tag *open, tag *end) {
  int depth = 1;
  for (; *p; p++) {
    tag t;
    if (!tag_at(p, &t))
      continue;
    bool same = t.len == open->len && memcmp(t.name, open->name, t.len) == 0;
    if (same && (t.kind == '#' || t.kind == '^'))
      depth++;
    else if (same && t.kind == '/' && --depth == 0) {
      *end = t;
      return p;
    }
    p = t.after - 1;
  }
  return NULL;
}

typedef struct out_buf {
  char *s;
  size_t len, cap;
} out_buf;

static void put(out_buf *o, const char *v, size_t n) {
  if (o->len + n + 1 > o->cap) {
    o->cap = (o->len + n + 1) * 2;
    o->s = xrealloc(o->s, o->cap);
  }
  memcpy(o->s + o->len, v, n);
  o->len += n;
  o->s[o->len] = 0;
}

/* Renders [p, stop) into o: variables by value, a section when its variable is non-empty, an
 * inverted one when it is empty. A tag that does not close is kept as text. */
static void render_span(const char *p, const char *stop, const tvar *vars, size_t n, out_buf *o) {
  while (p < stop) {
    tag t, end;
    const char *close;
    if (!tag_at(p, &t) || t.after > stop) {
      put(o, p++, 1);
      continue;
    }
    if (t.kind == 0) {
      const char *v = lookup(vars, n, t.name, t.len);
      put(o, v, strlen(v));
      p = t.after;
    } else if ((t.kind == '#' || t.kind == '^') && (close = section_end(t.after, &t, &end)) && close < stop) {
      bool shown = *lookup(vars, n, t.name, t.len) != 0;
      if (shown == (t.kind == '#'))
        render_span(t.after, close, vars, n, o);
      p = end.after;
    } else {
      put(o, p, (size_t)(t.after - p)); /* a stray end or an unclosed section: left as written */
      p = t.after;
    }
  }
}

/* Collapses runs of spaces, drops spaces at line ends and before punctuation
 * left by an empty value, a period doubled by a value that ends with one, keeps
 * at most one blank line, and trims the ends. */
static void tidy(char *s) {
  char *w = s;
  int newlines = 0;
  for (char *r = s; *r; r++) {
    if (*r == ' ' || *r == '\t') {
      if (w > s && w[-1] != ' ' && w[-1] != '\n')
        *w++ = ' ';
      continue;
    }
    if (*r == '\n') {
      while (w > s && w[-1] == ' ')
        w--;
      if (++newlines > 2)
        continue;
      *w++ = '\n';
      continue;
    }
    if ((*r == '.' || *r == ',') && w > s && w[-1] == ' ')
      w--;
    if (*r == '.' && w > s && w[-1] == '.' && r[1] != '.')
      continue;
    newlines = 0;
    *w++ = *r;
  }
  while (w > s && (w[-1] == ' ' || w[-1] == '\n'))
    w--;
  *w = 0;
  char *start = s;
  while (*start == ' ' || *start == '\n')
    start++;
  memmove(s, start, strlen(start) + 1);
}

char *render_template(const char *tmpl, const tvar *vars, size_t nvars) {
  out_buf o = {xrealloc(NULL, strlen(tmpl) + 64), 0, strlen(tmpl) + 64};
  o.s[0] = 0;
  render_span(tmpl, tmpl + strlen(tmpl), vars, nvars, &o);
  tidy(o.s);
  return o.s;
}

static bool known_variable(const char *name, size_t len) {
  for (const char *const *v = TEMPLATE_VARIABLES; *v; v++)
    if (strlen(*v) == len && memcmp(*v, name, len) == 0)
      return true;
  return false;
}

/* Case-insensitive match of phrase at s, where s starts a word. */
static bool phrase_at(const char *text, const char *s, const char *phrase) {
  if (s > text && isalpha((unsigned char)s[-1]))
    return false;
  size_t n = strlen(phrase);
  return n && strncasecmp(s, phrase, n) == 0;
}

bool render_check(const char *tmpl, const char *field, const char *const *deny, size_t ndeny,
                  cad_error *err) {
  /* Open sections, innermost last: each must close, in order, by its own name. */
  enum { MAX_DEPTH = 8 };
  tag open[MAX_DEPTH];
  int depth = 0;
  for (const char *p = tmpl; (p = strstr(p, "{{"));) {
    tag t;
    if (!tag_at(p, &t))
      return FAIL_VALUE(err, field, "'%s' has a '{{' without its '}}'", field);
    if (!known_variable(t.name, t.len))
      return FAIL_VALUE(err, field, "'%s' uses the unknown variable '%.*s'", field, (int)(t.len > 60 ? 60 : t.len),
                        t.name);
    if (t.kind == '#' || t.kind == '^') {
      if (depth == MAX_DEPTH)
        return FAIL_VALUE(err, field, "'%s' nests sections more than %d deep", field, MAX_DEPTH);
      open[depth++] = t;
    } else if (t.kind == '/') {
      if (depth == 0 || open[depth - 1].len != t.len || memcmp(open[depth - 1].name, t.name, t.len) != 0)
        return FAIL_VALUE(err, field, "'%s' closes a section '%.*s' that is not the one open", field,
                          (int)(t.len > 60 ? 60 : t.len), t.name);
      depth--;
    }
    p = t.after;
  }
  if (depth > 0)
    return FAIL_VALUE(err, field, "'%s' opens a section '{{#%.*s}}' without its '{{/%.*s}}'", field,
                      (int)(open[depth - 1].len > 60 ? 60 : open[depth - 1].len), open[depth - 1].name,
                      (int)(open[depth - 1].len > 60 ? 60 : open[depth - 1].len), open[depth - 1].name);
  for (const char *s = tmpl; *s; s++)
    for (size_t i = 0; i < ndeny; i++)
      if (phrase_at(tmpl, s, deny[i]))
        return FAIL_VALUE(err, field,
                          "'%s' speaks about appearance ('%s'); speak of timing, schedule and the "
                          "client's own history instead",
                          field, deny[i]);
  return true;
}

/* Decodes one UTF-8 sequence at *p (advancing it); invalid bytes read as U+FFFD. */
static uint32_t next_codepoint(const unsigned char **p) {
  const unsigned char *s = *p;
  uint32_t c = s[0];
  int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
  if (extra < 0) {
    *p = s + 1;
    return 0xFFFD;
  }
  c = extra ? c & (0x3F >> extra) : c;
  for (int i = 1; i <= extra; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *p = s + i;
      return 0xFFFD;
    }
    c = (c << 6) | (s[i] & 0x3F);
  }
  *p = s + 1 + extra;
  return c;
}

/* Septets a code point takes in GSM 03.38 (1 basic, 2 extension), 0 when not representable. */
static int gsm_septets(uint32_t c) {
  static const uint32_t basic[] = {
      '@', 0xA3, '$', 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, '\n', 0xD8, 0xF8, '\r', 0xC5, 0xE5,
      0x394, '_', 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xC6, 0xE6, 0xDF, 0xC9,
      ' ', '!', '"', '#', 0xA4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', ':', ';', '<',
      '=', '>', '?', 0xA1, 0xC4, 0xD6, 0xD1, 0xDC, 0xA7, 0xBF, 0xE4, 0xF6, 0xF1, 0xFC, 0xE0};
  static const uint32_t extension[] = {'^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC, '\f'};
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
    return 1;
  for (size_t i = 0; i < sizeof basic / sizeof basic[0]; i++)
    if (basic[i] == c)
      return 1;
  for (size_t i = 0; i < sizeof extension / sizeof extension[0]; i++)
    if (extension[i] == c)
      return 2;
  return 0;
}

sms_measure render_sms_measure(const char *text) {
  int septets = 0, utf16 = 0;
  bool gsm = true;
  for (const unsigned char *p = (const unsigned char *)text; *p;) {
    uint32_t c = next_codepoint(&p);
    int s = gsm_septets(c);
    if (!s)
      gsm = false;
    septets += s;
    utf16 += c > 0xFFFF ? 2 : 1;
  }
  sms_measure m;
  m.encoding = gsm ? "GSM-7" : "UCS-2";
  m.units = gsm ? septets : utf16;
  int single = gsm ? 160 : 70, part = gsm ? 153 : 67;
  m.segments = m.units == 0 ? 0 : m.units <= single ? 1 : (m.units + part - 1) / part;
  return m;
}
