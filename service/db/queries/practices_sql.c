/* practices_sql.c: the SQL statements of service/domain/practices.c. */
#include "practices_sql.h"

/* "CASE WHEN j ? 'f'" keeps a column unless the patch names it (null clears it). */
#define PATCH_COL(col) col " = CASE WHEN j ? '" col "' THEN j->>'" col "' ELSE p." col " END, "

const db_stmt PRACTICE_INSERT = {
    "practice_insert",
    "INSERT INTO practices(name, time_zone, address, parking_text, check_in_text, contact_text, "
    "  booking_url, intake_url, photo_url, photo_id_system, sms_from, email_from, report_email, quiet_start, "
    "  quiet_end, sender_mode, webhook_secret, paused, send_time, appearance_phrases, incentive_text, "
    "  report_alarm_percent, reply_hold_days) "
    "SELECT j->>'name', j->>'time_zone', j->>'address', j->>'parking_text', j->>'check_in_text', "
    "  j->>'contact_text', j->>'booking_url', j->>'intake_url', j->>'photo_url', j->>'photo_id_system', "
    "  j->>'sms_from', j->>'email_from', j->>'report_email', "
    "  coalesce((j->'quiet_hours'->>'start')::time, '09:00'), "
    "  coalesce((j->'quiet_hours'->>'end')::time, '20:00'), "
    "  coalesce(j->>'sender_mode', 'practice'), '', coalesce((j->>'paused')::boolean, false), "
    "  coalesce((j->>'send_time')::time, '10:00'), "
    "  CASE WHEN j ? 'appearance_phrases' THEN ARRAY(SELECT jsonb_array_elements_text(j->'appearance_phrases')) "
    "    ELSE default_appearance_phrases() END, coalesce(j->>'incentive_text', default_incentive_text()), "
    "  coalesce((j->>'report_alarm_percent')::int, 65), coalesce((j->>'reply_hold_days')::int, 3) "
    "FROM (SELECT $1::jsonb AS j) s RETURNING id, practice_json(practices)"};
const db_stmt PRACTICE_SEED = {"practice_seed", "SELECT seed_library($1), seed_default_templates($1)"};
const db_stmt PRACTICE_GET = {"practice_get", "SELECT practice_json(p) FROM practices p WHERE p.id = $1"};
const db_stmt PRACTICE_PATCH = {
    "practice_patch",
    "UPDATE practices p SET " PATCH_COL("name") PATCH_COL("time_zone") PATCH_COL("address") PATCH_COL("parking_text")
        PATCH_COL("check_in_text") PATCH_COL("contact_text") PATCH_COL("booking_url") PATCH_COL("intake_url") PATCH_COL(
            "photo_url") PATCH_COL("photo_id_system") PATCH_COL("sms_from") PATCH_COL("email_from")
            PATCH_COL("report_email") PATCH_COL(
                "sender_mode") "  quiet_start = coalesce((j->'quiet_hours'->>'start')::time, p.quiet_start), "
                               "  quiet_end = coalesce((j->'quiet_hours'->>'end')::time, p.quiet_end), "
                               "  paused = coalesce((j->>'paused')::boolean, p.paused), "
                               "  send_time = coalesce((j->>'send_time')::time, p.send_time), "
                               "  incentive_text = coalesce(j->>'incentive_text', p.incentive_text), "
                               "  report_alarm_percent = coalesce((j->>'report_alarm_percent')::int, p.report_alarm_percent), "
                               "  reply_hold_days = coalesce((j->>'reply_hold_days')::int, p.reply_hold_days), "
                               "  appearance_phrases = CASE WHEN j ? 'appearance_phrases' "
                               "    THEN ARRAY(SELECT jsonb_array_elements_text(j->'appearance_phrases')) ELSE p.appearance_phrases END, "
                               "  updated_at = now() "
                               "FROM (SELECT $2::jsonb AS j) s WHERE p.id = $1 RETURNING practice_json(p)"};
/* The webhook secret is stored sealed (sealing.h) under the id of the key that sealed it. */
const db_stmt PRACTICE_SET_SECRET = {"practice_set_secret",
                                     "UPDATE practices SET webhook_secret = $2, webhook_secret_key = $3 WHERE id = $1"};
const db_stmt PRACTICE_SECRET = {"practice_secret",
                                 "SELECT webhook_secret, webhook_secret_key FROM practices WHERE id = $1"};
const db_stmt PRACTICE_NOT_SEALED_NOW = {
    "practice_not_sealed_now",
    "SELECT id, webhook_secret, webhook_secret_key FROM practices WHERE webhook_secret_key IS DISTINCT FROM $1 "
    "ORDER BY id FOR UPDATE"};
