/* job.h: one periodic duty on a thread and a database connection of its own
 * (a busy API never starves it, and it never takes the API's): its tick runs
 * at start, then every interval or sooner when woken, until the job stops. A
 * tick that did work and says so runs again at once. The imports, the weekly
 * reports, the loyalty and analytics upkeep and the janitor are jobs; the dispatcher, a pool
 * of workers woken by PostgreSQL, is not. */
#ifndef CADENCE_JOB_H
#define CADENCE_JOB_H

#include <stdatomic.h>
#include <stdbool.h>

#include "db.h"

/* One run: true when it did work and should run again at once. stop is set when the job is stopping (a
 * long tick checks it between pieces of work). */
typedef bool (*job_tick)(db_conn *conn, void *ctx, const atomic_int *stop);

typedef struct job job;

/* Starts name's thread with one connection to database_url (statement_timeout_ms); NULL when no thread. */
job *job_start(const char *name, const char *database_url, int statement_timeout_ms, int interval_s,
               job_tick tick, void *ctx);
/* Runs the tick now (or as soon as the current one ends). */
void job_wake(job *j);
/* Stops the thread after its current tick and frees the job (NULL is fine). */
void job_stop(job *j);

#endif
