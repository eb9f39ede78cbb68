-- The soft incentive step 2 offers ({{incentive}}), per practice.
CREATE OR REPLACE FUNCTION default_incentive_text() RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'Book this week and a complimentary add-on is yours.'
$$;
