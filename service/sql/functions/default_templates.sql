-- default_templates: The default templates, one row per step and channel, written to read as correct English with
-- every optional part present or absent: sections ({{#x}}...{{/x}} shown when x has a value,
-- {{^x}}...{{/x}} when it has none) carry the words around an optional part; without a booking page a
-- message asks for a reply; emails end with {{signature}}; the opt-out sentence is added by the
-- sender, once per number, not by templates.
CREATE OR REPLACE FUNCTION default_templates() RETURNS TABLE (step text, channel text, subject text, body text)
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
