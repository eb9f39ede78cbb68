/* upkeep.h: the loyalty program's periodic duties, as a job: points past
 * their date expire (oldest first), and memberships bank their monthly
 * credit, get their quarterly perk and lose credit past its rollover. */
#ifndef CADENCE_UPKEEP_H
#define CADENCE_UPKEEP_H

/* Every interval_s (LOYALTY_EXPIRY_INTERVAL_S). */
void upkeep_start(const char *database_url, int interval_s);
void upkeep_stop(void);

#endif
