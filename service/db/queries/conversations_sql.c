/* conversations_sql.c: the SQL statements of service/domain/conversations.c. */
#include "conversations_sql.h"

/* Who an inbound SMS from $2 is: the client of our latest SMS to that number in 60 days (the message it
 * answers), else the newest client with the number; none for a stranger. */
const db_stmt CONV_SENDER = {
    "conv_sender",
    "WITH last AS (SELECT id, client_id FROM messages WHERE practice_id = $1 AND to_address = $2 "
    "  AND channel = 'sms' AND client_id IS NOT NULL AND created_at > now() - interval '60 days' "
    "  ORDER BY created_at DESC LIMIT 1) "
    "SELECT (SELECT id FROM last), coalesce((SELECT client_id FROM last), "
    "  (SELECT id FROM clients WHERE practice_id = $1 AND phone = $2 ORDER BY created_at DESC LIMIT 1))"};
/* Who an email from $2 is: the client of the message its Reply-To names ($3) when that message went to the
 * sender, else of our latest email to the address in 60 days (the message it answers), else the newest
 * client with the address; none for a stranger. */
const db_stmt CONV_SENDER_EMAIL = {
    "conv_sender_email",
    "WITH named AS (SELECT id, client_id FROM messages WHERE practice_id = $1 AND id = $3::uuid "
    "    AND channel = 'email' AND lower(to_address) = $2 AND client_id IS NOT NULL), "
    "  last AS (SELECT id, client_id FROM messages WHERE practice_id = $1 AND lower(to_address) = $2 "
    "    AND channel = 'email' AND client_id IS NOT NULL AND created_at > now() - interval '60 days' "
    "    ORDER BY created_at DESC LIMIT 1), "
    "  answered AS (SELECT * FROM named UNION ALL SELECT * FROM last WHERE NOT EXISTS (SELECT 1 FROM named)) "
    "SELECT (SELECT id FROM answered), coalesce((SELECT client_id FROM answered), "
    "  (SELECT id FROM clients WHERE practice_id = $1 AND lower(email) = $2 ORDER BY created_at DESC LIMIT 1))"};
/* The sender's conversation, one more unread message in it ($4: it wants a person's answer). */
const db_stmt CONV_TOUCH_CLIENT = {
    "conv_touch_client",
    "INSERT INTO conversations AS v (practice_id, client_id, channel, address, last_inbound_at, unread, needs_reply) "
    "VALUES ($1, $2, $5, $3, clock_timestamp(), 1, $4) "
    "ON CONFLICT (practice_id, client_id) WHERE client_id IS NOT NULL DO UPDATE SET address = excluded.address, "
    "  channel = excluded.channel, "
    "  last_inbound_at = excluded.last_inbound_at, unread = v.unread + 1, needs_reply = v.needs_reply OR $4 "
    "RETURNING id"};
const db_stmt CONV_TOUCH_STRANGER = {
    "conv_touch_stranger",
    "INSERT INTO conversations AS v (practice_id, channel, address, last_inbound_at, unread, needs_reply) "
    "VALUES ($1, $4, $2, clock_timestamp(), 1, $3) "
    "ON CONFLICT (practice_id, channel, address) WHERE client_id IS NULL DO UPDATE SET "
    "  last_inbound_at = excluded.last_inbound_at, unread = v.unread + 1, needs_reply = v.needs_reply OR $3 "
    "RETURNING id"};
const db_stmt CONV_INBOUND = {
    "conv_inbound",
    "INSERT INTO inbound_messages (practice_id, conversation_id, client_id, channel, from_address, to_address, "
    "  body, provider_id, answers_id, reading, keyword, evidence) "
    "VALUES ($1, $2, $3, $12, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT (practice_id, channel, provider_id) DO NOTHING"};
const db_stmt CONV_EMAIL_SEEN = {"conv_email_seen", "SELECT 1 FROM inbound_messages WHERE practice_id = $1 "
                                                    "  AND channel = 'email' AND provider_id = $2"};
