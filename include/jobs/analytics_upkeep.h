/* analytics_upkeep.h: the job that relinks the visits of clients whose writes marked them (retention.h),
 * a batch at a time, about every second; each client's lag is a metric. */
#ifndef CADENCE_ANALYTICS_UPKEEP_H
#define CADENCE_ANALYTICS_UPKEEP_H

#include "metrics.h"

void analytics_upkeep_start(const char *database_url, metrics *m);
void analytics_upkeep_stop(void);

#endif
