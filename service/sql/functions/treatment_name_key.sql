-- treatment_name_key: A treatment name's key, through which names match: case, accents, trademark signs, punctuation
-- and repeated spaces do not count, nor does a trailing quantity ("Botox Cosmetic 20u", "Dysport
-- 300 Units", "Kysse 1.0 mL", "(2 syringes)"). The key is stored (alias_key, name_key): changing it
-- means re-keying them in a migration of its own.
CREATE OR REPLACE FUNCTION treatment_name_key(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    lower(translate(name, 'ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïÒÓÔÕÖòóôõöÙÚÛÜùúûüÇçÑñ®™©',
                          'AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuCcNn')),
    -- trailing quantities, any number of them: 20u, 50 units, 1.0 ml, x2, (2 syringes)
    '(\s*[-,:/(]?\s*(\y\d+([.,]\d+)?\s*(u|units?|iu|ml|cc|syringes?|syr|vials?|mg)\y\.?|\yx\s*\d+\y|\y\d+\s*x\y)\s*\)?)+\s*$',
    ''), '\+', ' plus ', 'g'), '[^a-z0-9]+', ' ', 'g'), '\s+', ' ', 'g'))
$$;
