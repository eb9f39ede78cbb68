/* loyalty.h: the loyalty program of a practice: its settings, the points
 * ledger (earn on visits, reverse on refunds, redeem, adjust, expire), perks,
 * and referrals. Amounts are computed when the event happens, with the
 * settings of that moment, and never rewritten (loyalty_math.h does the
 * arithmetic). Every write happens in the caller's or its own transaction. */
#ifndef CADENCE_LOYALTY_H
#define CADENCE_LOYALTY_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

bool loyalty_program_get(db_conn *conn, const char *practice_id, json_t **out, cad_error *err);
/* Checks and stores a whole program (422 naming the field); applies to later events only. */
bool loyalty_program_put(db_conn *conn, const char *practice_id, json_t *body, json_t **out, cad_error *err);

/* Inside the transaction that recorded treatment_id: the welcome bonus on a client's first visit,
 * the visit's points (tier, referral multipliers), a debt settled, milestone perks, a referral's
 * conversion. */
bool loyalty_on_treatment(db_conn *conn, const char *practice_id, const char *client_id, const char *treatment_id,
                          cad_error *err);
/* Marks the treatment refunded and takes its points back: what is left of them, then from the
 * client's other points oldest first; what cannot be taken becomes a debt later points settle.
 * 409 when already refunded. */
bool loyalty_refund(db_conn *conn, const char *practice_id, const char *treatment_id, json_t **out, cad_error *err);

/* balance, value, tier and progress, visits, perks, multipliers, debt. 404 for another practice's client. */
bool loyalty_summary(db_conn *conn, const char *practice_id, const char *client_id, json_t **out, cad_error *err);
bool loyalty_ledger_page(db_conn *conn, const char *practice_id, const char *client_id, const char *cursor,
                         int limit, json_t **out, cad_error *err);
/* {points | amount_cents, ticket_cents}: 422 over the visit's cap, 409 over the balance (the limit named). */
bool loyalty_redeem(db_conn *conn, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                    cad_error *err);
/* {points (signed), reason}: a staff correction; cannot take the balance below zero (409). */
bool loyalty_adjust(db_conn *conn, const char *practice_id, const char *client_id, json_t *body, json_t **out,
                    cad_error *err);
bool loyalty_use_perk(db_conn *conn, const char *practice_id, const char *client_id, const char *perk_id,
                      json_t **out, cad_error *err);
bool loyalty_refer(db_conn *conn, const char *practice_id, json_t *body, json_t **out, cad_error *err);
/* ?visits_per_year=&average_ticket_cents=&tier= (strings as given; NULL when absent). */
bool loyalty_calculator(db_conn *conn, const char *practice_id, const char *visits, const char *ticket,
                        const char *tier, json_t **out, cad_error *err);
/* Expires every award past its date; the number expired, -1 on error. */
int loyalty_expire_due(db_conn *conn, cad_error *err);

#endif
