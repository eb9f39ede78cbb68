-- The visits benchmark's clients with history: :n clients of practice :'p' with 50 Botox visits each,
-- 45 days apart, the latest 20 days ago; each visit with its refill sequence (ended by the next visit,
-- the latest still open with its steps ahead), sent reminders, loyalty points and its retention row.
-- Loaded set-based with triggers off, then retention_visits is built as the migration builds it.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SET synchronous_commit = off;
INSERT INTO clients (practice_id, first_name, phone, consent_sms, consent_email, created_at)
SELECT :'p', 'History', '+1556' || lpad(g::text, 7, '0'), true, true, now() - interval '7 years'
FROM generate_series(1, :n) g;
CREATE TEMP TABLE gen_visits AS
SELECT gen_random_uuid() AS treatment_id, c.id AS client_id, k AS visit_no, gen_random_uuid() AS sequence_id,
  date_trunc('day', now() - (20 + 45 * (49 - k)) * interval '1 day') + interval '15 hours' AS performed_at
FROM clients c CROSS JOIN generate_series(0, 49) k WHERE c.practice_id = :'p' AND c.first_name = 'History';
INSERT INTO treatments (practice_id, id, client_id, performed_at, source, request_hash, created_at)
SELECT :'p', treatment_id, client_id, performed_at, 'bench', 'bench', performed_at FROM gen_visits;
INSERT INTO treatment_items (practice_id, treatment_id, item_no, type_code, family, given_name, price_cents)
SELECT :'p', treatment_id, 1, 'botox', 'neuromodulator', 'botox', 38000 FROM gen_visits;
INSERT INTO sequences (practice_id, id, client_id, kind, family, type_code, treatment_id, state, end_reason,
                       started_at, ended_at)
SELECT :'p', sequence_id, client_id, 'refill', 'neuromodulator', 'botox', treatment_id,
  CASE WHEN visit_no = 49 THEN 'active' ELSE 'ended' END, CASE WHEN visit_no < 49 THEN 'superseded' END,
  performed_at, CASE WHEN visit_no < 49 THEN performed_at + interval '45 days' END
FROM gen_visits;
-- Steps 70, 75 and 82 days on and the lapse at 112: all after the next visit (cancelled) but for the
-- latest visit's, still ahead.
CREATE TEMP TABLE gen_steps AS
SELECT v.sequence_id, v.client_id, v.visit_no, s.no, s.key, (v.performed_at + s.days * interval '1 day') AS due_at
FROM gen_visits v CROSS JOIN (VALUES (1, 'refill_1', 70), (2, 'refill_2', 75), (3, 'refill_3', 82),
                                     (4, 'lapse', 112)) AS s(no, key, days);
INSERT INTO steps (practice_id, sequence_id, client_id, step_no, step_key, channel, incentive, promotional,
                   planned_date, due_at, state, updated_at)
SELECT :'p', sequence_id, client_id, no, key, CASE WHEN key = 'lapse' THEN NULL ELSE 'preferred' END, no = 2, true,
  due_at::date, due_at, CASE WHEN visit_no = 49 THEN 'planned' ELSE 'cancelled' END, due_at
FROM gen_steps;
INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, remaining, reason, treatment_id, created_at)
SELECT :'p', client_id, 'earn', 228, 0, 'visit', treatment_id, performed_at FROM gen_visits;
INSERT INTO loyalty_accounts (practice_id, client_id, balance, joined_at)
SELECT :'p', client_id, 0, min(performed_at) FROM gen_visits GROUP BY client_id;
SET session_replication_role = origin;
SELECT retention_rebuild(:'p');
VACUUM ANALYZE;
