-- The default library: types with the cadence of their typical duration, and
-- the names practice-management systems put on invoices for them.
CREATE OR REPLACE FUNCTION seed_library(p uuid) RETURNS void LANGUAGE plpgsql AS $$
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
    (p, 'letybo', 'Letybo', 'neuromodulator', '10-12 weeks', 84, false, neuro_steps, '{"days":112}', nurture, neuro_care),
    (p, 'dysport', 'Dysport', 'neuromodulator', '11-13 weeks', 91, false,
       '[{"offset":{"days":70},"channel":"preferred","incentive":false},
         {"offset":{"days":84},"channel":"preferred","incentive":true},
         {"offset":{"days":91},"channel":"alternate","incentive":false}]', '{"days":119}', nurture, neuro_care),
    (p, 'daxxify', 'Daxxify', 'neuromodulator', 'about 6 months', 182, false,
       '[{"offset":{"days":150},"channel":"preferred","incentive":false},
         {"offset":{"days":157},"channel":"preferred","incentive":true},
         {"offset":{"days":164},"channel":"alternate","incentive":false}]', '{"days":224}', nurture, neuro_care),
    (p, 'lip_filler', 'lip filler', 'ha_filler', '6-9 months', 270, false,
       '[{"offset":{"months":5},"channel":"preferred","incentive":false},
         {"offset":{"months":6},"channel":"preferred","incentive":true},
         {"offset":{"months":7},"channel":"alternate","incentive":false}]', '{"months":9}', nurture, '[]'),
    (p, 'fold_filler', 'smile-line filler', 'ha_filler', '12-15 months', 456, false,
       '[{"offset":{"months":10},"channel":"preferred","incentive":false},
         {"offset":{"months":11},"channel":"preferred","incentive":true},
         {"offset":{"months":12},"channel":"alternate","incentive":false}]', '{"months":15}', nurture, '[]'),
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
         {"offset":{"months":12},"channel":"alternate","incentive":false}]', '{"months":15}', nurture, '[]')
  ON CONFLICT (practice_id, code) DO NOTHING;

  -- Brand, product and generic names as invoices write them; quantities and case never matter.
  INSERT INTO treatment_aliases(practice_id, alias_key, alias, code)
  SELECT p, treatment_name_key(a.alias), a.alias, a.code FROM (VALUES
    ('Botox Cosmetic', 'botox'), ('onabotulinumtoxinA', 'botox'), ('Botulinum toxin', 'botox'),
    ('Xeomin Cosmetic', 'xeomin'), ('incobotulinumtoxinA', 'xeomin'), ('Bocouture', 'xeomin'),
    ('Jeuveau Cosmetic', 'jeuveau'), ('Newtox', 'jeuveau'), ('prabotulinumtoxinA', 'jeuveau'),
    ('Letybo Cosmetic', 'letybo'), ('letibotulinumtoxinA', 'letybo'), ('Botulax', 'letybo'),
    ('Dysport Cosmetic', 'dysport'), ('abobotulinumtoxinA', 'dysport'), ('Azzalure', 'dysport'),
    ('Daxxify Cosmetic', 'daxxify'), ('daxibotulinumtoxinA', 'daxxify'), ('Daxi', 'daxxify'),
    ('Lip Augmentation', 'lip_filler'), ('Juvederm Ultra XC', 'lip_filler'), ('Juvederm Ultra', 'lip_filler'),
    ('Juvederm Volbella XC', 'lip_filler'), ('Volbella XC', 'lip_filler'), ('Volbella', 'lip_filler'),
    ('Restylane Kysse', 'lip_filler'), ('Kysse', 'lip_filler'), ('Restylane Silk', 'lip_filler'),
    ('Versa Lips', 'lip_filler'), ('Belotero Lips', 'lip_filler'),
    ('Smile Line Filler', 'fold_filler'), ('Nasolabial Filler', 'fold_filler'),
    ('Juvederm Vollure XC', 'fold_filler'), ('Vollure XC', 'fold_filler'), ('Vollure', 'fold_filler'),
    ('Juvederm Ultra Plus XC', 'fold_filler'), ('Restylane Defyne', 'fold_filler'), ('Defyne', 'fold_filler'),
    ('Restylane Refyne', 'fold_filler'), ('Refyne', 'fold_filler'), ('Restylane-L', 'fold_filler'),
    ('RHA 2', 'fold_filler'), ('RHA 3', 'fold_filler'), ('RHA 4', 'fold_filler'), ('RHA Redensity', 'fold_filler'),
    ('Belotero Balance', 'fold_filler'), ('Revanesse Versa', 'fold_filler'),
    ('Restylane Lyft', 'cheek_filler'), ('Lyft', 'cheek_filler'), ('Restylane Contour', 'cheek_filler'),
    ('Midface Filler', 'cheek_filler'),
    ('Juvederm Voluma XC', 'voluma'), ('Voluma XC', 'voluma'),
    ('Sculptra Aesthetic', 'sculptra'), ('poly-L-lactic acid', 'sculptra'), ('PLLA', 'sculptra'),
    ('Kybella Injection', 'kybella'), ('deoxycholic acid', 'kybella'), ('Belkyra', 'kybella')
  ) AS a(alias, code)
  WHERE EXISTS (SELECT 1 FROM treatment_types t WHERE t.practice_id = p AND t.code = a.code)
  ON CONFLICT (practice_id, alias_key) DO NOTHING;
END
$$;
