/* memberships.h: monthly membership plans: a credit banked each month and
 * kept for rollover_months, member pricing, a VIP perk a quarter, payments
 * recorded (payment itself happens elsewhere). The banking runs in the
 * background thread; joining banks the first month at once.
 * Transactions: each write is one db_tx (joining the caller's when one is open), the ledger and the
 * membership together. */
#ifndef CADENCE_MEMBERSHIPS_H
#define CADENCE_MEMBERSHIPS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

bool memberships_plan_create(db_conn *conn, const char *practice_id, json_t *body, json_t **out, cad_error *err);
bool memberships_plan_list(db_conn *conn, const char *practice_id, json_t **out, cad_error *err);
/* {plan_id}: 409 when the client already has an active membership. */
bool memberships_join(db_conn *conn, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                      cad_error *err);
/* {amount_cents, paid_at?, reference?} against the client's active membership. */
bool memberships_payment(db_conn *conn, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                         cad_error *err);
/* {reason?}: banked credit stays usable until it expires. */
bool memberships_cancel(db_conn *conn, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                        cad_error *err);
/* {amount_cents}: spends banked credit oldest first; 409 over the credit. */
bool memberships_use_credit(db_conn *conn, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                            cad_error *err);
/* The client's membership (the latest) or JSON null, and whether to offer one (2+ visits, none active). */
bool memberships_of_client(db_conn *conn, const char *practice_id, const char *client_id, json_t **membership,
                           bool *offer, cad_error *err);
/* Banks the months that have come, grants quarterly perks, expires old credit; months banked or -1. */
int memberships_monthly_due(db_conn *conn, cad_error *err);

#endif
