-- A booked service: a type as above, or else a family of the practice's types.
CREATE OR REPLACE FUNCTION service_named(p_practice uuid, p_name text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(treatment_type_named(p_practice, p_name),
    (SELECT t.family FROM treatment_types t WHERE t.practice_id = p_practice AND t.family = treatment_code_key(p_name)
     LIMIT 1))
$$;
