-- 0003_default_library: the default cadence library and message templates,
-- seeded for every practice (existing ones now, new ones at creation).
-- Offsets follow the clinical consensus in the domain rules; every row is a
-- per-practice setting that PUT /v1/treatment-types/{code} can change.

CREATE FUNCTION seed_practice_defaults(p uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  neuro_steps jsonb := '[{"offset":{"days":70},"channel":"preferred","incentive":false},
                         {"offset":{"days":75},"channel":"preferred","incentive":true},
                         {"offset":{"days":82},"channel":"alternate","incentive":false}]';
  neuro_care jsonb := '[{"offset":{"days":2},"channel":"preferred"},
                        {"offset":{"days":10},"channel":"preferred"}]';
  nurture jsonb := '{"every_months":1,"max_messages":6,"channel":"preferred"}';
BEGIN
  INSERT INTO treatment_types(practice_id, code, name, family, typical_duration, window_days, series,
                              steps, lapse, nurture, aftercare) VALUES
    (p, 'botox', 'Botox', 'neuromodulator', '10-12 weeks', 84, false, neuro_steps, '{"days":112}', nurture, neuro_care),
    (p, 'xeomin', 'Xeomin', 'neuromodulator', '10-12 weeks', 84, false, neuro_steps, '{"days":112}', nurture, neuro_care),
    (p, 'jeuveau', 'Jeuveau', 'neuromodulator', '10-12 weeks', 84, false, neuro_steps, '{"days":112}', nurture, neuro_care),
    (p, 'dysport', 'Dysport', 'neuromodulator', '11-13 weeks', 91, false,
       '[{"offset":{"days":70},"channel":"preferred","incentive":false},
         {"offset":{"days":84},"channel":"preferred","incentive":true},
         {"offset":{"days":91},"channel":"alternate","incentive":false}]', '{"days":119}', nurture, neuro_care),
    (p, 'lip_filler', 'lip filler', 'ha_filler', '6-9 months', 270, false,
       '[{"offset":{"months":5},"channel":"preferred","incentive":false},
         {"offset":{"months":6},"channel":"preferred","incentive":true},
         {"offset":{"months":7},"channel":"alternate","incentive":false}]', '{"months":9}', nurture, '[]'),
    (p, 'cheek_filler', 'cheek filler', 'ha_filler', '12-18 months', 540, false,
       '[{"offset":{"months":11},"channel":"preferred","incentive":false},
         {"offset":{"months":12},"channel":"preferred","incentive":true},
         {"offset":{"months":13},"channel":"alternate","incentive":false}]', '{"months":18}', nurture, '[]'),
    (p, 'voluma', 'Juvederm Voluma', 'ha_filler', '18-24 months', 720, false,
       '[{"offset":{"months":15},"channel":"preferred","incentive":false},
         {"offset":{"months":16},"channel":"preferred","incentive":true},
         {"offset":{"months":18},"channel":"alternate","incentive":false}]', '{"months":24}', nurture, '[]'),
    (p, 'sculptra', 'Sculptra', 'biostimulator', 'about 2 years', 730, true,
       '[{"offset":{"months":3},"channel":"preferred","incentive":false},
         {"offset":{"months":6},"channel":"preferred","incentive":true},
         {"offset":{"months":12},"channel":"alternate","incentive":false}]', '{"months":24}', nurture, '[]'),
    (p, 'kybella', 'Kybella', 'fat_reduction', 'a year', 365, true,
       '[{"offset":{"months":9},"channel":"preferred","incentive":false},
         {"offset":{"months":11},"channel":"preferred","incentive":true},
         {"offset":{"months":12},"channel":"alternate","incentive":false}]', '{"months":15}', nurture, '[]');

  INSERT INTO treatment_aliases(practice_id, alias_key, alias, code)
  SELECT p, lower(a.alias), a.alias, a.code FROM (VALUES
    ('Botox Cosmetic', 'botox'), ('onabotulinumtoxinA', 'botox'), ('Xeomin Cosmetic', 'xeomin'),
    ('Dysport Cosmetic', 'dysport'), ('Lip Filler', 'lip_filler'), ('Juvederm Ultra XC', 'lip_filler'),
    ('Restylane Kysse', 'lip_filler'), ('Cheek Filler', 'cheek_filler'), ('Restylane Lyft', 'cheek_filler'),
    ('Juvederm Voluma XC', 'voluma'), ('Sculptra Aesthetic', 'sculptra'), ('Kybella Injection', 'kybella')
  ) AS a(alias, code);

  INSERT INTO templates(practice_id, treatment_type, step, channel, subject, body)
  SELECT p, 'default', t.step, t.channel, t.subject, t.body FROM (VALUES
    ('refill_1', 'sms', NULL,
     'Hi {{first_name}}, {{sender_name}} here. Your {{treatment_name}} on {{treatment_date}} is nearing its refresh window ({{treatment_name}} typically lasts {{typical_duration}}). Book in one tap: {{booking_link}} {{open_slots}} {{photo_link}} {{opt_out}}'),
    ('refill_2', 'sms', NULL,
     'Hi {{first_name}}, {{practice_name}} here: you are in the refresh window for your {{treatment_name}}. {{incentive}} Book here: {{booking_link}} {{opt_out}}'),
    ('refill_3', 'sms', NULL,
     'Hi {{first_name}}, {{injector_name}} has a few openings this week and next for your {{treatment_name}} refresh. Book: {{booking_link}} {{opt_out}}'),
    ('nurture', 'sms', NULL,
     'Hi {{first_name}}, it has been a while since your {{treatment_name}} at {{practice_name}} on {{treatment_date}}. Whenever you are ready: {{booking_link}} {{opt_out}}'),
    ('aftercare_1', 'sms', NULL,
     'Hi {{first_name}}, {{sender_name}} here, checking in after your {{treatment_name}} on {{treatment_date}}. Any questions? Just reply. {{opt_out}}'),
    ('aftercare_2', 'sms', NULL,
     'Hi {{first_name}}, it has been 10 days since your {{treatment_name}}. Upload your photos or book your complimentary two-week check: {{booking_link}} {{opt_out}}'),
    ('refill_1', 'email', 'Time to plan your next {{treatment_name}}',
     'Hi {{first_name}},

Your {{treatment_name}} on {{treatment_date}} is nearing its refresh window: {{treatment_name}} typically lasts {{typical_duration}}.

Book in one click: {{booking_link}}
{{open_slots}}
{{photo_link}}

{{sender_name}}, {{practice_name}}

{{opt_out}}'),
    ('refill_2', 'email', 'Your {{treatment_name}} refresh window is open',
     'Hi {{first_name}},

You are in the refresh window for your {{treatment_name}}. {{incentive}}

Book here: {{booking_link}}

{{practice_name}}

{{opt_out}}'),
    ('refill_3', 'email', 'A few openings this week and next',
     'Hi {{first_name}},

{{injector_name}} has a few openings this week and next for your {{treatment_name}} refresh.

Book here: {{booking_link}}

{{practice_name}}

{{opt_out}}'),
    ('nurture', 'email', 'We would love to see you again',
     'Hi {{first_name}},

It has been a while since your {{treatment_name}} on {{treatment_date}}. Whenever you are ready, your next visit is one click away: {{booking_link}}

{{practice_name}}

{{opt_out}}'),
    ('aftercare_1', 'email', 'How are you doing after your {{treatment_name}}?',
     'Hi {{first_name}},

Checking in after your {{treatment_name}} on {{treatment_date}}. If you have any questions, just reply to this email.

{{sender_name}}, {{practice_name}}

{{opt_out}}'),
    ('aftercare_2', 'email', 'Your complimentary two-week check',
     'Hi {{first_name}},

It has been 10 days since your {{treatment_name}}. Upload your photos or book your complimentary two-week check: {{booking_link}}

{{practice_name}}

{{opt_out}}')
  ) AS t(step, channel, subject, body);
END
$$;

SELECT seed_practice_defaults(id) FROM practices;
