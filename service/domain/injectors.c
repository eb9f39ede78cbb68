/* injectors.c: injector rows. */
#include "injectors.h"
#include "injectors_sql.h"

#include <stdlib.h>

#include "validate.h"

bool injectors_validate(json_t *body, cad_error *err) {
  const char *v;
  if ((v = json_string_value(json_object_get(body, "name"))) && !*v)
    return FAIL_VALUE(err, "name", "'name' must not be empty");
  if ((v = json_string_value(json_object_get(body, "email"))) && !valid_email(v))
    return FAIL_VALUE(err, "email", "'email' is not a valid email address");
  if ((v = json_string_value(json_object_get(body, "phone"))) && !valid_e164(v))
    return FAIL_VALUE(err, "phone", "'phone' must be in E.164 form");
  return true;
}

bool injectors_create(db_conn *c, const char *practice_id, json_t *body, json_t **out, cad_error *err) {
  char *text = json_dumps(body, JSON_COMPACT);
  const char *p[] = {practice_id, text};
  db_result *r = db_exec(c, &INJ_INSERT, 2, p, err);
  free(text);
  return db_one_json(r, "injector", out, err);
}

bool injectors_patch(db_conn *c, const char *practice_id, const char *id, json_t *body, json_t **out,
                     cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "injector");
  char *text = json_dumps(body, JSON_COMPACT);
  const char *p[] = {practice_id, id, text};
  db_result *r = db_exec(c, &INJ_PATCH, 3, p, err);
  free(text);
  return db_one_json(r, "injector", out, err);
}

bool injectors_list(db_conn *c, const char *practice_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &INJ_LIST, 1, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o,s:n}", "data", db_json(r, 0, 0), "next_cursor");
  db_free(r);
  return true;
}
