/* treatment_types.c: validation of plans (ascending steps, known families and
 * channels) and their storage; aliases are unique per practice by primary key. */
#include "treatment_types.h"
#include "treatment_types_sql.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"
#include "jsonspec.h"

enum { MAX_STEPS = 6, MAX_AFTERCARE = 4, MAX_ALIASES = 30 };

static const char *const FAMILIES[] = {"neuromodulator", "ha_filler",     "biostimulator", "fat_reduction",
                                       "skin_booster",   "microneedling", "laser",         "peel",
                                       "other",          NULL};

static bool one_of(const char *v, const char *const *list) {
  for (; v && *list; list++)
    if (strcmp(v, *list) == 0)
      return true;
  return false;
}

static const char *const STEP_CHANNELS[] = {"sms", "email", "preferred", "alternate", NULL};

/* Checks a list of {offset, channel[, incentive]} in ascending order of offset. */
static bool validate_steps(json_t *list, const char *name, size_t max, bool incentive_allowed, double *last,
                           cad_error *err) {
  if (json_array_size(list) > max)
    return FAIL_VALUE(err, name, "'%s' holds at most %zu steps", name, max);
  size_t i;
  json_t *step;
  *last = 0;
  json_array_foreach(list, i, step) {
    char prefix[48], field[64];
    snprintf(prefix, sizeof prefix, "%s[%zu].", name, i);
    json_t *offset = NULL;
    const char *channel = NULL;
    /* Aftercare steps take no incentive: their spec ends before it. */
    json_field spec[] = {{"offset", JS_OBJECT, JS_REQUIRED, 0, &offset, NULL},
                         {"channel", JS_STRING, 0, 20, &channel, NULL},
                         {incentive_allowed ? "incentive" : NULL, JS_BOOL, 0, 0, NULL, NULL},
                         {NULL, 0, 0, 0, NULL, NULL}};
    if (!jsonspec_parse(step, spec, prefix, err))
      return false;
    cadence_offset off;
    snprintf(field, sizeof field, "%soffset", prefix);
    if (!cadence_parse_offset(offset, field, &off, err))
      return false;
    if (cadence_offset_days(off) <= *last)
      return FAIL_VALUE(err, field, "'%s' must come after the step before it", field);
    *last = cadence_offset_days(off);
    snprintf(field, sizeof field, "%schannel", prefix);
    if (channel && !one_of(channel, STEP_CHANNELS))
      return FAIL_VALUE(err, field, "'%s' must be sms, email, preferred or alternate", field);
  }
  return true;
}

void treatment_code_normalise(const char *in, char out[48]) {
  size_t n = 0;
  for (; in[n] && n < 47; n++)
    out[n] = in[n] == ' ' || in[n] == '-' ? '_' : (char)tolower((unsigned char)in[n]);
  out[n] = 0;
}

bool treatment_types_validate(const char *code, json_t *body, cad_error *err) {
  size_t n = strlen(code);
  bool code_ok = n > 0 && n <= 40;
  for (size_t i = 0; code_ok && i < n; i++)
    code_ok = islower((unsigned char)code[i]) || isdigit((unsigned char)code[i]) || code[i] == '_';
  if (!code_ok)
    return FAIL_VALUE(err, "code", "a type code is 1-40 of a-z, 0-9 and _");
  const char *name = json_string_value(json_object_get(body, "name"));
  if (!name || !*name)
    return FAIL_VALUE(err, "name", "'name' must not be empty");
  if (!one_of(json_string_value(json_object_get(body, "family")), FAMILIES))
    return FAIL_VALUE(err, "family",
                      "'family' must be one of neuromodulator, ha_filler, biostimulator, fat_reduction, "
                      "skin_booster, microneedling, laser, peel, other");
  const char *duration = json_string_value(json_object_get(body, "typical_duration"));
  if (!duration || !*duration)
    return FAIL_VALUE(err, "typical_duration", "'typical_duration' must not be empty (e.g. \"10-12 weeks\")");
  long long window = json_integer_value(json_object_get(body, "window_days"));
  if (window < 1 || window > 3660)
    return FAIL_VALUE(err, "window_days", "'window_days' must be from 1 to 3660");
  json_t *steps = json_object_get(body, "steps");
  double last_step, last_care;
  if (json_array_size(steps) == 0)
    return FAIL_VALUE(err, "steps", "'steps' needs at least one step");
  if (!validate_steps(steps, "steps", MAX_STEPS, true, &last_step, err) ||
      !validate_steps(json_object_get(body, "aftercare"), "aftercare", MAX_AFTERCARE, false, &last_care, err))
    return false;
  cadence_offset lapse;
  if (!cadence_parse_offset(json_object_get(body, "lapse"), "lapse", &lapse, err))
    return false;
  if (cadence_offset_days(lapse) <= last_step)
    return FAIL_VALUE(err, "lapse", "'lapse' must come after the last step");
  json_t *nurture = json_object_get(body, "nurture");
  if (nurture) {
    long long every = 1, max = 6;
    const char *channel = NULL;
    json_field spec[] = {{"every_months", JS_INT, JS_REQUIRED, 0, &every, NULL},
                         {"max_messages", JS_INT, JS_REQUIRED, 0, &max, NULL},
                         {"channel", JS_STRING, 0, 20, &channel, NULL},
                         {NULL, 0, 0, 0, NULL, NULL}};
    if (!jsonspec_parse(nurture, spec, "nurture.", err))
      return false;
    if (every < 1 || every > 12)
      return FAIL_VALUE(err, "nurture.every_months", "'nurture.every_months' must be from 1 to 12");
    if (max < 0 || max > 24)
      return FAIL_VALUE(err, "nurture.max_messages", "'nurture.max_messages' must be from 0 to 24");
    if (channel && (!one_of(channel, STEP_CHANNELS) || strcmp(channel, "alternate") == 0))
      return FAIL_VALUE(err, "nurture.channel", "'nurture.channel' must be sms, email or preferred");
  }
  json_t *aliases = json_object_get(body, "aliases");
  if (json_array_size(aliases) > MAX_ALIASES)
    return FAIL_VALUE(err, "aliases", "at most %d aliases", MAX_ALIASES);
  size_t i;
  json_t *a;
  json_array_foreach(aliases, i, a) {
    char field[32];
    snprintf(field, sizeof field, "aliases[%zu]", i);
    if (!json_is_string(a) || json_string_length(a) == 0 || json_string_length(a) > 100)
      return FAIL_VALUE(err, field, "'%s' must be a name of 1 to 100 bytes", field);
  }
  return true;
}

