/* plans.h: reminder sequences. Plans a treatment's refill, aftercare and
 * lapse steps (superseding the open cycle of the same family), pauses and
 * resumes promotional steps for flags, and renders a client's reminders.
 * Every function runs inside the caller's transaction. */
#ifndef CADENCE_PLANS_H
#define CADENCE_PLANS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* One item of a treatment, with its type's plan. */
typedef struct plan_item {
  const char *type_code, *family;
  json_t *steps, *lapse, *aftercare; /* the type's JSON settings (borrowed) */
  bool plannable;                    /* false for a series not yet complete */
} plan_item;

/* Where and when a treatment happened, in the client's terms. */
typedef struct plan_context {
  const char *practice_id, *client_id, *treatment_id;
  const char *performed_at; /* RFC 3339 */
  const char *local_date;   /* the treatment's date in the client's zone */
  const char *today;        /* today's date in the client's zone */
  const char *time_zone;    /* the client's zone, or the practice's */
  const char *send_time;    /* HH:MM local time steps are due */
  json_t *away_periods;     /* the client's [{from, to}] */
  bool flagged;             /* the client has an open flag: promotional steps start paused */
} plan_context;

/* Plans every family of items: ends the open cycle of the family (superseded)
 * unless a later treatment already started it, then plans the new steps. */
bool plans_for_treatment(db_conn *conn, const plan_context *ctx, const plan_item *items, int nitems,
                         cad_error *err);

/* Pauses the client's pending promotional steps, recording reason. */
bool plans_pause(db_conn *conn, const char *practice_id, const char *client_id, const char *reason,
                 cad_error *err);

/* Resumes paused steps; a sequence whose next step went overdue while paused
 * moves as a whole so that step falls on the next send time, keeping spacing. */
bool plans_resume(db_conn *conn, const char *practice_id, const char *client_id, cad_error *err);

/* {"data": [sequence with its steps, newest first]} for a client (404 when unknown). */
bool plans_view(db_conn *conn, const char *practice_id, const char *client_id, json_t **out, cad_error *err);

#endif