/* A reply holds the client's promotional steps due before the practice's hold ends: each sequence moves
 * as a whole to the first send time after it, keeping its spacing. */
const db_stmt CONV_HOLD = {
    "conv_hold",
    "WITH ctx AS (SELECT coalesce(c.time_zone, p.time_zone) AS tz, p.send_time, p.reply_hold_days AS days "
    "  FROM clients c JOIN practices p ON p.id = c.practice_id WHERE c.practice_id = $1 AND c.id = $2), "
    "until AS (SELECT (now() AT TIME ZONE tz)::date + days AS d, "
    "  local_instant((now() AT TIME ZONE tz)::date + days, send_time, tz) AS at FROM ctx WHERE days > 0), "
    "shift AS (SELECT st.sequence_id, u.d - min(st.planned_date) AS days FROM steps st, until u "
    "  WHERE st.practice_id = $1 AND st.client_id = $2 AND st.promotional AND st.state IN ('planned', 'deferred') "
    "  GROUP BY st.sequence_id, u.d, u.at HAVING min(st.due_at) < u.at AND u.d > min(st.planned_date)) "
    "UPDATE steps st SET planned_date = st.planned_date + sh.days, "
    "  due_at = local_instant(st.planned_date + sh.days, ctx.send_time, ctx.tz), "
    "  reason = 'client replied: moved ' || sh.days || CASE WHEN sh.days = 1 THEN ' day' ELSE ' days' END "
    "    || ' later', updated_at = clock_timestamp() "
    "FROM shift sh, ctx WHERE st.practice_id = $1 AND st.client_id = $2 AND st.sequence_id = sh.sequence_id "
    "  AND st.promotional AND st.state IN ('planned', 'deferred')"};
/* Whether the number is already kept from SMS: a revocation is confirmed once. */
const db_stmt CONV_SUPPRESSED = {"conv_suppressed",
                                 "SELECT 1 FROM suppressions WHERE practice_id = $1 AND channel = 'sms' "
                                 "  AND address = $2 AND active"};

#define CONVERSATION_JSON                                                                                              \
  "jsonb_build_object('id', v.id, 'client', CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object('id', c.id, "     \
  "  'first_name', c.first_name, 'last_name', c.last_name, 'phone', c.phone, 'email', c.email) END, "                  \
  "  'channel', v.channel, 'address', v.address, 'unread', v.unread, 'needs_reply', v.needs_reply, "                   \
  "  'last_inbound_at', v.last_inbound_at, 'last_message', (SELECT inbound_json(i) FROM inbound_messages i "           \
  "    WHERE i.practice_id = v.practice_id AND i.conversation_id = v.id ORDER BY i.received_at DESC LIMIT 1))"

/* A cursor names a conversation of the practice (its place moves when a message arrives; the page
 * goes on from where it was). */
const db_stmt CONV_CURSOR_OK = {"conv_cursor_ok",
                                "SELECT 1 FROM conversations WHERE practice_id = $1 AND id = $2 AND $3::bigint >= 0"};
const db_stmt CONV_LIST = {
    "conv_list", "SELECT " CONVERSATION_JSON ", "
                 "  (extract(epoch FROM v.last_inbound_at) * 1000000)::bigint || '.' || v.id "
                 "FROM conversations v LEFT JOIN clients c ON c.practice_id = v.practice_id AND c.id = v.client_id "
                 "WHERE v.practice_id = $1 AND ($2::boolean IS NULL OR (v.unread > 0) = $2) "
                 "  AND ($3::boolean IS NULL OR v.needs_reply = $3) "
                 "  AND ($4::bigint IS NULL OR (v.last_inbound_at, v.id) < "
                 "       ('epoch'::timestamptz + $4::bigint * interval '1 microsecond', $5::uuid)) "
                 "ORDER BY v.last_inbound_at DESC, v.id DESC LIMIT $6"};
