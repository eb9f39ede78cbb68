/* idempotency_sql.c: the SQL statements of service/http/idempotency.c. */
#include "idempotency_sql.h"

const db_stmt IDEM_RESERVE = {
    "idem_reserve",
    "INSERT INTO idempotency_keys(practice_id, key, request_hash) VALUES ($1, $2, $3) "
    "ON CONFLICT (practice_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, "
    "  status = NULL, body = NULL, created_at = now() "
    /* take over a record older than a day, or a reservation abandoned by a crash */
    "  WHERE idempotency_keys.created_at < now() - interval '24 hours' "
    "     OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - interval '5 minutes') "
    "RETURNING 1"};
const db_stmt IDEM_LOOKUP = {
    "idem_lookup", "SELECT request_hash, status, body FROM idempotency_keys WHERE practice_id = $1 AND key = $2"};
const db_stmt IDEM_FINISH = {"idem_finish",
                             "UPDATE idempotency_keys SET status = $3, body = $4 WHERE practice_id = $1 AND key = $2"};
const db_stmt IDEM_ABANDON = {"idem_abandon",
                              "DELETE FROM idempotency_keys WHERE practice_id = $1 AND key = $2 AND status IS NULL"};
