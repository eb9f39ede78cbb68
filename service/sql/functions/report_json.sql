-- report_json: The API representation of a weekly report. Its email's state is its message's once the
-- outbox has it (queued and retried: pending; sent; dead: failed; unknown), else the report's own.
CREATE OR REPLACE FUNCTION report_json(r analytics_reports) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT r.body || jsonb_build_object('id', r.id, 'week_start', r.week_start, 'created_at', r.created_at,
    'email', CASE WHEN m.id IS NULL
      THEN jsonb_build_object('state', r.email_state, 'error', r.email_error, 'sent_at', NULL, 'delivery', NULL)
      ELSE jsonb_build_object(
        'state', CASE m.state WHEN 'sent' THEN 'sent' WHEN 'sending' THEN 'sending' WHEN 'dead' THEN 'failed'
                              WHEN 'unknown' THEN 'unknown' ELSE 'pending' END,
        'error', m.last_error, 'sent_at', m.sent_at, 'delivery', m.delivery) END)
  FROM (SELECT NULL) one
  LEFT JOIN messages m ON m.practice_id = r.practice_id AND m.id = r.message_id
$$;
