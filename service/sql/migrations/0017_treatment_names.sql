-- 0017_treatment_names: treatment names as people write them on invoices.
-- A name is matched through its key: case, accents, trademark signs,
-- punctuation and repeated spaces do not count, nor does a trailing quantity
-- ("Botox Cosmetic 20u", "Dysport 300 Units", "Kysse 1.0 mL", "(2 syringes)").
-- The key is stored (alias_key, name_key), so it lives here with the data it
-- keys: changing it means re-keying them in a migration of its own.

CREATE FUNCTION treatment_name_key(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    lower(translate(name, 'ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïÒÓÔÕÖòóôõöÙÚÛÜùúûüÇçÑñ®™©',
                          'AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuCcNn')),
    -- trailing quantities, any number of them: 20u, 50 units, 1.0 ml, x2, (2 syringes)
    '(\s*[-,:/(]?\s*(\y\d+([.,]\d+)?\s*(u|units?|iu|ml|cc|syringes?|syr|vials?|mg)\y\.?|\yx\s*\d+\y|\y\d+\s*x\y)\s*\)?)+\s*$',
    ''), '\+', ' plus ', 'g'), '[^a-z0-9]+', ' ', 'g'), '\s+', ' ', 'g'))
$$;

-- A code as a name keys it: "Lip Filler", "lip-filler" and "LIP_FILLER" all name lip_filler.
CREATE FUNCTION treatment_code_key(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT replace(treatment_name_key(name), ' ', '_')
$$;

-- Re-key what was keyed by lower(): spellings that now share a key keep one row.
ALTER TABLE treatment_aliases DROP CONSTRAINT treatment_aliases_pkey;
DELETE FROM treatment_aliases a USING treatment_aliases b
WHERE a.practice_id = b.practice_id AND treatment_name_key(a.alias) = treatment_name_key(b.alias)
  AND a.alias_key > b.alias_key;
DELETE FROM treatment_aliases WHERE treatment_name_key(alias) = '';
UPDATE treatment_aliases SET alias_key = treatment_name_key(alias);
ALTER TABLE treatment_aliases ADD PRIMARY KEY (practice_id, alias_key);

ALTER TABLE pms_unmapped DROP CONSTRAINT pms_unmapped_pkey;
DELETE FROM pms_unmapped a USING pms_unmapped b
WHERE a.practice_id = b.practice_id AND a.vendor = b.vendor
  AND treatment_name_key(a.name) = treatment_name_key(b.name) AND a.name_key > b.name_key;
UPDATE pms_unmapped SET name_key = treatment_name_key(name);
ALTER TABLE pms_unmapped ADD PRIMARY KEY (practice_id, vendor, name_key);

-- The practice's type a name denotes: its code, or an alias; failing both, the part before a
-- " - " ("Botox - Forehead & Glabella" is Botox). NULL when nothing matches.
CREATE FUNCTION treatment_type_named(p_practice uuid, p_name text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT x.code FROM (VALUES (1, p_name), (2, regexp_replace(p_name, '\s+[-–—]\s.*$', ''))) AS n(rank, name)
  CROSS JOIN LATERAL (SELECT coalesce(
      (SELECT t.code FROM treatment_types t WHERE t.practice_id = p_practice AND t.code = treatment_code_key(n.name)),
      (SELECT a.code FROM treatment_aliases a WHERE a.practice_id = p_practice
         AND a.alias_key = treatment_name_key(n.name))) AS code) x
  WHERE x.code IS NOT NULL ORDER BY n.rank LIMIT 1
$$;

-- A booked service: a type as above, or else a family of the practice's types.
CREATE FUNCTION service_named(p_practice uuid, p_name text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(treatment_type_named(p_practice, p_name),
    (SELECT t.family FROM treatment_types t WHERE t.practice_id = p_practice AND t.family = treatment_code_key(p_name)
     LIMIT 1))
$$;

-- The default library: types with the cadence of their typical duration, and
-- the names practice-management systems put on invoices for them.
CREATE FUNCTION seed_library(p uuid) RETURNS void LANGUAGE plpgsql AS $$
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

-- Existing practices get what is new in the library; their own changes stay (nothing is overwritten).
SELECT seed_library(id) FROM practices;
