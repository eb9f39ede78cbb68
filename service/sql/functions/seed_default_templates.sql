-- A new practice's templates.
CREATE OR REPLACE FUNCTION seed_default_templates(p uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO templates(practice_id, treatment_type, step, channel, subject, body)
  SELECT p, 'default', d.step, d.channel, d.subject, d.body FROM default_templates() d
  ON CONFLICT DO NOTHING
$$;
