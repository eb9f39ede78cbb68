-- retention_on_sent: Trigger retention_on_sent (AFTER UPDATE OF state ON messages): the send date of a visit's steps.
CREATE OR REPLACE FUNCTION retention_on_sent() RETURNS trigger LANGUAGE plpgsql AS $$
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
