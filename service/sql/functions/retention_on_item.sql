-- retention_on_item: Trigger retention_on_item (AFTER INSERT ON treatment_items): the visit's row of retention_visits.
CREATE OR REPLACE FUNCTION retention_on_item() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  inserted boolean;
  c uuid;
BEGIN
  INSERT INTO retention_visits AS r (practice_id, treatment_id, family, client_id, type_code, injector_id,
    performed_at, visit_date, on_time_by, revenue_cents, eligible_cents, primary_row, visit_eligible, refunded)
  SELECT NEW.practice_id, NEW.treatment_id, NEW.family, t.client_id, NEW.type_code, t.injector_id, t.performed_at,
    (t.performed_at AT TIME ZONE p.time_zone)::date,
    retention_on_time_by((t.performed_at AT TIME ZONE p.time_zone)::date, tt.window_days),
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
    PERFORM retention_mark(NEW.practice_id, c);
  END IF;
  RETURN NULL;
END $$;
