/* auth_sql.c: the SQL statements of service/http/auth.c. */
#include "auth_sql.h"

const db_stmt AUTH_LOOKUP = {"auth_lookup",
                             "SELECT coalesce(practice_id::text, ''), role, secret_hash, revoked_at IS NOT NULL "
                             "FROM api_keys WHERE id = $1"};
const db_stmt AUTH_INSERT = {"auth_insert",
                             "INSERT INTO api_keys(practice_id, role, name, secret_hash) VALUES ($1, $2, $3, $4) "
                             "RETURNING id, api_key_json(api_keys)"};
const db_stmt AUTH_REVOKE = {"auth_revoke", "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) "
                                            "WHERE id = $1 AND practice_id = $2 RETURNING 1"};
const db_stmt AUTH_ANY_ADMIN = {"auth_any_admin",
                                "SELECT 1 FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1"};
/* Serialises concurrent first starts (a transaction-scoped lock on a constant of our own). */
const db_stmt AUTH_BOOTSTRAP_LOCK = {"auth_bootstrap_lock", "SELECT pg_advisory_xact_lock(7311051401)"};
