-- 0016_analytics: retention analytics and the weekly report.
--
-- retention_visits holds one row per visit and family (a visit with Botox and
-- lip filler is two rows): the cohort unit of every retention figure. Triggers
-- on the tables that feed it keep it exact in the writing transaction, so the
-- analytics read one narrow table instead of joining visits, items, sequences,
-- steps, messages and bookings for a million visits. Dates are the practice's
-- local dates, fixed when the fact happens.

ALTER TABLE practices ADD COLUMN report_alarm_percent int NOT NULL DEFAULT 65
  CHECK (report_alarm_percent BETWEEN 0 AND 100);

CREATE OR REPLACE FUNCTION practice_json(p practices) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'name', p.name, 'time_zone', p.time_zone, 'address', p.address,
    'parking_text', p.parking_text, 'check_in_text', p.check_in_text,
    'contact_text', p.contact_text, 'booking_url', p.booking_url, 'intake_url', p.intake_url,
    'sms_from', p.sms_from, 'email_from', p.email_from, 'report_email', p.report_email,
    'report_alarm_percent', p.report_alarm_percent,
    'quiet_hours', jsonb_build_object('start', to_char(p.quiet_start, 'HH24:MI'),
                                      'end', to_char(p.quiet_end, 'HH24:MI')),
    'send_time', to_char(p.send_time, 'HH24:MI'),
    'appearance_phrases', to_jsonb(p.appearance_phrases),
    'incentive_text', p.incentive_text,
    'sender_mode', p.sender_mode, 'paused', p.paused,
    'created_at', p.created_at, 'updated_at', p.updated_at)
$$;

CREATE TABLE retention_visits (
  practice_id     uuid NOT NULL,
  treatment_id    uuid NOT NULL,
  family          text NOT NULL,
  client_id       uuid NOT NULL,
  type_code       text NOT NULL,            -- the type of the visit's first item of the family
  injector_id     uuid,
  performed_at    timestamptz NOT NULL,
  visit_date      date NOT NULL,
  on_time_by      date NOT NULL,            -- visit_date + the type's window_days + 14
  revenue_cents   bigint NOT NULL,          -- the prices of the visit's items of the family
  eligible_cents  bigint NOT NULL DEFAULT 0,  -- of which on items that earn points (tier spend)
  primary_row     boolean NOT NULL DEFAULT false,  -- the family of the visit's first item: counts the visit once
  visit_eligible  boolean NOT NULL DEFAULT false,  -- the visit has an item that earns points (tier visits)
  refunded        boolean NOT NULL DEFAULT false,
  is_return       boolean NOT NULL DEFAULT false,  -- the client had an earlier visit of the family
  returned_on     date,                     -- the client's next visit of the family
  rebooked_on     date,                     -- that visit, or an earlier booking naming the family (or none)
  reminder_booked boolean NOT NULL DEFAULT false,  -- booked for this day by a booking a reminder brought
  step1_date      date,                     -- the refill cycle's step 1; null: the visit started no cycle
  rebook_by       date,                     -- step1_date + 90
  s1_sent_on      date,
  s2_sent_on      date,
  s2_incentive    boolean NOT NULL DEFAULT false,
  s3_sent_on      date,
  responded_step  smallint,                 -- the step a booking made within 5 days of it is attributed to
  lapsed_on       date,                     -- the lapse checkpoint of the cycle tagged the client lapsed
  reactivated     boolean NOT NULL DEFAULT false,  -- the visit welcomed back a lapsed client
  PRIMARY KEY (practice_id, treatment_id, family)
);
CREATE INDEX retention_visits_client ON retention_visits (practice_id, client_id, family, performed_at);

