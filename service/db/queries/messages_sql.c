/* messages_sql.c: the SQL statements of service/domain/messages.c. */
#include "messages_sql.h"

const db_stmt MSG_CURSOR_OK = {"msg_cursor_ok",
                               "SELECT 1 FROM messages WHERE practice_id = $1 AND id = $2 "
                               "  AND created_at = 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'"};
const db_stmt MSG_LIST = {
    "msg_list", "SELECT message_json(m), (extract(epoch FROM m.created_at) * 1000000)::bigint || '.' || m.id "
                "FROM messages m WHERE m.practice_id = $1 AND m.client_id IS NOT NULL "
                "  AND ($2::uuid IS NULL OR m.client_id = $2) AND ($3::text IS NULL OR m.state = $3) "
                "  AND ($4::text IS NULL OR m.channel = $4) AND ($5::timestamptz IS NULL OR m.created_at >= $5) "
                "  AND ($6::timestamptz IS NULL OR m.created_at < $6) "
                "  AND ($7::bigint IS NULL OR (m.created_at, m.id) < "
                "       ('epoch'::timestamptz + $7::bigint * interval '1 microsecond', $8::uuid)) "
                "ORDER BY m.created_at DESC, m.id DESC LIMIT $9"};
