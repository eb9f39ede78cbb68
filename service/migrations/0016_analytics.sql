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
    performed_at, visit_date, on_time_by, revenue_cents, refunded)
  SELECT NEW.practice_id, NEW.treatment_id, NEW.family, t.client_id, NEW.type_code, t.injector_id, t.performed_at,
    (t.performed_at AT TIME ZONE p.time_zone)::date,
    (t.performed_at AT TIME ZONE p.time_zone)::date + coalesce(tt.window_days, 84) + 14,
    NEW.price_cents, t.refunded_at IS NOT NULL
  FROM treatments t JOIN practices p ON p.id = t.practice_id
  LEFT JOIN treatment_types tt ON tt.practice_id = NEW.practice_id AND tt.code = NEW.type_code
  WHERE t.practice_id = NEW.practice_id AND t.id = NEW.treatment_id
  ON CONFLICT (practice_id, treatment_id, family) DO UPDATE SET revenue_cents = r.revenue_cents + excluded.revenue_cents
  RETURNING xmax = 0, r.client_id INTO inserted, c;
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
CREATE TRIGGER retention_on_booking AFTER INSERT OR UPDATE OF state, starts_at, families ON bookings
  FOR EACH ROW EXECUTE FUNCTION retention_on_booking();

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

-- The dispatcher finds a message's steps by message_id.
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
    visit_date, on_time_by, revenue_cents, refunded)
  SELECT p, t.id, i.family, t.client_id, (array_agg(i.type_code ORDER BY i.item_no))[1], t.injector_id,
    t.performed_at, (t.performed_at AT TIME ZONE z)::date,
    (t.performed_at AT TIME ZONE z)::date + coalesce((array_agg(tt.window_days ORDER BY i.item_no))[1], 84) + 14,
    sum(i.price_cents), t.refunded_at IS NOT NULL
  FROM treatments t JOIN treatment_items i ON i.practice_id = t.practice_id AND i.treatment_id = t.id
  LEFT JOIN treatment_types tt ON tt.practice_id = p AND tt.code = i.type_code
  WHERE t.practice_id = p GROUP BY t.practice_id, t.id, i.family;

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
  alarm        boolean NOT NULL,
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