-- Recomputes what links the visits of client c: the next visit of the family, the first booking after
-- each visit, and whether a reminder's booking brought the visit. A client has a handful of rows.
-- Locks come in one order everywhere (the client's rows by key) so that a booking's relink and the
-- dispatcher's sent-message update of the same client never deadlock.
CREATE FUNCTION retention_relink(p uuid, c uuid) RETURNS void LANGUAGE sql AS $$
  SELECT 1 FROM retention_visits WHERE practice_id = p AND client_id = c ORDER BY treatment_id, family FOR UPDATE;
  WITH tz AS (SELECT time_zone AS z FROM practices WHERE id = p),
  v AS (SELECT r.treatment_id, r.family, r.performed_at,
          lead(r.performed_at) OVER w AS next_visit, lag(r.performed_at) OVER w AS prev_visit
        FROM retention_visits r WHERE r.practice_id = p AND r.client_id = c AND NOT r.refunded
        WINDOW w AS (PARTITION BY r.family ORDER BY r.performed_at, r.treatment_id)),
  b AS (SELECT b.created_at, b.starts_at, b.families, b.caused_by_step IS NOT NULL AS by_reminder
        FROM bookings b WHERE b.practice_id = p AND b.client_id = c AND b.state <> 'cancelled'),
  x AS (SELECT v.*,
          (SELECT min(b.created_at) FROM b WHERE b.created_at > v.performed_at
             AND (cardinality(b.families) = 0 OR v.family = ANY(b.families))) AS next_booking,
          EXISTS (SELECT 1 FROM b, tz WHERE b.by_reminder
             AND (cardinality(b.families) = 0 OR v.family = ANY(b.families))
             AND (b.starts_at AT TIME ZONE tz.z)::date = (v.performed_at AT TIME ZONE tz.z)::date) AS by_reminder
        FROM v)
  UPDATE retention_visits r SET is_return = x.prev_visit IS NOT NULL,
    returned_on = (x.next_visit AT TIME ZONE tz.z)::date,
    rebooked_on = (least(x.next_visit, x.next_booking) AT TIME ZONE tz.z)::date,
    reminder_booked = x.by_reminder
  FROM x, tz
  WHERE r.practice_id = p AND r.treatment_id = x.treatment_id AND r.family = x.family
    AND (r.is_return, r.returned_on, r.rebooked_on, r.reminder_booked) IS DISTINCT FROM
        (x.prev_visit IS NOT NULL, (x.next_visit AT TIME ZONE tz.z)::date,
         (least(x.next_visit, x.next_booking) AT TIME ZONE tz.z)::date, x.by_reminder)
$$;

CREATE FUNCTION retention_on_item() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  inserted boolean;
  c uuid;
BEGIN
  INSERT INTO retention_visits AS r (practice_id, treatment_id, family, client_id, type_code, injector_id,
    performed_at, visit_date, on_time_by, revenue_cents, eligible_cents, primary_row, visit_eligible, refunded)
  SELECT NEW.practice_id, NEW.treatment_id, NEW.family, t.client_id, NEW.type_code, t.injector_id, t.performed_at,
    (t.performed_at AT TIME ZONE p.time_zone)::date,
    (t.performed_at AT TIME ZONE p.time_zone)::date + coalesce(tt.window_days, 84) + 14,
    NEW.price_cents, CASE WHEN NEW.points_eligible THEN NEW.price_cents ELSE 0 END, NEW.item_no = 1,
    NEW.points_eligible OR EXISTS (SELECT 1 FROM retention_visits o WHERE o.practice_id = NEW.practice_id
                                     AND o.treatment_id = NEW.treatment_id AND o.visit_eligible),
    t.refunded_at IS NOT NULL
  FROM treatments t JOIN practices p ON p.id = t.practice_id
  LEFT JOIN treatment_types tt ON tt.practice_id = NEW.practice_id AND tt.code = NEW.type_code
  WHERE t.practice_id = NEW.practice_id AND t.id = NEW.treatment_id
  ON CONFLICT (practice_id, treatment_id, family) DO UPDATE SET revenue_cents = r.revenue_cents + excluded.revenue_cents,
    eligible_cents = r.eligible_cents + excluded.eligible_cents
  RETURNING xmax = 0, r.client_id INTO inserted, c;
  -- A later item that earns points makes the visit eligible on the rows of its earlier families too.
  IF NEW.points_eligible AND NEW.item_no > 1 THEN
    UPDATE retention_visits SET visit_eligible = true
    WHERE practice_id = NEW.practice_id AND treatment_id = NEW.treatment_id AND NOT visit_eligible;
  END IF;
  IF inserted THEN
    PERFORM retention_relink(NEW.practice_id, c);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER retention_on_item AFTER INSERT ON treatment_items
  FOR EACH ROW EXECUTE FUNCTION retention_on_item();

CREATE FUNCTION retention_on_refund() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A refunded visit counts nowhere and links to nothing (relink skips it; the others relink around it).
  UPDATE retention_visits SET refunded = NEW.refunded_at IS NOT NULL, is_return = false, returned_on = NULL,
    rebooked_on = NULL, reminder_booked = false
  WHERE practice_id = NEW.practice_id AND treatment_id = NEW.id;
  PERFORM retention_relink(NEW.practice_id, NEW.client_id);
  RETURN NULL;
END $$;
CREATE TRIGGER retention_on_refund AFTER UPDATE OF refunded_at ON treatments
  FOR EACH ROW WHEN (OLD.refunded_at IS DISTINCT FROM NEW.refunded_at) EXECUTE FUNCTION retention_on_refund();

-- A booking rebooks; one that a reminder brought within 5 days of the step's message is its response.
CREATE FUNCTION retention_on_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM retention_relink(NEW.practice_id, NEW.client_id);
  IF TG_OP = 'INSERT' AND NEW.caused_by_step IS NOT NULL THEN
    UPDATE retention_visits r SET responded_step = right(st.step_key, 1)::smallint
    FROM steps st JOIN sequences s ON s.practice_id = st.practice_id AND s.id = st.sequence_id
    JOIN messages m ON m.practice_id = st.practice_id AND m.id = st.message_id
    WHERE st.practice_id = NEW.practice_id AND st.id = NEW.caused_by_step AND s.kind = 'refill'
      AND st.step_key IN ('refill_1', 'refill_2', 'refill_3') AND NEW.created_at <= m.sent_at + interval '5 days'
      AND r.practice_id = s.practice_id AND r.treatment_id = s.treatment_id AND r.family = s.family
      AND r.responded_step IS NULL;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER retention_on_booking AFTER INSERT ON bookings
  FOR EACH ROW EXECUTE FUNCTION retention_on_booking();
CREATE TRIGGER retention_on_booking_change AFTER UPDATE OF state, starts_at, families ON bookings
  FOR EACH ROW WHEN ((OLD.state, OLD.starts_at, OLD.families) IS DISTINCT FROM (NEW.state, NEW.starts_at, NEW.families))
  EXECUTE FUNCTION retention_on_booking();

CREATE FUNCTION retention_on_step1() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE retention_visits r SET step1_date = NEW.planned_date, rebook_by = NEW.planned_date + 90
  FROM sequences s
  WHERE s.practice_id = NEW.practice_id AND s.id = NEW.sequence_id AND s.kind = 'refill'
    AND r.practice_id = s.practice_id AND r.treatment_id = s.treatment_id AND r.family = s.family;
  RETURN NULL;
END $$;
CREATE TRIGGER retention_on_step1 AFTER INSERT ON steps
  FOR EACH ROW WHEN (NEW.step_key = 'refill_1') EXECUTE FUNCTION retention_on_step1();

CREATE FUNCTION retention_on_lapse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE retention_visits r SET lapsed_on = (now() AT TIME ZONE p.time_zone)::date
  FROM sequences s, practices p
  WHERE s.practice_id = NEW.practice_id AND s.id = NEW.sequence_id AND p.id = NEW.practice_id
    AND r.practice_id = s.practice_id AND r.treatment_id = s.treatment_id AND r.family = s.family;
  RETURN NULL;
END $$;
CREATE TRIGGER retention_on_lapse AFTER UPDATE OF state ON steps
  FOR EACH ROW WHEN (NEW.step_key = 'lapse' AND NEW.state = 'done' AND OLD.state <> 'done')
  EXECUTE FUNCTION retention_on_lapse();

-- retention_on_sent finds a sent message's steps by message_id.
CREATE INDEX steps_message ON steps (practice_id, message_id) WHERE message_id IS NOT NULL;

CREATE FUNCTION retention_on_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM retention_visits r JOIN sequences s ON r.practice_id = s.practice_id
    AND r.treatment_id = s.treatment_id AND r.family = s.family
  JOIN steps st ON st.practice_id = s.practice_id AND st.sequence_id = s.id
  WHERE st.practice_id = NEW.practice_id AND st.message_id = NEW.id AND s.kind = 'refill'
  ORDER BY r.treatment_id, r.family FOR UPDATE OF r;
  UPDATE retention_visits r SET
    s1_sent_on = CASE WHEN st.step_key = 'refill_1' THEN coalesce(r.s1_sent_on, d.day) ELSE r.s1_sent_on END,
    s2_sent_on = CASE WHEN st.step_key = 'refill_2' THEN coalesce(r.s2_sent_on, d.day) ELSE r.s2_sent_on END,
    s2_incentive = CASE WHEN st.step_key = 'refill_2' THEN st.incentive ELSE r.s2_incentive END,
    s3_sent_on = CASE WHEN st.step_key = 'refill_3' THEN coalesce(r.s3_sent_on, d.day) ELSE r.s3_sent_on END
  FROM steps st JOIN sequences s ON s.practice_id = st.practice_id AND s.id = st.sequence_id,
    (SELECT (NEW.sent_at AT TIME ZONE time_zone)::date AS day FROM practices WHERE id = NEW.practice_id) d
  WHERE st.practice_id = NEW.practice_id AND st.message_id = NEW.id AND s.kind = 'refill'
    AND st.step_key IN ('refill_1', 'refill_2', 'refill_3')
    AND r.practice_id = s.practice_id AND r.treatment_id = s.treatment_id AND r.family = s.family;
  RETURN NULL;
END $$;
CREATE TRIGGER retention_on_sent AFTER UPDATE OF state ON messages
  FOR EACH ROW WHEN (NEW.state = 'sent' AND OLD.state <> 'sent') EXECUTE FUNCTION retention_on_sent();

CREATE FUNCTION retention_on_reactivation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE retention_visits SET reactivated = true WHERE practice_id = NEW.practice_id AND treatment_id = NEW.treatment_id;
  RETURN NULL;
END $$;
CREATE TRIGGER retention_on_reactivation AFTER INSERT ON reactivations
  FOR EACH ROW EXECUTE FUNCTION retention_on_reactivation();

-- Builds practice p's rows from scratch, set-based: for the data that existed before this migration
-- and for bulk loads made with triggers off (the benchmark's generator).
CREATE FUNCTION retention_rebuild(p uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  z text := (SELECT time_zone FROM practices WHERE id = p);
BEGIN
  DELETE FROM retention_visits WHERE practice_id = p;
  INSERT INTO retention_visits (practice_id, treatment_id, family, client_id, type_code, injector_id, performed_at,
    visit_date, on_time_by, revenue_cents, eligible_cents, primary_row, refunded)
  SELECT p, t.id, i.family, t.client_id, (array_agg(i.type_code ORDER BY i.item_no))[1], t.injector_id,
    t.performed_at, (t.performed_at AT TIME ZONE z)::date,
    (t.performed_at AT TIME ZONE z)::date + coalesce((array_agg(tt.window_days ORDER BY i.item_no))[1], 84) + 14,
    sum(i.price_cents), coalesce(sum(i.price_cents) FILTER (WHERE i.points_eligible), 0), min(i.item_no) = 1,
    t.refunded_at IS NOT NULL
  FROM treatments t JOIN treatment_items i ON i.practice_id = t.practice_id AND i.treatment_id = t.id
  LEFT JOIN treatment_types tt ON tt.practice_id = p AND tt.code = i.type_code
  WHERE t.practice_id = p GROUP BY t.practice_id, t.id, i.family;

  UPDATE retention_visits r SET visit_eligible = true
  FROM treatment_items i WHERE i.practice_id = p AND i.points_eligible AND r.practice_id = p
    AND r.treatment_id = i.treatment_id AND NOT r.visit_eligible;

  UPDATE retention_visits r SET step1_date = st.planned_date, rebook_by = st.planned_date + 90
  FROM sequences s JOIN steps st ON st.practice_id = s.practice_id AND st.sequence_id = s.id AND st.step_key = 'refill_1'
  WHERE s.practice_id = p AND s.kind = 'refill' AND r.practice_id = p AND r.treatment_id = s.treatment_id
    AND r.family = s.family;

  UPDATE retention_visits r SET s1_sent_on = x.s1, s2_sent_on = x.s2, s2_incentive = x.inc, s3_sent_on = x.s3,
    lapsed_on = x.lapse
  FROM (SELECT s.treatment_id, s.family,
          min((m.sent_at AT TIME ZONE z)::date) FILTER (WHERE st.step_key = 'refill_1' AND m.state = 'sent') AS s1,
          min((m.sent_at AT TIME ZONE z)::date) FILTER (WHERE st.step_key = 'refill_2' AND m.state = 'sent') AS s2,
          coalesce(bool_or(st.incentive) FILTER (WHERE st.step_key = 'refill_2' AND m.state = 'sent'), false) AS inc,
          min((m.sent_at AT TIME ZONE z)::date) FILTER (WHERE st.step_key = 'refill_3' AND m.state = 'sent') AS s3,
          min((st.updated_at AT TIME ZONE z)::date) FILTER (WHERE st.step_key = 'lapse' AND st.state = 'done') AS lapse
        FROM sequences s JOIN steps st ON st.practice_id = s.practice_id AND st.sequence_id = s.id
        LEFT JOIN messages m ON m.practice_id = st.practice_id AND m.id = st.message_id
        WHERE s.practice_id = p AND s.kind = 'refill' GROUP BY s.treatment_id, s.family) x
  WHERE r.practice_id = p AND r.treatment_id = x.treatment_id AND r.family = x.family;

  UPDATE retention_visits r SET responded_step = x.step_no
  FROM (SELECT DISTINCT ON (s.treatment_id, s.family) s.treatment_id, s.family, right(st.step_key, 1)::smallint AS step_no
        FROM bookings b JOIN steps st ON st.practice_id = b.practice_id AND st.id = b.caused_by_step
        JOIN sequences s ON s.practice_id = st.practice_id AND s.id = st.sequence_id
        JOIN messages m ON m.practice_id = st.practice_id AND m.id = st.message_id
        WHERE b.practice_id = p AND s.kind = 'refill' AND st.step_key IN ('refill_1', 'refill_2', 'refill_3')
          AND b.created_at <= m.sent_at + interval '5 days'
        ORDER BY s.treatment_id, s.family, b.created_at) x
  WHERE r.practice_id = p AND r.treatment_id = x.treatment_id AND r.family = x.family;

  UPDATE retention_visits r SET reactivated = true FROM reactivations x
  WHERE x.practice_id = p AND r.practice_id = p AND r.treatment_id = x.treatment_id;

  -- The links, as retention_relink computes them, for every client at once.
  WITH v AS (SELECT r.treatment_id, r.family, r.client_id, r.performed_at,
               lead(r.performed_at) OVER w AS next_visit, lag(r.performed_at) OVER w AS prev_visit
             FROM retention_visits r WHERE r.practice_id = p AND NOT r.refunded
             WINDOW w AS (PARTITION BY r.client_id, r.family ORDER BY r.performed_at, r.treatment_id)),
  x AS (SELECT v.*,
          (SELECT min(b.created_at) FROM bookings b WHERE b.practice_id = p AND b.client_id = v.client_id
             AND b.state <> 'cancelled' AND b.created_at > v.performed_at
             AND (cardinality(b.families) = 0 OR v.family = ANY(b.families))) AS next_booking,
          EXISTS (SELECT 1 FROM bookings b WHERE b.practice_id = p AND b.client_id = v.client_id
             AND b.state <> 'cancelled' AND b.caused_by_step IS NOT NULL
             AND (cardinality(b.families) = 0 OR v.family = ANY(b.families))
             AND (b.starts_at AT TIME ZONE z)::date = (v.performed_at AT TIME ZONE z)::date) AS by_reminder
        FROM v)
  UPDATE retention_visits r SET is_return = x.prev_visit IS NOT NULL,
    returned_on = (x.next_visit AT TIME ZONE z)::date,
    rebooked_on = (least(x.next_visit, x.next_booking) AT TIME ZONE z)::date,
    reminder_booked = x.by_reminder
  FROM x WHERE r.practice_id = p AND r.treatment_id = x.treatment_id AND r.family = x.family;
END $$;

SELECT retention_rebuild(id) FROM practices;

CREATE TABLE analytics_reports (
  practice_id  uuid NOT NULL REFERENCES practices(id),
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  week_start   date NOT NULL,            -- a Monday, in the practice's zone
  body         jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  email_state  text NOT NULL DEFAULT 'none'
               CHECK (email_state IN ('none', 'pending', 'sending', 'sent', 'failed')),
  email_error  text,
  emailed_at   timestamptz,
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, week_start)
);

CREATE FUNCTION report_json(r analytics_reports) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT r.body || jsonb_build_object('id', r.id, 'week_start', r.week_start, 'created_at', r.created_at,
    'email', jsonb_build_object('state', r.email_state, 'error', r.email_error, 'sent_at', CASE WHEN r.email_state = 'sent' THEN r.emailed_at END))
$$;

-- Lapses and reactivations are a small share of the rows: these covering indexes answer their distinct
-- clients without reading the table.
CREATE INDEX retention_visits_lapsed ON retention_visits (practice_id, lapsed_on)
  INCLUDE (client_id, type_code, injector_id, refunded) WHERE lapsed_on IS NOT NULL;
CREATE INDEX retention_visits_reactivated ON retention_visits (practice_id, visit_date)
  INCLUDE (client_id, type_code, injector_id, refunded) WHERE reactivated;

-- The retention figures of practice p for the local dates d0..d1 (both included). Each figure is placed in
-- the period by its own date (README, "Retention analytics"): a visit by its date, a 90-day rebook window
-- and an on-time window by the day they close (only windows closed before today count), a step by the day
-- its message was sent, a lapse by its day. Optionally one type (t) and one injector (inj); grouped by
-- g = 'type' or 'month' (of each figure's own date) with a last row 'all', or just the row 'all'.
--
-- One parallel pass over the practice's rows groups them by where each of their dates falls (its month, or
-- just "in the period") and by their days to rebook; the groups are few (thousands), and every figure is a
-- sum over them, the median included (from the days' histogram). The distinct clients lapsed and
-- reactivated come from their indexes.
CREATE FUNCTION retention_figures(p uuid, d0 date, d1 date, t text, inj uuid, g text)
RETURNS TABLE (grp text, figures jsonb) LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '64MB' AS $f$
DECLARE
  closed date := least(d1, (SELECT (now() AT TIME ZONE time_zone)::date - 1 FROM practices WHERE id = p));
BEGIN
  -- EXECUTE plans with this call's values ($1 p, $2 d0, $3 d1, $4 t, $5 inj, $6 g, $7 closed): a generic
  -- plan misjudges how many of a large practice's rows fall in the period and sorts where it should hash.
  RETURN QUERY EXECUTE $q$
  WITH rows_ AS (  -- the rows, with each of their dates that falls in the period (null outside)
    SELECT r.*,
      CASE WHEN $6 = 'type' THEN r.type_code END AS typ,
      CASE WHEN r.visit_date BETWEEN $2 AND $3 THEN r.visit_date END AS v_d,
      CASE WHEN r.rebook_by BETWEEN $2 AND $7 THEN r.rebook_by END AS rb_d,
      CASE WHEN r.on_time_by BETWEEN $2 AND $7 AND r.step1_date IS NOT NULL THEN r.on_time_by END AS ot_d,
      CASE WHEN r.s1_sent_on BETWEEN $2 AND $3 THEN r.s1_sent_on END AS s1_d,
      CASE WHEN r.s2_sent_on BETWEEN $2 AND $3 THEN r.s2_sent_on END AS s2_d,
      CASE WHEN r.s3_sent_on BETWEEN $2 AND $3 THEN r.s3_sent_on END AS s3_d
    FROM retention_visits r
    WHERE r.practice_id = $1 AND NOT r.refunded AND ($4 IS NULL OR r.type_code = $4)
      AND ($5 IS NULL OR r.injector_id = $5)),
  grouped AS (
    SELECT typ,
      CASE WHEN $6 = 'month' THEN date_trunc('month', v_d)::date ELSE v_d - v_d + $2 END AS k_visit,
      CASE WHEN $6 = 'month' THEN date_trunc('month', rb_d)::date ELSE rb_d - rb_d + $2 END AS k_rebook,
      CASE WHEN $6 = 'month' THEN date_trunc('month', ot_d)::date ELSE ot_d - ot_d + $2 END AS k_on_time,
      CASE WHEN $6 = 'month' THEN date_trunc('month', s1_d)::date ELSE s1_d - s1_d + $2 END AS k_s1,
      CASE WHEN $6 = 'month' THEN date_trunc('month', s2_d)::date ELSE s2_d - s2_d + $2 END AS k_s2,
      CASE WHEN $6 = 'month' THEN date_trunc('month', s3_d)::date ELSE s3_d - s3_d + $2 END AS k_s3,
      CASE WHEN rb_d IS NOT NULL AND rebooked_on <= rebook_by THEN rebooked_on - visit_date END AS days,
      count(*) AS n,
      count(*) FILTER (WHERE step1_date IS NOT NULL) AS n_cycle,
      count(*) FILTER (WHERE returned_on <= on_time_by) AS n_on_time,
      count(*) FILTER (WHERE responded_step = 1) AS n_resp1,
      count(*) FILTER (WHERE s2_incentive) AS n_inc,
      count(*) FILTER (WHERE s2_incentive AND responded_step = 2) AS n_inc_resp2,
      count(*) FILTER (WHERE NOT s2_incentive AND responded_step = 2) AS n_plain_resp2,
      count(*) FILTER (WHERE responded_step = 3) AS n_resp3,
      count(*) FILTER (WHERE is_return AND reminder_booked) AS n_rem,
      count(*) FILTER (WHERE is_return AND NOT reminder_booked) AS n_org,
      coalesce(sum(revenue_cents) FILTER (WHERE is_return AND reminder_booked), 0) AS rev_rem,
      coalesce(sum(revenue_cents) FILTER (WHERE is_return AND NOT reminder_booked), 0) AS rev_org,
      coalesce(sum(revenue_cents) FILTER (WHERE NOT is_return), 0) AS rev_first
    FROM rows_
    WHERE v_d IS NOT NULL OR rb_d IS NOT NULL OR ot_d IS NOT NULL OR s1_d IS NOT NULL OR s2_d IS NOT NULL
      OR s3_d IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8),
  ev AS (  -- each group once for each of its dates in the period, under that date's key
    SELECT CASE $6 WHEN 'type' THEN gr.typ WHEN 'month' THEN to_char(x.k, 'YYYY-MM') ELSE 'all' END AS key,
      x.kind, gr.*
    FROM grouped gr CROSS JOIN LATERAL (VALUES (1, gr.k_visit), (2, gr.k_rebook), (3, gr.k_on_time),
      (4, gr.k_s1), (5, gr.k_s2), (6, gr.k_s3)) AS x(kind, k)
    WHERE x.k IS NOT NULL),
  a AS (
    SELECT grouping(key) = 1 AS total, key,
      coalesce(sum(n_cycle) FILTER (WHERE kind = 1), 0) AS cohort_size,
      coalesce(sum(n) FILTER (WHERE kind = 2), 0) AS rebook_due,
      coalesce(sum(n) FILTER (WHERE kind = 2 AND days IS NOT NULL), 0) AS rebooked_90d,
      sum(n * days) FILTER (WHERE kind = 2) AS days_sum,
      coalesce(sum(n) FILTER (WHERE kind = 3), 0) AS on_time_due,
      coalesce(sum(n_on_time) FILTER (WHERE kind = 3), 0) AS on_time_returns,
      coalesce(sum(n) FILTER (WHERE kind = 4), 0) AS s1, coalesce(sum(n_resp1) FILTER (WHERE kind = 4), 0) AS s1b,
      coalesce(sum(n_inc) FILTER (WHERE kind = 5), 0) AS s2i,
      coalesce(sum(n_inc_resp2) FILTER (WHERE kind = 5), 0) AS s2ib,
      coalesce(sum(n - n_inc) FILTER (WHERE kind = 5), 0) AS s2p,
      coalesce(sum(n_plain_resp2) FILTER (WHERE kind = 5), 0) AS s2pb,
      coalesce(sum(n) FILTER (WHERE kind = 6), 0) AS s3, coalesce(sum(n_resp3) FILTER (WHERE kind = 6), 0) AS s3b,
      coalesce(sum(n_rem) FILTER (WHERE kind = 1), 0) AS rebook_rem,
      coalesce(sum(n_org) FILTER (WHERE kind = 1), 0) AS rebook_org,
      coalesce(sum(rev_rem) FILTER (WHERE kind = 1), 0) AS rev_rem,
      coalesce(sum(rev_org) FILTER (WHERE kind = 1), 0) AS rev_org,
      coalesce(sum(rev_first) FILTER (WHERE kind = 1), 0) AS rev_first
    FROM ev GROUP BY ROLLUP (key)),
  hist AS (  -- days to rebook: how many rebooked after each number of days, per key and in all
    SELECT key, days, sum(n) AS n FROM ev WHERE kind = 2 AND days IS NOT NULL GROUP BY key, days
    UNION ALL
    SELECT NULL, days, sum(n) FROM ev WHERE kind = 2 AND days IS NOT NULL GROUP BY days),
  med AS (  -- the median as percentile_cont(0.5): the middle value, or the mean of the two middle ones
    SELECT key, (min(days) FILTER (WHERE cum >= div(total + 1, 2)) + min(days) FILTER (WHERE cum >= div(total, 2) + 1))
      / 2.0 AS median
    FROM (SELECT key, days, sum(n) OVER (PARTITION BY key ORDER BY days) AS cum,
            sum(n) OVER (PARTITION BY key) AS total FROM hist) h
    GROUP BY key),
  lapsed AS (  -- distinct clients, from their own small index
    SELECT grouping(key) = 1 AS total, key, count(DISTINCT client_id) AS n
    FROM (SELECT DISTINCT
            CASE $6 WHEN 'type' THEN type_code WHEN 'month' THEN to_char(lapsed_on, 'YYYY-MM') ELSE 'all' END AS key,
            client_id
          FROM retention_visits WHERE practice_id = $1 AND lapsed_on BETWEEN $2 AND $3 AND NOT refunded
            AND ($4 IS NULL OR type_code = $4) AND ($5 IS NULL OR injector_id = $5)) l
    GROUP BY ROLLUP (key)),
  back AS (
    SELECT grouping(key) = 1 AS total, key, count(DISTINCT client_id) AS n
    FROM (SELECT DISTINCT
            CASE $6 WHEN 'type' THEN type_code WHEN 'month' THEN to_char(visit_date, 'YYYY-MM') ELSE 'all' END AS key,
            client_id
          FROM retention_visits WHERE practice_id = $1 AND reactivated AND visit_date BETWEEN $2 AND $3
            AND NOT refunded AND ($4 IS NULL OR type_code = $4) AND ($5 IS NULL OR injector_id = $5)) b
    GROUP BY ROLLUP (key)),
  keys AS (
    SELECT total, key FROM a UNION SELECT total, key FROM lapsed UNION SELECT total, key FROM back)
  SELECT CASE WHEN k.total THEN 'all' ELSE k.key END, jsonb_build_object(
    'group', CASE WHEN k.total THEN 'all' ELSE k.key END,
    'cohort_size', coalesce(a.cohort_size, 0),
    'rebook_due', coalesce(a.rebook_due, 0), 'rebooked_90d', coalesce(a.rebooked_90d, 0),
    'rebook_rate_90d', round(a.rebooked_90d / nullif(a.rebook_due, 0), 4),
    'on_time_due', coalesce(a.on_time_due, 0), 'on_time_returns', coalesce(a.on_time_returns, 0),
    'on_time_return_rate', round(a.on_time_returns / nullif(a.on_time_due, 0), 4),
    'avg_days_to_rebook', round(a.days_sum / nullif(a.rebooked_90d, 0), 1),
    'median_days_to_rebook', round(m.median, 1),
    'step1_sent', coalesce(a.s1, 0), 'step1_bookings', coalesce(a.s1b, 0),
    'step1_response_rate', round(a.s1b / nullif(a.s1, 0), 4),
    'step2_incentive_sent', coalesce(a.s2i, 0), 'step2_incentive_bookings', coalesce(a.s2ib, 0),
    'step2_incentive_response_rate', round(a.s2ib / nullif(a.s2i, 0), 4),
    'step2_plain_sent', coalesce(a.s2p, 0), 'step2_plain_bookings', coalesce(a.s2pb, 0),
    'step2_plain_response_rate', round(a.s2pb / nullif(a.s2p, 0), 4),
    'step3_sent', coalesce(a.s3, 0), 'step3_bookings', coalesce(a.s3b, 0),
    'step3_response_rate', round(a.s3b / nullif(a.s3, 0), 4),
    'rebookings_reminder', coalesce(a.rebook_rem, 0), 'rebookings_organic', coalesce(a.rebook_org, 0),
    'revenue_reminder_cents', coalesce(a.rev_rem, 0), 'revenue_organic_cents', coalesce(a.rev_org, 0),
    'revenue_first_visit_cents', coalesce(a.rev_first, 0),
    'lapsed_clients', coalesce(l.n, 0), 'reactivated_clients', coalesce(b.n, 0))
  FROM keys k
  LEFT JOIN a ON a.total = k.total AND a.key IS NOT DISTINCT FROM k.key
  LEFT JOIN med m ON m.key IS NOT DISTINCT FROM CASE WHEN k.total THEN NULL ELSE k.key END
  LEFT JOIN lapsed l ON l.total = k.total AND l.key IS NOT DISTINCT FROM k.key
  LEFT JOIN back b ON b.total = k.total AND b.key IS NOT DISTINCT FROM k.key
  WHERE k.total OR $6 IS NOT NULL
  ORDER BY k.total, k.key
  $q$ USING p, d0, d1, t, inj, g, closed;
END $f$;

-- The loyalty program's figures for practice p: members by tier (as the points engine computes tiers:
-- visits or spend on eligible items in the last 12 months), lifetime value (every visit not refunded),
-- active members (a visit in the last 180 days) and dormant ones, the points outstanding and their value,
-- and, for the local dates d0..d1, perks granted and used and visits with the two-week safety check.
CREATE FUNCTION loyalty_figures(p uuid, d0 date, d1 date) RETURNS jsonb LANGUAGE sql STABLE
SET jit = off SET work_mem = '64MB' AS $$
  WITH s AS (SELECT loyalty_settings(p) AS v, (SELECT time_zone FROM practices WHERE id = p) AS z),
  tiers AS (SELECT (x.o - 1)::int AS i, x.t->>'name' AS name, (x.t->>'min_visits')::int AS min_visits,
              (x.t->>'min_spend_cents')::bigint AS min_spend
            FROM s, jsonb_array_elements(s.v->'tiers') WITH ORDINALITY x(t, o)),
  clients_ AS (  -- per client: lifetime value, last visit, and the 12 months the tier counts
    SELECT client_id, sum(revenue_cents) AS value, max(performed_at) AS last_visit,
      count(*) FILTER (WHERE primary_row AND visit_eligible AND performed_at > now() - interval '12 months') AS visits,
      coalesce(sum(eligible_cents) FILTER (WHERE performed_at > now() - interval '12 months'), 0) AS spend
    FROM retention_visits WHERE practice_id = p AND NOT refunded GROUP BY client_id),
  m AS (
    SELECT a.balance, a.debt, coalesce(c.value, 0) AS value,
      coalesce(c.last_visit > now() - interval '180 days', false) AS active,
      (SELECT max(t.i) FROM tiers t WHERE t.i = 0 OR coalesce(c.visits, 0) >= t.min_visits
         OR (t.min_spend > 0 AND coalesce(c.spend, 0) >= t.min_spend)) AS tier
    FROM loyalty_accounts a LEFT JOIN clients_ c ON c.client_id = a.client_id WHERE a.practice_id = p),
  by_tier AS (SELECT tier, count(*) AS members, count(*) FILTER (WHERE active) AS active, round(avg(value)) AS ltv
              FROM m GROUP BY tier),
  totals AS (SELECT count(*) AS members, count(*) FILTER (WHERE active) AS active,
               coalesce(sum(balance), 0) AS balance, coalesce(sum(debt), 0) AS debt FROM m),
  period AS (SELECT local_instant(d0, '00:00', s.z) AS t0, local_instant(d1 + 1, '00:00', s.z) AS t1 FROM s),
  perk_rows AS (SELECT k.source,
                  count(*) FILTER (WHERE k.granted_at >= period.t0 AND k.granted_at < period.t1) AS granted,
                  count(*) FILTER (WHERE k.used_at >= period.t0 AND k.used_at < period.t1) AS used
                FROM perks k, period WHERE k.practice_id = p
                  AND ((k.granted_at >= period.t0 AND k.granted_at < period.t1)
                       OR (k.used_at >= period.t0 AND k.used_at < period.t1))
                GROUP BY k.source),
  visits AS (SELECT count(*) AS n, count(*) FILTER (WHERE 'safety_check' = ANY(t.behaviours)) AS checked
             FROM treatments t, period WHERE t.practice_id = p AND t.refunded_at IS NULL
               AND t.performed_at >= period.t0 AND t.performed_at < period.t1)
  SELECT jsonb_build_object(
    'from', d0, 'to', d1,
    'members', totals.members, 'active_members', totals.active, 'dormant_members', totals.members - totals.active,
    'tiers', (SELECT coalesce(jsonb_agg(jsonb_build_object('tier', t.name, 'members', coalesce(b.members, 0),
                'active_members', coalesce(b.active, 0), 'average_lifetime_value_cents', b.ltv) ORDER BY t.i), '[]')
              FROM tiers t LEFT JOIN by_tier b ON b.tier = t.i),
    'points_outstanding', totals.balance,
    'points_liability_cents', round(totals.balance * (SELECT (v->>'point_value_cents')::numeric FROM s)),
    'points_debt', totals.debt,
    'perks', (SELECT coalesce(jsonb_agg(jsonb_build_object('source', source, 'granted', granted, 'used', used)
               ORDER BY source), '[]') FROM perk_rows),
    'perks_granted', (SELECT coalesce(sum(granted), 0) FROM perk_rows),
    'perks_used', (SELECT coalesce(sum(used), 0) FROM perk_rows),
    'visits', visits.n, 'safety_check_visits', visits.checked,
    'safety_check_rate', round(visits.checked::numeric / nullif(visits.n, 0), 4))
  FROM totals, visits
$$;
