-- loyalty_tier_of: the tier rule, written once. The tier (0 = the first, everyone's) a client stands in,
-- given the program's thresholds (loyalty_tier_thresholds): the highest whose min_visits their eligible
-- visits reach, or whose min_spend_cents (when above 0) their eligible spend reaches, counted over the
-- window of loyalty_window_start. Earning, the loyalty summary and the loyalty analytics all ask it.
-- PL/pgSQL over arrays: the analytics ask it for every member (200,000 in the benchmark).
CREATE OR REPLACE FUNCTION loyalty_tier_of(min_visits int[], min_spend bigint[], visits bigint, spend bigint)
RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  best int := 0;
BEGIN
  FOR i IN 2 .. coalesce(array_length(min_visits, 1), 0) LOOP
    IF visits >= min_visits[i] OR (min_spend[i] > 0 AND spend >= min_spend[i]) THEN
      best := i - 1;
    END IF;
  END LOOP;
  RETURN best;
END $$;
