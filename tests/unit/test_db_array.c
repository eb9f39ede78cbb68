/* PostgreSQL array literals built in C: quoting, NULLs, and taking an array back to an earlier length
 * (a plan's messages after a step's savepoint is rolled back). */
#include "check.h"
#include "db.h"

void test_db_array(void) {
  db_array a = {0};
  CHECK_STR(db_array_text(&a), "{}");
  db_array_add(&a, "p1");
  size_t one = a.len;
  db_array_add(&a, "a \"quoted\" \\ value");
  db_array_add(&a, NULL);
  CHECK_STR(db_array_text(&a), "{\"p1\",\"a \\\"quoted\\\" \\\\ value\",NULL}");
  db_array_truncate(&a, one);
  CHECK_STR(db_array_text(&a), "{\"p1\"}");
  db_array_add(&a, "p3");
  CHECK_STR(db_array_text(&a), "{\"p1\",\"p3\"}");
  db_array_truncate(&a, a.len + 5); /* longer than it is: unchanged */
  CHECK_STR(db_array_text(&a), "{\"p1\",\"p3\"}");
  db_array_truncate(&a, 0);
  CHECK_STR(db_array_text(&a), "{}");
  db_array_add(&a, "again");
  CHECK_STR(db_array_text(&a), "{\"again\"}");
  db_array_free(&a);
}