-- The retention figures of practice p for the local dates d0..d1 (both included). Each figure is placed
-- in the period by its own date (README, "Retention analytics"): a visit by its date, a 90-day rebook
-- window and an on-time window by the day they close (only windows closed before today count), a step
-- by the day its message was sent, a lapse by its day. Optionally one type (t) and one injector (inj);
-- grouped by g = 'type' or 'month' (of each figure's own date) with a last row 'all', or just 'all'.
CREATE FUNCTION retention_figures(p uuid, d0 date, d1 date, t text, inj uuid, g text)
RETURNS TABLE (grp text, figures jsonb) LANGUAGE sql STABLE AS $$
  WITH today AS (SELECT (now() AT TIME ZONE time_zone)::date AS d FROM practices WHERE id = p),
  e AS (
    SELECT r.*, k.kind, k.d,
      CASE g WHEN 'type' THEN r.type_code WHEN 'month' THEN to_char(k.d, 'YYYY-MM') ELSE 'all' END AS key
    FROM retention_visits r CROSS JOIN LATERAL (VALUES
        ('visit', r.visit_date), ('rebook', r.rebook_by), ('on_time', r.on_time_by), ('s1', r.s1_sent_on),
        ('s2', r.s2_sent_on), ('s3', r.s3_sent_on), ('lapse', r.lapsed_on)) AS k(kind, d), today
    WHERE r.practice_id = p AND NOT r.refunded AND (t IS NULL OR r.type_code = t)
      AND (inj IS NULL OR r.injector_id = inj) AND k.d BETWEEN d0 AND d1
      AND (k.kind NOT IN ('rebook', 'on_time') OR k.d < today.d)),
  a AS (
    SELECT grouping(key) = 1 AS total, key,
      count(*) FILTER (WHERE kind = 'visit' AND step1_date IS NOT NULL) AS cohort_size,
      count(*) FILTER (WHERE kind = 'rebook') AS rebook_due,
      count(*) FILTER (WHERE kind = 'rebook' AND rebooked_on <= rebook_by) AS rebooked_90d,
      count(*) FILTER (WHERE kind = 'on_time' AND step1_date IS NOT NULL) AS on_time_due,
      count(*) FILTER (WHERE kind = 'on_time' AND step1_date IS NOT NULL AND returned_on <= on_time_by) AS on_time_returns,
      avg(rebooked_on - visit_date) FILTER (WHERE kind = 'rebook' AND rebooked_on <= rebook_by) AS avg_days,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY rebooked_on - visit_date)
        FILTER (WHERE kind = 'rebook' AND rebooked_on <= rebook_by) AS median_days,
      count(*) FILTER (WHERE kind = 's1') AS s1, count(*) FILTER (WHERE kind = 's1' AND responded_step = 1) AS s1b,
      count(*) FILTER (WHERE kind = 's2' AND s2_incentive) AS s2i,
      count(*) FILTER (WHERE kind = 's2' AND s2_incentive AND responded_step = 2) AS s2ib,
      count(*) FILTER (WHERE kind = 's2' AND NOT s2_incentive) AS s2p,
      count(*) FILTER (WHERE kind = 's2' AND NOT s2_incentive AND responded_step = 2) AS s2pb,
      count(*) FILTER (WHERE kind = 's3') AS s3, count(*) FILTER (WHERE kind = 's3' AND responded_step = 3) AS s3b,
      count(*) FILTER (WHERE kind = 'visit' AND is_return AND reminder_booked) AS rebook_rem,
      count(*) FILTER (WHERE kind = 'visit' AND is_return AND NOT reminder_booked) AS rebook_org,
      coalesce(sum(revenue_cents) FILTER (WHERE kind = 'visit' AND is_return AND reminder_booked), 0) AS rev_rem,
      coalesce(sum(revenue_cents) FILTER (WHERE kind = 'visit' AND is_return AND NOT reminder_booked), 0) AS rev_org,
      coalesce(sum(revenue_cents) FILTER (WHERE kind = 'visit' AND NOT is_return), 0) AS rev_first,
      count(DISTINCT client_id) FILTER (WHERE kind = 'lapse') AS lapsed,
      count(DISTINCT client_id) FILTER (WHERE kind = 'visit' AND reactivated) AS reactivated
    FROM e GROUP BY GROUPING SETS ((key), ()))
  SELECT CASE WHEN a.total THEN 'all' ELSE a.key END, jsonb_build_object(
    'group', CASE WHEN a.total THEN 'all' ELSE a.key END,
    'cohort_size', a.cohort_size,
    'rebook_due', a.rebook_due, 'rebooked_90d', a.rebooked_90d,
    'rebook_rate_90d', round(a.rebooked_90d::numeric / nullif(a.rebook_due, 0), 4),
    'on_time_due', a.on_time_due, 'on_time_returns', a.on_time_returns,
    'on_time_return_rate', round(a.on_time_returns::numeric / nullif(a.on_time_due, 0), 4),
    'avg_days_to_rebook', round(a.avg_days, 1), 'median_days_to_rebook', round(a.median_days::numeric, 1),
    'step1_sent', a.s1, 'step1_bookings', a.s1b, 'step1_response_rate', round(a.s1b::numeric / nullif(a.s1, 0), 4),
    'step2_incentive_sent', a.s2i, 'step2_incentive_bookings', a.s2ib,
    'step2_incentive_response_rate', round(a.s2ib::numeric / nullif(a.s2i, 0), 4),
    'step2_plain_sent', a.s2p, 'step2_plain_bookings', a.s2pb,
    'step2_plain_response_rate', round(a.s2pb::numeric / nullif(a.s2p, 0), 4),
    'step3_sent', a.s3, 'step3_bookings', a.s3b, 'step3_response_rate', round(a.s3b::numeric / nullif(a.s3, 0), 4),
    'rebookings_reminder', a.rebook_rem, 'rebookings_organic', a.rebook_org,
    'revenue_reminder_cents', a.rev_rem, 'revenue_organic_cents', a.rev_org,
    'revenue_first_visit_cents', a.rev_first,
    'lapsed_clients', a.lapsed, 'reactivated_clients', a.reactivated)
  FROM a WHERE a.total OR g IS NOT NULL
  ORDER BY a.total, a.key
