-- loyalty_window_start: the window a tier counts, written once: visits after this instant and up to at (the
-- visit being earned on, or now for the summary and the analytics) count.
CREATE OR REPLACE FUNCTION loyalty_window_start(at timestamptz) RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT at - interval '12 months'
$$;
