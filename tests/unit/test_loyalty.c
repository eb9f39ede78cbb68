/* Loyalty arithmetic: earning with multipliers,
 * flat points and the yearly cap, the redemption cap, the calculator. The
 * tier rule is SQL (loyalty_tier_of), tested in tests/api/test_loyalty.py. */
#include "check.h"
#include "loyalty_math.h"

void test_loyalty(void) {
  CHECK(loyalty_earn_points(30000, 0.6, 1.0, 0, 0, -1) == 180); /* $300 at 0.6/$: no point lost to rounding */
  CHECK(loyalty_earn_points(30000, 0.6, 1.25, 0, 0, -1) == 225);
  CHECK(loyalty_earn_points(29999, 0.6, 1.0, 0, 0, -1) == 179); /* rounded down */
  CHECK(loyalty_earn_points(0, 0.6, 1.0, 200, 0, -1) == 200);   /* a flat per-type award */
  CHECK(loyalty_earn_points(30000, 0.6, 2.0, 0, 900, 1000) == 100); /* held to the yearly cap */
  CHECK(loyalty_earn_points(30000, 0.6, 2.0, 0, 1000, 1000) == 0);
  CHECK(loyalty_earn_points(-5, 0.6, 1.0, 0, 0, -1) == 0);

  CHECK(loyalty_redeem_cap_points(50000, 20, 10) == 1000); /* 20% of $500 = $100 = 1000 points at 10c */
  CHECK(loyalty_redeem_cap_points(999, 20, 10) == 19);
  CHECK(loyalty_redeem_cap_points(0, 20, 10) == 0);

  loyalty_year y = loyalty_calculate(4, 60000, 0.6, 1.0, 10);
  CHECK(y.points == 4 * 360 && y.value_cents == 14400);
  CHECK(y.percent_back > 5.99 && y.percent_back < 6.01);
  loyalty_year none = loyalty_calculate(0, 60000, 0.6, 1.0, 10);
  CHECK(none.points == 0 && none.percent_back == 0);
}
