/* reports.h: the weekly report of a practice: the retention figures of the
 * last week (Monday to Sunday in the practice's zone) next to the week before
 * and the change, the loyalty figures of the week, and an alarm when the
 * on-time return rate is under the practice's report_alarm_percent. Reports are
 * kept, one per practice and week. A background thread makes each practice's
 * report from Monday 06:00 local and queues its email to the practice's
 * report_email in the message outbox, which sends it like any other message.
 * Transactions: a report is made by one statement; its email is queued in one db_tx with its claim. */
#ifndef CADENCE_REPORTS_H
#define CADENCE_REPORTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "providers.h"

/* Computes and stores the report of the week starting week_start (a Monday that has ended; NULL: last
 * week), replacing a stored one; *created tells which. 422 naming week_start when it is not one. */
bool reports_make(db_conn *conn, const char *practice_id, const char *week_start, json_t **out, bool *created,
                  cad_error *err);
bool reports_list(db_conn *conn, const char *practice_id, const char *cursor, int limit, json_t **out,
                  cad_error *err);
bool reports_get(db_conn *conn, const char *practice_id, const char *report_id, json_t **out, cad_error *err);

/* The email of a report: subject (ALARM first when there is one) and plain text. Pure; the caller frees. */
char *reports_email_text(const json_t *report, const char *practice_name, char *subject, size_t subject_len);

/* The thread: every interval_s, makes the reports that are due and queues the emails of those waiting
 * (providers names the email provider the messages are for). */
void reports_start(const char *database_url, const provider_config *providers, int interval_s);
void reports_stop(void);

#endif
