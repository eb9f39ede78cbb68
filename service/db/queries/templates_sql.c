/* templates_sql.c: the SQL statements of service/domain/templates.c. */
#include "templates_sql.h"

const db_stmt TPL_PRACTICE = {"tpl_practice", "SELECT name, to_jsonb(appearance_phrases) FROM practices WHERE id = $1"};
/* The type a path names, however it is spelt (code or alias). */
const db_stmt TPL_TYPE_NAMED = {"tpl_type_named", "SELECT treatment_type_named($1, $2)"};
const db_stmt TPL_INJECTOR_EXISTS = {"tpl_injector_exists",
                                     "SELECT 1 FROM injectors WHERE practice_id = $1 AND id = $2"};
const db_stmt TPL_UPSERT = {
    "tpl_upsert",
    "INSERT INTO templates AS t (practice_id, treatment_type, step, channel, injector_id, subject, body) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (practice_id, treatment_type, step, channel, injector_id) DO UPDATE SET "
    "  subject = EXCLUDED.subject, body = EXCLUDED.body, updated_at = now() "
    "RETURNING (xmax = 0), jsonb_build_object('id', t.id, 'treatment_type', t.treatment_type, 'step', t.step, "
    "  'channel', t.channel, 'injector_id', t.injector_id, 'subject', t.subject, 'body', t.body, "
    "  'updated_at', t.updated_at)"};
const db_stmt TPL_LIST = {
    "tpl_list",
    "SELECT coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'treatment_type', t.treatment_type, 'step', t.step, "
    "  'channel', t.channel, 'injector_id', t.injector_id, 'subject', t.subject, 'body', t.body, "
    "  'updated_at', t.updated_at) ORDER BY t.treatment_type, t.step, t.channel, t.injector_id NULLS FIRST), '[]') "
    "FROM templates t WHERE t.practice_id = $1 "
    "  AND ($2::text IS NULL OR t.treatment_type = coalesce(treatment_type_named($1, $2), lower($2))) "
    "  AND ($3::text IS NULL OR t.step = $3) AND ($4::text IS NULL OR t.channel = $4)"};
/* The practice's values for a preview, and the template the step would use: the injector's own, else
 * the type's, else the default (nurture_N steps share "nurture"), as the dispatcher picks it. */
const db_stmt TPL_PREVIEW_CONTEXT = {
    "tpl_preview_context",
    "SELECT p.name, p.address, p.parking_text, p.check_in_text, p.booking_url, p.intake_url, p.photo_url, "
    "  p.incentive_text, p.sender_mode = 'injector', tt.name, tt.typical_duration, i.name, "
    "  tp.subject, tp.body, tp.treatment_type, tp.injector_id "
    "FROM practices p "
    "LEFT JOIN treatment_types tt ON tt.practice_id = p.id AND tt.code = $2 "
    "LEFT JOIN injectors i ON i.practice_id = p.id AND i.id = $5::uuid "
    "LEFT JOIN LATERAL (SELECT t.subject, t.body, t.treatment_type, t.injector_id FROM templates t "
    "  WHERE t.practice_id = p.id AND t.step = CASE WHEN $3 LIKE 'nurture\\_%' THEN 'nurture' ELSE $3 END "
    "    AND t.channel = $4 AND t.treatment_type IN ($2, 'default') "
    "    AND (t.injector_id IS NULL OR t.injector_id = $5::uuid) "
    "  ORDER BY t.injector_id IS NOT NULL DESC, t.treatment_type <> 'default' DESC LIMIT 1) tp ON true "
    "WHERE p.id = $1"};