/* Every step must find a template for each channel it may be sent on. */
static bool templates_exist(db_conn *c, const char *practice_id, const char *code, json_t *steps,
                            const char *prefix, const char *list, cad_error *err) {
  size_t i;
  json_t *step;
  json_array_foreach(steps, i, step) {
    const char *ch = json_string_value(json_object_get(step, "channel"));
    bool one = ch && (strcmp(ch, "sms") == 0 || strcmp(ch, "email") == 0);
    char key[32], channels[24], needed = one ? 1 : 2;
    snprintf(key, sizeof key, "%s_%zu", prefix, i + 1);
    snprintf(channels, sizeof channels, "{%s}", one ? ch : "sms,email");
    const char *p[] = {practice_id, code, key, channels};
    db_result *r = db_exec(c, &TYPES_TEMPLATE_CHANNELS, 4, p, err);
    if (!r)
      return false;
    bool ok = atoi(db_text(r, 0, 0)) == needed;
    db_free(r);
    if (!ok) {
      char field[40];
      snprintf(field, sizeof field, "%s[%zu]", list, i);
      return FAIL_VALUE(err, field, "no template '%s' for %s; create it with PUT /v1/templates first", key,
                        one ? ch : "both sms and email");
    }
  }
  return true;
}

typedef struct put_ctx {
  const char *practice_id, *code;
  json_t *body, **out;
  bool *created;
} put_ctx;

static bool put_tx(db_conn *c, void *vctx, cad_error *err) {
  put_ctx *x = vctx;
  db_tx_reset(x->out);
  char *text = json_dumps(x->body, JSON_COMPACT);
  const char *p[] = {x->practice_id, x->code, text};
  db_result *r = db_exec(c, &TYPES_UPSERT, 3, p, err);
  free(text);
  if (!r)
    return false;
  *x->created = db_text(r, 0, 0)[0] == 't';
  db_free(r);
  if (!(r = db_exec(c, &TYPES_CLEAR_ALIASES, 2, p, err)))
    return false;
  db_free(r);
  size_t i;
  json_t *a;
  json_array_foreach(json_object_get(x->body, "aliases"), i, a) {
    const char *ap[] = {x->practice_id, x->code, json_string_value(a)};
    if (!(r = db_exec(c, &TYPES_ADD_ALIAS, 3, ap, err)))
      return false;
    bool empty = db_text(r, 0, 0)[0] == 't';
    const char *type_code = db_value(r, 0, 1), *alias_of = db_value(r, 0, 2);
    char field[32], owner[48];
    snprintf(field, sizeof field, "aliases[%zu]", i);
    snprintf(owner, sizeof owner, "%.40s", type_code ? type_code : alias_of ? alias_of : "");
    bool mine = alias_of && strcmp(alias_of, x->code) == 0;
    db_free(r);
    if (empty)
      return FAIL_VALUE(err, field, "'%s' has no letters once case, signs and quantities are set aside", field);
    if (mine)
      return FAIL_VALUE(err, field, "'%s' repeats an earlier alias (names match without case, signs and "
                                    "trailing quantities)", field);
    if (*owner)
      return cad_fail(err, "conflict", field, "'%s' already names the treatment type %s", field, owner);
  }
  if (!templates_exist(c, x->practice_id, x->code, json_object_get(x->body, "steps"), "refill", "steps", err) ||
      !templates_exist(c, x->practice_id, x->code, json_object_get(x->body, "aftercare"), "aftercare", "aftercare",
                       err))
    return false;
  if (!(r = db_exec(c, &TYPES_GET, 2, p, err)))
    return false;
  *x->out = db_json(r, 0, 0);
  db_free(r);
  return true;
}

bool treatment_types_put(db_conn *c, const char *practice_id, const char *code, json_t *body, json_t **out,
                         bool *created, cad_error *err) {
  put_ctx x = {practice_id, code, body, out, created};
  return db_tx(c, put_tx, &x, err);
}

bool treatment_types_list(db_conn *c, const char *practice_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &TYPES_LIST, 1, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o,s:n}", "data", db_json(r, 0, 0), "next_cursor");
  db_free(r);
  return true;
}
