-- 0019_message_wording: default templates that read as correct English with
-- every optional part present or absent. Sections ({{#x}}...{{/x}} shown when x
-- has a value, {{^x}}...{{/x}} when it has none) carry the words around an
-- optional part; without a booking page a message asks for a reply; emails end
-- with {{signature}} (the practice, or "injector, practice" when injectors send);
-- the opt-out sentence is added by the sender, once per number, not by templates.
-- Practices' own edits are kept: only a template still holding the old default
-- text is replaced.

CREATE FUNCTION default_templates() RETURNS TABLE (step text, channel text, subject text, body text)
LANGUAGE sql IMMUTABLE AS $$
  VALUES
    ('refill_1', 'sms', NULL,
     'Hi {{first_name}}, {{sender_name}} here. Your {{treatment_name}} from {{treatment_date}} is nearing its refresh window: {{treatment_name}} typically lasts {{typical_duration}}.
{{#open_slots}}{{open_slots}}
{{/open_slots}}{{#booking_link}}Book in one tap: {{booking_link}}{{/booking_link}}{{^booking_link}}Reply to this message to book.{{/booking_link}}{{#photo_link}}
Your before-and-after photos: {{photo_link}}{{/photo_link}}'),
    ('refill_2', 'sms', NULL,
     'Hi {{first_name}}, {{practice_name}} here: your {{treatment_name}} is in its refresh window.{{#incentive}} {{incentive}}{{/incentive}}
{{#booking_link}}Book here: {{booking_link}}{{/booking_link}}{{^booking_link}}Reply to this message to book.{{/booking_link}}'),
    ('refill_3', 'sms', NULL,
     'Hi {{first_name}}, there are a few openings this week and next with {{injector_name}} for your {{treatment_name}} refresh.
{{#booking_link}}Book here: {{booking_link}}{{/booking_link}}{{^booking_link}}Reply to this message to book one.{{/booking_link}}'),
    ('nurture', 'sms', NULL,
     'Hi {{first_name}}, it has been a while since your {{treatment_name}} at {{practice_name}} on {{treatment_date}}. Whenever you are ready, {{#booking_link}}book here: {{booking_link}}{{/booking_link}}{{^booking_link}}reply to this message to book.{{/booking_link}}'),
    ('aftercare_1', 'sms', NULL,
     'Hi {{first_name}}, {{sender_name}} here, checking in after your {{treatment_name}} on {{treatment_date}}. Any questions? Just reply to this message.'),
    ('aftercare_2', 'sms', NULL,
     'Hi {{first_name}}, it has been 10 days since your {{treatment_name}}.{{#photo_link}} Upload your photos here: {{photo_link}}{{/photo_link}}
{{#booking_link}}Book your complimentary two-week check: {{booking_link}}{{/booking_link}}{{^booking_link}}Reply to this message to book your complimentary two-week check.{{/booking_link}}'),
    ('refill_1', 'email', 'Time to plan your next {{treatment_name}}',
     'Hi {{first_name}},

Your {{treatment_name}} from {{treatment_date}} is nearing its refresh window: {{treatment_name}} typically lasts {{typical_duration}}.

{{#booking_link}}Book in one click: {{booking_link}}{{/booking_link}}{{^booking_link}}Reply to this email to book.{{/booking_link}}
{{open_slots}}
{{#photo_link}}Your before-and-after photos: {{photo_link}}{{/photo_link}}

{{signature}}'),
    ('refill_2', 'email', 'Your {{treatment_name}} refresh window is open',
     'Hi {{first_name}},

You are in the refresh window for your {{treatment_name}}.{{#incentive}} {{incentive}}{{/incentive}}

{{#booking_link}}Book here: {{booking_link}}{{/booking_link}}{{^booking_link}}Reply to this email to book.{{/booking_link}}

{{signature}}'),
    ('refill_3', 'email', 'A few openings this week and next',
     'Hi {{first_name}},

There are a few openings this week and next with {{injector_name}} for your {{treatment_name}} refresh.

{{#booking_link}}Book here: {{booking_link}}{{/booking_link}}{{^booking_link}}Reply to this email to book one.{{/booking_link}}

{{signature}}'),
    ('nurture', 'email', 'We would love to see you again',
     'Hi {{first_name}},

It has been a while since your {{treatment_name}} on {{treatment_date}}. Whenever you are ready, {{#booking_link}}your next visit is one click away: {{booking_link}}{{/booking_link}}{{^booking_link}}reply to this email and we will find you a time.{{/booking_link}}

{{signature}}'),
    ('aftercare_1', 'email', 'How are you doing after your {{treatment_name}}?',
     'Hi {{first_name}},

Checking in after your {{treatment_name}} on {{treatment_date}}. If you have any questions, just reply to this email.

{{signature}}'),
    ('aftercare_2', 'email', 'Your complimentary two-week check',
     'Hi {{first_name}},

It has been 10 days since your {{treatment_name}}.{{#photo_link}} Upload your photos here: {{photo_link}}{{/photo_link}}

{{#booking_link}}Book your complimentary two-week check: {{booking_link}}{{/booking_link}}{{^booking_link}}Reply to this email to book your complimentary two-week check.{{/booking_link}}

{{signature}}'),
    ('confirmation_booked', 'sms', NULL,
     'Hi {{first_name}}, you are booked at {{practice_name}} on {{appointment_time}} with {{injector_name}}.'),
    ('confirmation_48h', 'sms', NULL,
     'Hi {{first_name}}, a reminder of your visit to {{practice_name}} on {{appointment_time}}.'),
    ('confirmation_24h', 'sms', NULL,
     'Hi {{first_name}}, see you tomorrow, {{appointment_time}}.{{#intake_link}} Please fill in your intake and consent form before you come: {{intake_link}}{{/intake_link}}'),
    ('confirmation_morning', 'sms', NULL,
     'Good morning {{first_name}}, see you today, {{appointment_time}}.{{#address}} We are at {{address}}.{{/address}} {{parking}} {{check_in}}'),
    ('confirmation_booked', 'email', 'You are booked: {{appointment_time}}',
     'Hi {{first_name}},

You are booked at {{practice_name}} on {{appointment_time}} with {{injector_name}}.

{{signature}}'),
    ('confirmation_48h', 'email', 'See you on {{appointment_time}}',
     'Hi {{first_name}},

A reminder of your visit to {{practice_name}} on {{appointment_time}}.

{{signature}}'),
    ('confirmation_24h', 'email', 'Tomorrow at {{practice_name}}{{#intake_link}}: your intake form{{/intake_link}}',
     'Hi {{first_name}},

See you tomorrow, {{appointment_time}}.{{#intake_link}} Please fill in your intake and consent form before you come: {{intake_link}}{{/intake_link}}

{{signature}}'),
    ('confirmation_morning', 'email', 'See you today at {{practice_name}}',
     'Hi {{first_name}},

See you today, {{appointment_time}}.
{{#address}}We are at {{address}}.{{/address}}
{{parking}}
{{check_in}}

{{signature}}')
$$;

-- A new practice's templates.
CREATE FUNCTION seed_default_templates(p uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO templates(practice_id, treatment_type, step, channel, subject, body)
  SELECT p, 'default', d.step, d.channel, d.subject, d.body FROM default_templates() d
  ON CONFLICT DO NOTHING
$$;

-- An existing practice's templates that still hold the default text of 0003 or 0009 (by the md5
-- of that text) take the new wording; edited ones stay as the practice wrote them.
CREATE FUNCTION refresh_default_templates(p uuid) RETURNS void LANGUAGE sql AS $$
  UPDATE templates t SET subject = d.subject, body = d.body, updated_at = now()
  FROM default_templates() d JOIN (VALUES
    ('refill_1', 'sms', 'ad8024cd2648d5b5851d5e34a0290c24'), ('refill_2', 'sms', '8c5cb0452b1f1d91fcfcb497cc78b511'),
    ('refill_3', 'sms', 'fe954cdd1d4e3dd53184bede30add0c7'), ('nurture', 'sms', '724d008d3b8c869294dba9960631f517'),
    ('aftercare_1', 'sms', 'b1047bbfd661c14dd9ce553cafc7b74d'), ('aftercare_2', 'sms', '45c80b6d3f5a4580abc103171ba00bea'),
    ('refill_1', 'email', '15f516a6fef811dd8dc545ef757fa056'), ('refill_2', 'email', '54c9c97b909509afae92489968649149'),
    ('refill_3', 'email', '80787e66a9310ca611873e1981103a07'), ('nurture', 'email', '7491b9870bb349987197c3a00bba93b0'),
    ('aftercare_1', 'email', 'fad99d889acfe491568327b9f7cad950'), ('aftercare_2', 'email', '22810970016dc76bd3f9ec51b9ccb2f0'),
    ('confirmation_booked', 'sms', 'ab474dba2419206b7fd890887ad24a45'),
    ('confirmation_48h', 'sms', '7f4baf1672c42ca915bd2ed9132dc947'),
    ('confirmation_24h', 'sms', '6e1391fe561b6b7a9eb85ccb7fdb18b0'),
    ('confirmation_morning', 'sms', '8063d57800e3060c627bfd75990c0393'),
    ('confirmation_booked', 'email', 'b312cbdacc64c5ac670bc8e202adfc10'),
    ('confirmation_48h', 'email', '77dc7f69518be487057c304644fb2370'),
    ('confirmation_24h', 'email', '6ec36152145c34c87945597d4750fc00'),
    ('confirmation_morning', 'email', 'dfe0428c8b6995dc34baf345d1e9b799')
  ) AS old(step, channel, body_md5) ON old.step = d.step AND old.channel = d.channel
  WHERE t.practice_id = p AND t.treatment_type = 'default' AND t.injector_id IS NULL
    AND t.step = d.step AND t.channel = d.channel AND md5(t.body) = old.body_md5
$$;

SELECT refresh_default_templates(id) FROM practices;
