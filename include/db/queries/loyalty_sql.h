/* loyalty_sql.h: the SQL statements of service/domain/loyalty.c, defined in loyalty_sql.c. */
#ifndef CADENCE_LOYALTY_SQL_H
#define CADENCE_LOYALTY_SQL_H

#include "db.h"

extern const db_stmt LOY_SETTINGS;
extern const db_stmt LOY_DEFAULTS;
extern const db_stmt LOY_TYPE_NAMED;
extern const db_stmt LOY_PUT;
extern const db_stmt LOY_LOCK;
extern const db_stmt LOY_EARN_CONTEXT;
extern const db_stmt LOY_VISIT_TIER;
extern const db_stmt LOY_AWARD;
extern const db_stmt LOY_ADJUST_AWARD;
extern const db_stmt LOY_SPEND;
extern const db_stmt LOY_ADD_DEBT;
extern const db_stmt LOY_PAY_DEBT;
extern const db_stmt LOY_REFERRAL_USED;
extern const db_stmt LOY_CONVERT;
extern const db_stmt LOY_PERK;
extern const db_stmt LOY_REACTIVATION;
extern const db_stmt LOY_REFUND;
extern const db_stmt LOY_REFUND_STATE;
extern const db_stmt LOY_TAKE_BACK;
extern const db_stmt LOY_REVERSE_LEFT;
extern const db_stmt LOY_SUMMARY;
extern const db_stmt LOY_LEDGER;
extern const db_stmt LOY_ENTRY;
extern const db_stmt LOY_TIER_OF;
extern const db_stmt LOY_USE_PERK;
extern const db_stmt LOY_PERK_STATE;
extern const db_stmt LOY_REFER;
extern const db_stmt LOY_FIRST_VISIT;
extern const db_stmt LOY_EXPIRE_ALL;
extern const db_stmt LOY_EXPIRE_CLIENT;

#endif