$$;

-- The loyalty program's figures for practice p: members by tier (as the points engine computes tiers:
-- visits or spend on eligible items in the last 12 months), lifetime value (every visit not refunded),
-- active members (a visit in the last 180 days) and dormant ones, the points outstanding and their value,
-- and, for the local dates d0..d1, perks granted and used and visits with the two-week safety check.
CREATE FUNCTION loyalty_figures(p uuid, d0 date, d1 date) RETURNS jsonb LANGUAGE sql STABLE AS $$
  WITH s AS (SELECT loyalty_settings(p) AS v, (SELECT time_zone FROM practices WHERE id = p) AS z),
  win AS (SELECT t.client_id, count(*) AS visits, sum(e.spend) AS spend
          FROM treatments t CROSS JOIN LATERAL (SELECT sum(i.price_cents) AS spend FROM treatment_items i
            WHERE i.practice_id = t.practice_id AND i.treatment_id = t.id AND i.points_eligible) e
          WHERE t.practice_id = p AND t.refunded_at IS NULL AND t.performed_at > now() - interval '12 months'
            AND e.spend IS NOT NULL GROUP BY t.client_id),
  ltv AS (SELECT client_id, sum(revenue_cents) AS value, max(performed_at) AS last_visit
          FROM retention_visits WHERE practice_id = p AND NOT refunded GROUP BY client_id),
  m AS (SELECT a.client_id, a.balance, a.debt, coalesce(l.value, 0) AS value,
          coalesce(l.last_visit > now() - interval '180 days', false) AS active,
          (SELECT max(x.o) - 1 FROM jsonb_array_elements(s.v->'tiers') WITH ORDINALITY AS x(t, o)
           WHERE x.o = 1 OR coalesce(w.visits, 0) >= (x.t->>'min_visits')::int
              OR ((x.t->>'min_spend_cents')::bigint > 0 AND coalesce(w.spend, 0) >= (x.t->>'min_spend_cents')::bigint)) AS tier
        FROM loyalty_accounts a CROSS JOIN s LEFT JOIN win w ON w.client_id = a.client_id
        LEFT JOIN ltv l ON l.client_id = a.client_id WHERE a.practice_id = p),
  tiers AS (SELECT x.o - 1 AS i, x.t->>'name' AS name FROM s, jsonb_array_elements(s.v->'tiers') WITH ORDINALITY x(t, o)),
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
    'members', (SELECT count(*) FROM m),
    'active_members', (SELECT count(*) FROM m WHERE active),
    'dormant_members', (SELECT count(*) FROM m WHERE NOT active),
    'tiers', (SELECT coalesce(jsonb_agg(jsonb_build_object('tier', tiers.name,
                'members', (SELECT count(*) FROM m WHERE m.tier = tiers.i),
                'active_members', (SELECT count(*) FROM m WHERE m.tier = tiers.i AND m.active),
                'average_lifetime_value_cents', (SELECT round(avg(m.value)) FROM m WHERE m.tier = tiers.i))
              ORDER BY tiers.i), '[]') FROM tiers),
    'points_outstanding', (SELECT coalesce(sum(balance), 0) FROM m),
    'points_liability_cents', round((SELECT coalesce(sum(balance), 0) FROM m) * (SELECT (v->>'point_value_cents')::numeric FROM s)),
    'points_debt', (SELECT coalesce(sum(debt), 0) FROM m),
    'perks', (SELECT coalesce(jsonb_agg(jsonb_build_object('source', source, 'granted', granted, 'used', used)
               ORDER BY source), '[]') FROM perk_rows),
    'perks_granted', (SELECT coalesce(sum(granted), 0) FROM perk_rows),
    'perks_used', (SELECT coalesce(sum(used), 0) FROM perk_rows),
    'visits', (SELECT n FROM visits),
    'safety_check_visits', (SELECT checked FROM visits),
    'safety_check_rate', (SELECT round(checked::numeric / nullif(n, 0), 4) FROM visits))
$$;
