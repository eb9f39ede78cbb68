-- The analytics benchmark's data: one practice (:'p', made through the API so
-- its library is seeded) with 200,000 clients and about 1,000,000 visits over
-- three years, with their refill sequences, steps, sent messages, bookings,
-- lapses, reactivations, loyalty ledger and perks. Loaded set-based with
-- triggers off, then retention_visits is built from it as the migration builds
-- it for existing data.
--
-- Return behaviour: each client keeps to one main type (Botox 50%, Dysport 10%,
-- lip filler 20%, cheek filler 12%, Voluma 8%); 70% were clients when the three
-- years began, 30% arrive during them; 60% come back on time (0.9-1.15 times the
-- type's interval), the rest late (1.2-1.8 times); after each visit a client
-- comes back again with probability 0.93 (the others are lost). A return is
-- booked 3 to 25 days ahead; the reminders due before the booking went out, the
-- later ones were ended by it, and the booking is attributed to the last one sent
-- in the 7 days before it, as the service attributes them.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SET synchronous_commit = off;
SELECT setseed(0.42);

CREATE TEMP TABLE gen_types (code text, family text, interval_days int, price_cents int, s1 int, s2 int, s3 int,
                             lapse int, lo float8, hi float8);
INSERT INTO gen_types VALUES
  ('botox', 'neuromodulator', 95, 38000, 70, 75, 82, 112, 0.00, 0.50),
  ('dysport', 'neuromodulator', 100, 36000, 70, 84, 91, 119, 0.50, 0.60),
  ('lip_filler', 'ha_filler', 230, 70000, 152, 183, 213, 274, 0.60, 0.80),
  ('cheek_filler', 'ha_filler', 450, 90000, 335, 365, 396, 548, 0.80, 0.92),
  ('voluma', 'ha_filler', 640, 120000, 456, 487, 548, 730, 0.92, 1.00);

INSERT INTO injectors (practice_id, name) SELECT :'p', 'Injector ' || g FROM generate_series(1, 12) g;
CREATE TEMP TABLE gen_injectors AS
  SELECT row_number() OVER (ORDER BY id) AS n, id FROM injectors WHERE practice_id = :'p';

INSERT INTO clients (practice_id, first_name, phone, consent_sms, consent_email, created_at)
SELECT :'p', 'Client', '+1555' || lpad(g::text, 7, '0'), true, true, now() - interval '3 years 1 month'
FROM generate_series(1, 200000) g;

CREATE TEMP TABLE gen_clients AS
SELECT c.id AS client_id, t.code, t.family, t.interval_days, t.price_cents,
  CASE WHEN x.r2 < 0.6 THEN 0.9 + x.r3 * 0.25 ELSE 1.2 + x.r3 * 0.6 END AS pace,
  CASE WHEN x.r7 < 0.3 THEN x.r4 * 900 ELSE x.r4 * t.interval_days END AS start_days,
  1 + floor(ln(1 - x.r5) / ln(0.93))::int AS visits, 1 + floor(x.r6 * 12)::int AS inj_no
FROM clients c
CROSS JOIN LATERAL (SELECT random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
                           random() AS r6, random() AS r7 WHERE c.id IS NOT NULL) x
JOIN gen_types t ON x.r1 >= t.lo AND x.r1 < t.hi
WHERE c.practice_id = :'p';

CREATE TEMP TABLE gen_visits AS
SELECT gen_random_uuid() AS treatment_id, g.client_id, g.code, g.family, i.id AS injector_id, k AS visit_no,
  date_trunc('day', now() - interval '3 years' + (g.start_days + k * g.interval_days * g.pace
    + (random() * 10 - 5)) * interval '1 day') + interval '15 hours' + (random() * 6) * interval '1 hour' AS performed_at,
  (g.price_cents * (0.9 + random() * 0.3))::bigint AS price_cents
FROM gen_clients g JOIN gen_injectors i ON i.n = g.inj_no
CROSS JOIN LATERAL generate_series(0, g.visits - 1) k;
DELETE FROM gen_visits WHERE performed_at > now() - interval '1 hour';
CREATE INDEX ON gen_visits (client_id, performed_at);
ANALYZE gen_visits;

INSERT INTO treatments (practice_id, id, client_id, injector_id, performed_at, source, request_hash, behaviours,
                        created_at)
SELECT :'p', treatment_id, client_id, injector_id, performed_at, 'bench', 'bench',
  CASE WHEN random() < 0.1 THEN '{safety_check}'::text[] ELSE '{}' END, performed_at
FROM gen_visits;
INSERT INTO treatment_items (practice_id, treatment_id, item_no, type_code, family, given_name, price_cents)
SELECT :'p', treatment_id, 1, code, family, code, price_cents FROM gen_visits;

-- One refill sequence per visit, its steps dated from the visit, and what happened to each: ended by the
-- next visit (cancelled), still ahead (planned), sent (with its message), or the lapse checkpoint (done).
CREATE TEMP TABLE gen_cycles AS
SELECT v.*, gen_random_uuid() AS sequence_id, t.s1, t.s2, t.s3, t.lapse,
  lead(v.performed_at) OVER (PARTITION BY v.client_id ORDER BY v.performed_at) AS next_visit
FROM gen_visits v JOIN gen_types t ON t.code = v.code;
ALTER TABLE gen_cycles ADD COLUMN booked_at timestamptz;
UPDATE gen_cycles SET booked_at = greatest(next_visit - (3 + random() * 22) * interval '1 day',
                                           performed_at + interval '1 day')
WHERE next_visit IS NOT NULL;
INSERT INTO sequences (practice_id, id, client_id, kind, family, type_code, treatment_id, state, end_reason,
                       started_at, ended_at)
SELECT :'p', sequence_id, client_id, 'refill', family, code, treatment_id,
  CASE WHEN next_visit IS NULL AND performed_at + lapse * interval '1 day' > now() THEN 'active' ELSE 'ended' END,
  CASE WHEN next_visit IS NOT NULL THEN 'superseded' END, performed_at, next_visit
FROM gen_cycles;

CREATE TEMP TABLE gen_steps AS
SELECT gen_random_uuid() AS step_id, c.sequence_id, c.client_id, c.treatment_id, c.family, c.booked_at,
  s.no, s.key, (c.performed_at + s.days * interval '1 day')::date AS planned_date,
  date_trunc('day', c.performed_at + s.days * interval '1 day') + interval '15 hours' AS due_at
FROM gen_cycles c CROSS JOIN LATERAL (VALUES (1, 'refill_1', c.s1), (2, 'refill_2', c.s2), (3, 'refill_3', c.s3),
                                             (4, 'lapse', c.lapse)) AS s(no, key, days);
ALTER TABLE gen_steps ADD COLUMN state text, ADD COLUMN message_id uuid;
UPDATE gen_steps SET state = CASE
    WHEN booked_at IS NOT NULL AND booked_at < due_at THEN 'cancelled'
    WHEN due_at > now() THEN 'planned'
    WHEN key = 'lapse' THEN 'done'
    ELSE 'queued' END;
UPDATE gen_steps SET message_id = gen_random_uuid() WHERE state = 'queued';
INSERT INTO steps (practice_id, id, sequence_id, client_id, step_no, step_key, channel, incentive, promotional,
                   planned_date, due_at, state, message_id, updated_at)
SELECT :'p', step_id, sequence_id, client_id, no, key, CASE WHEN key = 'lapse' THEN NULL ELSE 'preferred' END,
  no = 2, true, planned_date, due_at, state, message_id, due_at
FROM gen_steps;
INSERT INTO messages (practice_id, id, client_id, channel, provider, to_address, body, state, attempts, created_at,
                      sent_at, updated_at)
SELECT :'p', message_id, client_id, 'sms', 'twilio', '+15550000000', 'bench', 'sent', 1, due_at, due_at, due_at
FROM gen_steps WHERE message_id IS NOT NULL;

CREATE INDEX ON gen_steps (sequence_id);
ANALYZE gen_steps;
-- The booking of every return visit, attributed to the last step sent in the 7 days before it.
INSERT INTO bookings (practice_id, client_id, injector_id, starts_at, duration_minutes, families, source, state,
                      caused_by_step, blocked, created_at, updated_at)
SELECT :'p', c.client_id, c.injector_id, c.next_visit, 30, ARRAY[c.family],
  CASE WHEN last.step_id IS NOT NULL THEN 'reminder' ELSE 'organic' END, 'completed', last.step_id,
  tstzrange(c.next_visit, c.next_visit + interval '30 minutes'), c.booked_at, c.booked_at
FROM gen_cycles c
LEFT JOIN LATERAL (SELECT s.step_id FROM gen_steps s WHERE s.sequence_id = c.sequence_id
                     AND s.message_id IS NOT NULL AND s.due_at <= c.booked_at
                     AND s.due_at > c.booked_at - interval '7 days' ORDER BY s.no DESC LIMIT 1) last ON true
WHERE c.next_visit IS NOT NULL;

-- A return after the lapse checkpoint welcomed a lapsed client back.
INSERT INTO reactivations (practice_id, treatment_id, client_id, lapsed_at, returned_at)
SELECT :'p', n.treatment_id, c.client_id, s.due_at, c.next_visit
FROM gen_cycles c JOIN gen_steps s ON s.sequence_id = c.sequence_id AND s.key = 'lapse' AND s.state = 'done'
JOIN gen_visits n ON n.client_id = c.client_id AND n.performed_at = c.next_visit;

-- Loyalty: a welcome bonus, points on every visit, a redemption for one client in three; milestone perks.
INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, remaining, reason, created_at)
SELECT :'p', client_id, 'welcome', 50, 50, 'welcome', min(performed_at) FROM gen_visits GROUP BY client_id;
INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, remaining, reason, treatment_id, created_at)
SELECT :'p', client_id, 'earn', (price_cents * 0.6 / 100)::int, (price_cents * 0.6 / 100)::int, 'visit',
  treatment_id, performed_at
