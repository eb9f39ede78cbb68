-- practice_json: The API representation of a practice (never its webhook secret).
CREATE OR REPLACE FUNCTION practice_json(p practices) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'name', p.name, 'time_zone', p.time_zone, 'address', p.address,
    'parking_text', p.parking_text, 'check_in_text', p.check_in_text,
    'contact_text', p.contact_text, 'booking_url', p.booking_url, 'intake_url', p.intake_url,
    'photo_url', p.photo_url, 'photo_id_system', p.photo_id_system,
    'sms_from', p.sms_from, 'email_from', p.email_from, 'report_email', p.report_email,
    'report_alarm_percent', p.report_alarm_percent, 'reply_hold_days', p.reply_hold_days,
    'quiet_hours', jsonb_build_object('start', to_char(p.quiet_start, 'HH24:MI'),
                                      'end', to_char(p.quiet_end, 'HH24:MI')),
    'send_time', to_char(p.send_time, 'HH24:MI'),
    'appearance_phrases', to_jsonb(p.appearance_phrases),
    'incentive_text', p.incentive_text,
    'sender_mode', p.sender_mode, 'paused', p.paused,
    'created_at', p.created_at, 'updated_at', p.updated_at)
$$;
