-- retention_rebook_by: the 90-day rebook window's last day, from step 1's date (the triggers and the rebuild).
CREATE OR REPLACE FUNCTION retention_rebook_by(step1_date date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT step1_date + 90
$$;