FROM gen_visits;
INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, reason, created_at)
SELECT :'p', client_id, 'redeem', -100, 'redeemed', max(performed_at) FROM gen_visits
GROUP BY client_id HAVING sum((price_cents * 0.6 / 100)::int) > 100 AND random() < 0.33;
INSERT INTO loyalty_accounts (practice_id, client_id, balance, joined_at)
SELECT :'p', client_id, sum(points), min(created_at) FROM loyalty_ledger WHERE practice_id = :'p' GROUP BY client_id;
INSERT INTO perks (practice_id, client_id, name, source, treatment_id, granted_at, expires_at, used_at)
SELECT :'p', client_id, 'milestone ' || (visit_no + 1), 'milestone', treatment_id, performed_at,
  performed_at + interval '90 days', CASE WHEN random() < 0.5 THEN performed_at + interval '10 days' END
FROM gen_visits WHERE visit_no + 1 IN (2, 4, 6);

SET session_replication_role = origin;
SELECT retention_rebuild(:'p');
-- The rebuild rewrote each row several times; compact it as a long-running table would be after autovacuum
-- (and VACUUM sets the visibility map the covering indexes' index-only scans rely on).
VACUUM FULL retention_visits;
VACUUM ANALYZE retention_visits;
ANALYZE;
SELECT (SELECT count(*) FROM clients WHERE practice_id = :'p') AS clients,
       (SELECT count(*) FROM treatments WHERE practice_id = :'p') AS treatments,
       (SELECT count(*) FROM steps WHERE practice_id = :'p') AS steps,
       (SELECT count(*) FROM messages WHERE practice_id = :'p') AS messages,
       (SELECT count(*) FROM bookings WHERE practice_id = :'p') AS bookings,
       (SELECT count(*) FROM loyalty_ledger WHERE practice_id = :'p') AS ledger;
