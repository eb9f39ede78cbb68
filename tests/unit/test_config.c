/* Configuration: defaults, bounds and the CORS origin list. */
#include <stdlib.h>

#include "check.h"
#include "config.h"

void test_config(void) {
  cad_config cfg;
  char msg[256];
  unsetenv("DATABASE_URL");
  CHECK(!config_load(&cfg, msg, sizeof msg));
  CHECK(strstr(msg, "DATABASE_URL") != NULL);

  setenv("DATABASE_URL", "postgresql://localhost/x", 1);
  unsetenv("PORT");
  unsetenv("HTTP_MAX_BODY_BYTES");
  CHECK(config_load(&cfg, msg, sizeof msg));
  CHECK(cfg.port == 8080 && cfg.max_body_bytes == 1048576);

  setenv("PORT", "70000", 1);
  CHECK(!config_load(&cfg, msg, sizeof msg));
  CHECK(strstr(msg, "PORT") != NULL);
  setenv("PORT", "80x", 1);
  CHECK(!config_load(&cfg, msg, sizeof msg));
  unsetenv("PORT");

  setenv("CORS_ORIGINS", "https://desk.example.com, http://localhost:5173", 1);
  CHECK(config_load(&cfg, msg, sizeof msg));
  CHECK(config_origin_allowed(&cfg, "https://desk.example.com"));
  CHECK(config_origin_allowed(&cfg, "http://localhost:5173"));
  CHECK(!config_origin_allowed(&cfg, "https://desk.example.co"));
  CHECK(!config_origin_allowed(&cfg, "https://evil.example.com"));
  CHECK(!config_origin_allowed(&cfg, NULL));
  unsetenv("CORS_ORIGINS");
  unsetenv("DATABASE_URL");
}