/* A client's conversation: the latest 200 messages both ways, oldest first, each outbound one with why
 * it was sent (its sequence and step, or the staff member who wrote it). */
const db_stmt CONV_OF_CLIENT = {
    "conv_of_client",
    "WITH v AS (SELECT * FROM conversations WHERE practice_id = $1 AND client_id = $2), "
    "inb AS (SELECT i.received_at AS at, i.id, inbound_json(i) AS j FROM inbound_messages i "
    "  WHERE i.practice_id = $1 AND i.conversation_id = (SELECT id FROM v)), "
    "outb AS (SELECT m.created_at AS at, m.id, jsonb_build_object('direction', 'out', 'id', m.id, "
    "    'client_id', m.client_id, 'channel', m.channel, 'from', m.from_address, 'to', m.to_address, "
    "    'body', m.body, 'at', m.created_at, 'state', m.state, 'sent_at', m.sent_at, 'sent_by', m.sent_by, "
    "    'sequence', s.kind, 'step', st.step_key, 'reason', CASE WHEN m.sent_by IS NOT NULL THEN 'staff reply' "
    "      WHEN s.kind IS NOT NULL THEN s.kind || ' ' || st.step_key END) AS j "
    "  FROM messages m LEFT JOIN LATERAL (SELECT x.step_key, x.sequence_id FROM steps x "
    "    WHERE x.practice_id = m.practice_id AND x.message_id = m.id ORDER BY x.step_no LIMIT 1) st ON true "
    "  LEFT JOIN sequences s ON s.practice_id = m.practice_id AND s.id = st.sequence_id "
    "  WHERE m.practice_id = $1 AND m.client_id = $2), "
    "latest AS (SELECT * FROM (SELECT * FROM inb UNION ALL SELECT * FROM outb) a ORDER BY at DESC, id DESC LIMIT 200) "
    "SELECT jsonb_build_object('client_id', c.id, 'conversation_id', (SELECT id FROM v), "
    "  'unread', coalesce((SELECT unread FROM v), 0), 'needs_reply', coalesce((SELECT needs_reply FROM v), false), "
    "  'data', coalesce((SELECT jsonb_agg(j ORDER BY at, id) FROM latest), '[]')) "
    "FROM clients c WHERE c.practice_id = $1 AND c.id = $2"};
const db_stmt CONV_READ = {"conv_read",
                           "WITH r AS (UPDATE inbound_messages SET read_at = clock_timestamp() "
                           "  WHERE practice_id = $1 AND client_id = $2 AND read_at IS NULL) "
                           "UPDATE conversations SET unread = 0 WHERE practice_id = $1 AND client_id = $2"};
const db_stmt CONV_HANDLED = {"conv_handled",
                              "UPDATE conversations SET needs_reply = false WHERE practice_id = $1 AND client_id = $2"};
/* What a staff reply needs: the client's number and consent, whether the number is suppressed, the
 * practice's sender, the local minute and the quiet hours there, and whether the client wrote within the
 * hour (then quiet hours do not hold the answer back). */
const db_stmt CONV_REPLY_CONTEXT = {
    "conv_reply_context",
    "SELECT c.phone, c.consent_sms, EXISTS (SELECT 1 FROM suppressions s WHERE s.practice_id = c.practice_id "
    "    AND s.channel = 'sms' AND s.address = c.phone AND s.active), p.sms_from, "
    "  extract(hour FROM now() AT TIME ZONE coalesce(c.time_zone, p.time_zone))::int * 60 "
    "    + extract(minute FROM now() AT TIME ZONE coalesce(c.time_zone, p.time_zone))::int, "
    "  extract(hour FROM p.quiet_start)::int * 60 + extract(minute FROM p.quiet_start)::int, "
    "  extract(hour FROM p.quiet_end)::int * 60 + extract(minute FROM p.quiet_end)::int, "
    "  EXISTS (SELECT 1 FROM conversations v WHERE v.practice_id = c.practice_id AND v.client_id = c.id "
    "    AND v.last_inbound_at > now() - interval '1 hour'), "
    "  lower(c.email), c.consent_email, EXISTS (SELECT 1 FROM suppressions s WHERE s.practice_id = c.practice_id "
    "    AND s.channel = 'email' AND s.address = lower(c.email) AND s.active), p.email_from, "
    "  (SELECT v.channel FROM conversations v WHERE v.practice_id = c.practice_id AND v.client_id = c.id), p.name "
    "FROM clients c JOIN practices p ON p.id = c.practice_id WHERE c.practice_id = $1 AND c.id = $2"};
