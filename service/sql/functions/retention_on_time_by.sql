-- retention_on_time_by: the last day a return counts as on time, written once (the triggers and the rebuild):
-- the visit's local date plus its type's window (84 days when it has none) and 14 days' grace.
CREATE OR REPLACE FUNCTION retention_on_time_by(visit_date date, window_days int) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
  SELECT visit_date + coalesce(window_days, 84) + 14
$$;
