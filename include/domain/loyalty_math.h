/* loyalty_math.h: the arithmetic of the loyalty program, without I/O:
 * points earned, the redemption cap, and the yearly calculator (which tier
 * a client stands in is SQL's: loyalty_tier_of, used everywhere).
 * Points are whole; fractions are always rounded down (in the practice's
 * favour, predictably). Unit-tested. */
#ifndef CADENCE_LOYALTY_MATH_H
#define CADENCE_LOYALTY_MATH_H

#include <stdbool.h>

typedef struct loyalty_tier {
  int min_visits;       /* eligible visits in the last 12 months... */
  long min_spend_cents; /* ...or eligible spend: either reaches the tier */
  double multiplier;
} loyalty_tier;

/* Points for a visit: per dollar of eligible spend times the multipliers, plus flat per-type points,
 * held to what is left of the yearly cap (cap < 0: none). */
long loyalty_earn_points(long eligible_cents, double earn_per_dollar, double multiplier, long flat_points,
                         long earned_this_year, long yearly_cap);

/* The most points a redemption may use on a ticket: cap_percent of the ticket, in points. */
long loyalty_redeem_cap_points(long ticket_cents, int cap_percent, int point_value_cents);

typedef struct loyalty_year {
  long points;          /* earned in a year */
  long value_cents;     /* what they are worth */
  double percent_back;  /* of the member's spend */
  double cost_share;    /* of the practice's revenue from the member, if every point is redeemed */
} loyalty_year;

loyalty_year loyalty_calculate(int visits_per_year, long ticket_cents, double earn_per_dollar, double multiplier,
                               int point_value_cents);

#endif