/* A staff reply by SMS, or by email with a subject naming the practice; to a client ($2), or to a
 * stranger in their conversation ($11). */
const db_stmt CONV_QUEUE_REPLY = {
    "conv_queue_reply",
    "INSERT INTO messages (practice_id, client_id, conversation_id, channel, provider, to_address, from_address, "
    "  subject, body, sent_by, next_attempt_at) VALUES ($1, $2, $11, $9, $3, $4, $5, $10, $6, $7, "
    "  clock_timestamp() + $8::int * interval '1 second') "
    "RETURNING message_json(messages)"};
const db_stmt CONV_NOTIFY = {"conv_notify", "SELECT pg_notify('cadence_due', '')"};
/* The client's latest offer still good, and slot $3 of it (its time, as written and in the practice's words). */
const db_stmt CONV_OFFER = {
    "conv_offer", "SELECT o.id, o.step_id, o.injector_id, o.type_code, "
                  "  to_char(o.slots[$3] AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                  "  to_char(o.slots[$3] AT TIME ZONE p.time_zone, 'Dy Mon FMDD FMHH12:MIam'), i.name "
                  "FROM slot_offers o JOIN practices p ON p.id = o.practice_id "
                  "LEFT JOIN injectors i ON i.practice_id = o.practice_id AND i.id = o.injector_id "
                  "WHERE o.practice_id = $1 AND o.client_id = $2 AND o.expires_at > now() AND o.booking_id IS NULL "
                  "  AND o.slots[$3] > now() ORDER BY o.offered_at DESC LIMIT 1"};
/* The offer that made booking $3; the client's other open offers end with it (one booking per reply). */
const db_stmt CONV_OFFER_TAKEN = {
    "conv_offer_taken",
    "UPDATE slot_offers SET booking_id = CASE WHEN id = $2 THEN $3::uuid END, "
    "  expires_at = CASE WHEN id = $2 THEN expires_at ELSE least(expires_at, now()) END "
    "WHERE practice_id = $1 AND client_id = $4 AND (id = $2 OR (booking_id IS NULL AND expires_at > now()))"};
/* A new offer when the slot picked was taken: the injector's next open times, as step 1 offers them; the
 * old offer ($7) ends. */
const db_stmt CONV_REOFFER = {
    "conv_reoffer",
    "WITH o AS (SELECT array_agg(y.s ORDER BY y.s) AS slots FROM ( "
    "    SELECT DISTINCT ON ((x.starts_at AT TIME ZONE p.time_zone)::date) x.starts_at AS s "
    "    FROM practices p, open_slots(p.id, $3, (now() AT TIME ZONE p.time_zone)::date + 1, "
    "      (now() AT TIME ZONE p.time_zone)::date + 14, 30, 30, $2) x WHERE p.id = $1 "
    "    ORDER BY (x.starts_at AT TIME ZONE p.time_zone)::date, x.starts_at LIMIT 3) y), "
    "gone AS (UPDATE slot_offers SET expires_at = now() WHERE practice_id = $1 AND id = $7), "
    "ins AS (INSERT INTO slot_offers (practice_id, client_id, step_id, injector_id, type_code, slots, expires_at) "
    "  SELECT $1, $2, $4, $3, $5, o.slots, now() + $6::int * interval '1 second' FROM o WHERE o.slots IS NOT NULL "
    "  RETURNING slots) "
    "SELECT (SELECT string_agg(to_char(s AT TIME ZONE p.time_zone, 'Dy Mon FMDD FMHH12:MIam'), ', ' ORDER BY s) "
    "  FROM ins, unnest(ins.slots) s) FROM practices p WHERE p.id = $1"};

