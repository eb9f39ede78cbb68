/* bounds.h: the upper bounds of every number a client sends, in one place
 * (README "API conventions" lists them). A value past its bound is 422 naming
 * the field, so no arithmetic on these ever overflows (the largest product,
 * a ticket times a percentage, stays below 2^40). */
#ifndef CADENCE_BOUNDS_H
#define CADENCE_BOUNDS_H

enum {
  MAX_MONEY_CENTS = 100000000, /* $1,000,000: a price, a ticket, an amount, a fee */
  MAX_POINTS = 10000000,       /* a redemption or an adjustment */
  MAX_UNITS = 10000,           /* units of a product in one item */
  MAX_VOLUME_ML = 1000,        /* millilitres in one item */
  MAX_DURATION_MINUTES = 720,  /* a visit */
};

#endif
