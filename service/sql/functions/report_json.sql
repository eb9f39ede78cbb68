-- report_json: The API representation of a weekly report.
CREATE OR REPLACE FUNCTION report_json(r analytics_reports) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT r.body || jsonb_build_object('id', r.id, 'week_start', r.week_start, 'created_at', r.created_at,
    'email', jsonb_build_object('state', r.email_state, 'error', r.email_error, 'sent_at', CASE WHEN r.email_state = 'sent' THEN r.emailed_at END))
$$;