/* A conversation by id: whose it is (NULL client: a stranger), and where it was written from. */
const db_stmt CONV_WHO = {"conv_who", "SELECT client_id, channel, address FROM conversations "
                                      "WHERE practice_id = $1 AND id = $2"};
const db_stmt CONV_READ_ID = {"conv_read_id", "WITH r AS (UPDATE inbound_messages SET read_at = clock_timestamp() "
                                              "  WHERE practice_id = $1 AND conversation_id = $2 AND read_at IS NULL) "
                                              "UPDATE conversations SET unread = 0 WHERE practice_id = $1 AND id = $2"};
const db_stmt CONV_HANDLED_ID = {"conv_handled_id",
                                 "UPDATE conversations SET needs_reply = false WHERE practice_id = $1 AND id = $2"};
/* A stranger's conversation: what they wrote and staff's answers to their address, oldest first. */
const db_stmt CONV_OF_STRANGER = {
    "conv_of_stranger",
    "WITH v AS (SELECT * FROM conversations WHERE practice_id = $1 AND id = $2 AND client_id IS NULL), "
    "inb AS (SELECT i.received_at AS at, i.id, inbound_json(i) AS j FROM inbound_messages i "
    "  WHERE i.practice_id = $1 AND i.conversation_id = (SELECT id FROM v)), "
    "outb AS (SELECT m.created_at AS at, m.id, jsonb_build_object('direction', 'out', 'id', m.id, "
    "    'client_id', NULL, 'channel', m.channel, 'from', m.from_address, 'to', m.to_address, "
    "    'body', m.body, 'at', m.created_at, 'state', m.state, 'sent_at', m.sent_at, 'sent_by', m.sent_by, "
    "    'sequence', NULL, 'step', NULL, 'reason', 'staff reply') AS j "
    "  FROM messages m WHERE m.practice_id = $1 AND m.conversation_id = (SELECT id FROM v)), "
    "latest AS (SELECT * FROM (SELECT * FROM inb UNION ALL SELECT * FROM outb) a ORDER BY at DESC, id DESC LIMIT 200) "
    "SELECT jsonb_build_object('client_id', NULL, 'conversation_id', v.id, 'unread', v.unread, "
    "  'needs_reply', v.needs_reply, 'data', coalesce((SELECT jsonb_agg(j ORDER BY at, id) FROM latest), '[]')) "
    "FROM v"};
/* What a reply to a stranger needs: the address and whether it is suppressed, the practice's sender on
 * that channel, its name, the local minute and quiet hours in the practice's zone, and whether they wrote
 * within the hour. They wrote first: the answer is to their own message, so no consent is on record. */
const db_stmt CONV_STRANGER_CONTEXT = {
    "conv_stranger_context",
    "SELECT v.channel, v.address, EXISTS (SELECT 1 FROM suppressions s WHERE s.practice_id = v.practice_id "
    "    AND s.channel = v.channel AND s.address = v.address AND s.active), "
    "  CASE WHEN v.channel = 'sms' THEN p.sms_from ELSE p.email_from END, p.name, "
    "  extract(hour FROM now() AT TIME ZONE p.time_zone)::int * 60 + extract(minute FROM now() AT TIME ZONE "
    "    p.time_zone)::int, "
    "  extract(hour FROM p.quiet_start)::int * 60 + extract(minute FROM p.quiet_start)::int, "
    "  extract(hour FROM p.quiet_end)::int * 60 + extract(minute FROM p.quiet_end)::int, "
    "  v.last_inbound_at > now() - interval '1 hour' "
    "FROM conversations v JOIN practices p ON p.id = v.practice_id "
    "WHERE v.practice_id = $1 AND v.id = $2 AND v.client_id IS NULL"};
