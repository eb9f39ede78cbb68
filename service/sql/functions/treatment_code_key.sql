-- A code as a name keys it: "Lip Filler", "lip-filler" and "LIP_FILLER" all name lip_filler.
CREATE OR REPLACE FUNCTION treatment_code_key(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT replace(treatment_name_key(name), ' ', '_')
$$;
