/* imports.h: CSV imports of treatments (a PMS export). The upload streams
 * into import_rows as it arrives (COPY, never held whole); a background thread
 * then applies the rows in order, as PMS webhooks apply visits, counting what
 * it created, what was already there and what it refused (line, column,
 * reason). Progress is polled with GET /v1/imports/{id}.
 * Transactions: an upload is one COPY (nothing kept unless it completes); each row is applied in its
 * own db_tx, like a PMS delivery. */
#ifndef CADENCE_IMPORTS_H
#define CADENCE_IMPORTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "charset.h"
#include "db.h"
#include "timezones.h"

typedef struct import_upload import_upload;

/* Starts an import for the practice on conn (which stays in COPY until finish or abort). */
import_upload *imports_upload_begin(db_conn *conn, const char *practice_id, charset cs, cad_error *err);
/* Takes the next bytes; false with err (422 naming a missing column of the header, or 503). */
bool imports_upload_feed(import_upload *u, const char *data, size_t len, cad_error *err);
/* Ends the upload, queues the import and frees u; *out is the import. */
bool imports_upload_finish(import_upload *u, json_t **out, cad_error *err);
/* Ends an upload that did not complete (or was refused): nothing of it stays; frees u. */
void imports_upload_abort(import_upload *u);

bool imports_get(db_conn *conn, const char *practice_id, const char *id, json_t **out, cad_error *err);
/* Stops an import that has not ended; rows already applied stay. 409 when it has ended. */
bool imports_cancel(db_conn *conn, const char *practice_id, const char *id, json_t **out, cad_error *err);

/* The job that applies queued imports (one at a time per process; any replica may take one, and an
 * interrupted one is resumed after its lease); imports_wake runs it now (an upload has ended). */
void imports_start(const char *database_url, const tz_set *zones);
void imports_wake(void);
void imports_stop(void);

#endif
