/* injectors.c: injector rows. */
#include "injectors.h"

#include <stdlib.h>

#include "validate.h"

static const db_stmt INSERT = {
    "inj_insert",
    "INSERT INTO injectors AS i (practice_id, name, email, phone, active) "
    "SELECT $1, j->>'name', j->>'email', j->>'phone', coalesce((j->>'active')::boolean, true) "
    "FROM (SELECT $2::jsonb AS j) s RETURNING injector_json(i)"};
static const db_stmt PATCH = {
    "inj_patch",
    "UPDATE injectors i SET name = coalesce(j->>'name', i.name), "
    "  email = CASE WHEN j ? 'email' THEN j->>'email' ELSE i.email END, "
    "  phone = CASE WHEN j ? 'phone' THEN j->>'phone' ELSE i.phone END, "
    "  active = coalesce((j->>'active')::boolean, i.active), updated_at = clock_timestamp() "
    "FROM (SELECT $3::jsonb AS j) s WHERE i.practice_id = $1 AND i.id = $2 RETURNING injector_json(i)"};
static const db_stmt LIST = {
    "inj_list",
    "SELECT coalesce(jsonb_agg(injector_json(i) ORDER BY i.name, i.id), '[]') FROM injectors i "
    "WHERE i.practice_id = $1"};

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
  db_result *r = db_exec(c, &INSERT, 2, p, err);
  free(text);
  return db_one_json(r, "injector", out, err);
}

bool injectors_patch(db_conn *c, const char *practice_id, const char *id, json_t *body, json_t **out,
                     cad_error *err) {
  if (!valid_uuid(id))
    return FAIL_NOT_FOUND(err, "injector");
  char *text = json_dumps(body, JSON_COMPACT);
  const char *p[] = {practice_id, id, text};
  db_result *r = db_exec(c, &PATCH, 3, p, err);
  free(text);
  return db_one_json(r, "injector", out, err);
}

bool injectors_list(db_conn *c, const char *practice_id, json_t **out, cad_error *err) {
  const char *p[] = {practice_id};
  db_result *r = db_exec(c, &LIST, 1, p, err);
  if (!r)
    return false;
  *out = json_pack("{s:o,s:n}", "data", db_json(r, 0, 0), "next_cursor");
  db_free(r);
  return true;
}
