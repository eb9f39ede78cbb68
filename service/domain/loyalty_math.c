/* loyalty_math.c: see loyalty_math.h. */
#include "loyalty_math.h"

#include <math.h>

long loyalty_earn_points(long eligible_cents, double earn_per_dollar, double multiplier, long flat_points,
                         long earned_this_year, long yearly_cap) {
  if (eligible_cents < 0)
    eligible_cents = 0;
  /* + 1e-9: 0.6 * 300 is 179.99999... in binary; a whole point must not be lost to it. */
  long points = (long)floor((double)eligible_cents / 100.0 * earn_per_dollar * multiplier + 1e-9) + flat_points;
  if (yearly_cap >= 0) {
    long room = yearly_cap - earned_this_year;
    points = room <= 0 ? 0 : points < room ? points : room;
  }
  return points < 0 ? 0 : points;
}

long loyalty_redeem_cap_points(long ticket_cents, int cap_percent, int point_value_cents) {
  if (ticket_cents <= 0 || cap_percent <= 0 || point_value_cents <= 0)
    return 0;
  return ticket_cents * cap_percent / 100 / point_value_cents;
}

loyalty_year loyalty_calculate(int visits_per_year, long ticket_cents, double earn_per_dollar, double multiplier,
                               int point_value_cents) {
  loyalty_year y = {0, 0, 0, 0};
  y.points = (long)visits_per_year * loyalty_earn_points(ticket_cents, earn_per_dollar, multiplier, 0, 0, -1);
  y.value_cents = y.points * point_value_cents;
  double spend = (double)visits_per_year * (double)ticket_cents;
  y.percent_back = spend > 0 ? 100.0 * (double)y.value_cents / spend : 0;
  y.cost_share = y.percent_back;
  return y;
}
