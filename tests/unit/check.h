/* check.h: a minimal unit-test harness: CHECK records a pass or a failure
 * with its location; main prints "N passed, N failed". */
#ifndef CADENCE_CHECK_H
#define CADENCE_CHECK_H

#include <stdio.h>
#include <string.h>

extern int check_passed, check_failed;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (cond) {                                                                       \
      check_passed++;                                                                 \
    } else {                                                                          \
      check_failed++;                                                                 \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                 \
    }                                                                                 \
  } while (0)

#define CHECK_STR(a, b) CHECK(strcmp((a), (b)) == 0)

void test_validate(void);
void test_router(void);
void test_crypto(void);
void test_jsonspec(void);
void test_config(void);
void test_cadence(void);
void test_render(void);
void test_compose(void);
void test_charset(void);
void test_db_array(void);
void test_sealing(void);
void test_sendtime(void);
void test_webhooks(void);
void test_booking_links(void);
void test_pms_vendors(void);
void test_csv(void);
void test_loyalty(void);
void test_analytics(void);
void test_replies(void);

#endif
