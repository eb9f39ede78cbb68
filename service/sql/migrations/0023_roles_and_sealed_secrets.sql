-- 0023_roles_and_sealed_secrets: the service serves as a role that may read and write rows but not change
-- the schema (the migration role grants it what it needs at each start), and the secrets it must keep
-- readable are stored sealed under SECRETS_KEY (see sealing.h).

-- The id of the SECRETS_KEY a value is sealed under; NULL: plain text from before this migration, which
-- the next start seals.
ALTER TABLE practices ADD COLUMN webhook_secret_key text;
ALTER TABLE service_secrets ADD COLUMN key_id text;

-- Run by the migration role (the schema's owner) for the serving role r: rows of every table and the
-- sequences; nothing on the migrations' own record but reading it (/readyz). Functions need nothing:
-- PostgreSQL lets every role execute them (and they run with the caller's rights).
CREATE FUNCTION grant_serving_role(r text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', r);
  EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM %I', r);
  EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', r);
END $$;
