-- 0024_functions_apart: from here on, SQL functions and trigger functions live in service/sql/functions/
-- (one file each, CREATE OR REPLACE, re-applied at every start after the migrations); migrations keep
-- tables, indexes, constraints and triggers. Two seeding functions that later ones replaced go.
DROP FUNCTION IF EXISTS seed_practice_defaults(uuid);
DROP FUNCTION IF EXISTS seed_confirmation_templates(uuid);

-- The digest of the functions last applied: a start applies them when its own differ.
CREATE TABLE schema_functions (
  digest     text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
