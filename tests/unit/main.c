/* main.c: runs every unit suite (pure logic, no server, no database). */
#include "check.h"

int check_passed, check_failed;

int main(void) {
  test_validate();
  test_router();
  test_crypto();
  test_jsonspec();
  test_config();
  test_cadence();
  test_render();
  test_compose();
  test_sendtime();
  test_webhooks();
  test_booking_links();
  test_pms_vendors();
  test_csv();
  test_charset();
  test_db_array();
  test_sealing();
  test_loyalty();
  test_analytics();
  test_replies();
  printf("unit: %d passed, %d failed\n", check_passed, check_failed);
  return check_failed ? 1 : 0;
}
