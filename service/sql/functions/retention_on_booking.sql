-- A booking rebooks; one that a reminder brought within the response window (5 days) of the step's message
-- is its response.
CREATE OR REPLACE FUNCTION retention_on_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM retention_mark(NEW.practice_id, NEW.client_id);
  IF TG_OP = 'INSERT' AND NEW.caused_by_step IS NOT NULL THEN
    UPDATE retention_visits r SET responded_step = right(st.step_key, 1)::smallint
    FROM steps st JOIN sequences s ON s.practice_id = st.practice_id AND s.id = st.sequence_id
    JOIN messages m ON m.practice_id = st.practice_id AND m.id = st.message_id
    WHERE st.practice_id = NEW.practice_id AND st.id = NEW.caused_by_step AND s.kind = 'refill'
      AND st.step_key IN ('refill_1', 'refill_2', 'refill_3') AND NEW.created_at <= m.sent_at + retention_response_window()
      AND r.practice_id = s.practice_id AND r.treatment_id = s.treatment_id AND r.family = s.family
      AND r.responded_step IS NULL;
  END IF;
  RETURN NULL;
END $$;
