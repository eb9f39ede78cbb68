-- Run by the migration role (the schema's owner) for the serving role r: rows of every table and the
-- sequences; nothing on the migrations' own record but reading it (/readyz). Functions need nothing:
-- PostgreSQL lets every role execute them (and they run with the caller's rights).
CREATE OR REPLACE FUNCTION grant_serving_role(r text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', r);
  EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON schema_migrations, schema_functions FROM %I', r);
  EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', r);
END $$;
