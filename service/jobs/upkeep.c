/* upkeep.c: see upkeep.h. Both duties are idempotent SQL (loyalty_expire, membership_monthly), so
 * replicas running them at once do each piece of work once. */
#include "upkeep.h"

#include "job.h"
#include "log.h"
#include "loyalty.h"
#include "memberships.h"

static job *upkeep;

static bool upkeep_tick(db_conn *c, void *ctx, const atomic_int *stop) {
  (void)ctx;
  (void)stop;
  cad_error err;
  int expired = loyalty_expire_due(c, &err), months = memberships_monthly_due(c, &err);
  if (expired > 0 || months > 0)
    log_json("info", "loyalty upkeep", json_pack("{s:i,s:i}", "awards_expired", expired, "membership_months_banked",
                                                 months));
  return false;
}

void upkeep_start(const char *database_url, int interval_s) {
  upkeep = job_start("loyalty upkeep", database_url, 60000, interval_s, upkeep_tick, NULL);
}

void upkeep_stop(void) {
  job_stop(upkeep);
  upkeep = NULL;
}
