-- 0009_confirmations: each booking's confirmation sequence (at booking, 48 and
-- 24 hours before, the morning of) and its default templates.
ALTER TABLE sequences ADD COLUMN booking_id uuid;
ALTER TABLE practices ADD COLUMN intake_url text;

CREATE OR REPLACE FUNCTION practice_json(p practices) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'name', p.name, 'time_zone', p.time_zone, 'address', p.address,
    'parking_text', p.parking_text, 'check_in_text', p.check_in_text,
    'contact_text', p.contact_text, 'booking_url', p.booking_url, 'intake_url', p.intake_url,
    'sms_from', p.sms_from, 'email_from', p.email_from, 'report_email', p.report_email,
    'quiet_hours', jsonb_build_object('start', to_char(p.quiet_start, 'HH24:MI'),
                                      'end', to_char(p.quiet_end, 'HH24:MI')),
    'send_time', to_char(p.send_time, 'HH24:MI'),
    'appearance_phrases', to_jsonb(p.appearance_phrases),
    'incentive_text', p.incentive_text,
    'sender_mode', p.sender_mode, 'paused', p.paused,
    'created_at', p.created_at, 'updated_at', p.updated_at)
$$;

CREATE FUNCTION seed_confirmation_templates(p uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO templates(practice_id, treatment_type, step, channel, subject, body)
  SELECT p, 'default', t.step, t.channel, t.subject, t.body FROM (VALUES
    ('confirmation_booked', 'sms', NULL,
     'Hi {{first_name}}, you are booked at {{practice_name}} on {{appointment_time}} with {{injector_name}}. {{opt_out}}'),
    ('confirmation_48h', 'sms', NULL,
     'Hi {{first_name}}, a reminder of your visit to {{practice_name}} on {{appointment_time}}. {{opt_out}}'),
    ('confirmation_24h', 'sms', NULL,
     'Hi {{first_name}}, see you tomorrow, {{appointment_time}}. Please fill in your intake and consent form before you come: {{intake_link}} {{opt_out}}'),
    ('confirmation_morning', 'sms', NULL,
     'Good morning {{first_name}}, see you today, {{appointment_time}}. {{address}} {{parking}} {{check_in}} {{opt_out}}'),
    ('confirmation_booked', 'email', 'You are booked: {{appointment_time}}',
     'Hi {{first_name}},

You are booked at {{practice_name}} on {{appointment_time}} with {{injector_name}}.

{{opt_out}}'),
    ('confirmation_48h', 'email', 'See you on {{appointment_time}}',
     'Hi {{first_name}},

A reminder of your visit to {{practice_name}} on {{appointment_time}}.

{{opt_out}}'),
    ('confirmation_24h', 'email', 'Tomorrow at {{practice_name}}: your intake form',
     'Hi {{first_name}},

See you tomorrow, {{appointment_time}}. Please fill in your intake and consent form before you come: {{intake_link}}

{{opt_out}}'),
    ('confirmation_morning', 'email', 'See you today at {{practice_name}}',
     'Hi {{first_name}},

See you today, {{appointment_time}}.
{{address}}
{{parking}}
{{check_in}}

{{opt_out}}')
  ) AS t(step, channel, subject, body)
  ON CONFLICT DO NOTHING
$$;

SELECT seed_confirmation_templates(id) FROM practices;
