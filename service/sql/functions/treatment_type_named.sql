-- The practice's type a name denotes: its code as it is (the common case, answered without the
-- regular expressions of the keys), or a code or an alias as keyed; failing those, the part before a
-- " - " ("Botox - Forehead & Glabella" is Botox). NULL when nothing matches.
CREATE OR REPLACE FUNCTION treatment_type_named(p_practice uuid, p_name text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(
    (SELECT e.code FROM treatment_types e WHERE e.practice_id = p_practice AND e.code = p_name),
    (SELECT x.code FROM (VALUES (1, p_name), (2, regexp_replace(p_name, '\s+[-–—]\s.*$', ''))) AS n(rank, name)
     CROSS JOIN LATERAL (SELECT coalesce(
         (SELECT t.code FROM treatment_types t WHERE t.practice_id = p_practice AND t.code = treatment_code_key(n.name)),
         (SELECT a.code FROM treatment_aliases a WHERE a.practice_id = p_practice
            AND a.alias_key = treatment_name_key(n.name))) AS code) x
     WHERE x.code IS NOT NULL ORDER BY n.rank LIMIT 1))
$$;
