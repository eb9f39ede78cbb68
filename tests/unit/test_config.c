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
  unsetenv("MIGRATION_DATABASE_URL");
  unsetenv("SECRETS_KEY");
  unsetenv("SECRETS_KEY_PREVIOUS");
  CHECK(config_load(&cfg, msg, sizeof msg));
  CHECK(!cfg.secrets_key.set); /* required to serve, not to migrate or check health */
  setenv("SECRETS_KEY", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", 1); /* 63 */
  CHECK(!config_load(&cfg, msg, sizeof msg));
  CHECK(strstr(msg, "SECRETS_KEY must be") != NULL);
  setenv("SECRETS_KEY", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1);
  CHECK(config_load(&cfg, msg, sizeof msg));
  CHECK(cfg.port == 8080 && cfg.max_body_bytes == 1048576);
  CHECK(cfg.secrets_key.set && !cfg.secrets_key_previous.set);
  CHECK_STR(cfg.migration_url, "postgresql://localhost/x"); /* one role for both unless told */
  setenv("MIGRATION_DATABASE_URL", "postgresql://owner@localhost/x", 1);
  setenv("SECRETS_KEY_PREVIOUS", "not a key", 1);
  CHECK(!config_load(&cfg, msg, sizeof msg));
  CHECK(strstr(msg, "SECRETS_KEY_PREVIOUS") != NULL);
  setenv("SECRETS_KEY_PREVIOUS", "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=", 1);
  CHECK(config_load(&cfg, msg, sizeof msg));
  CHECK_STR(cfg.migration_url, "postgresql://owner@localhost/x");
  CHECK(cfg.secrets_key_previous.set && strcmp(cfg.secrets_key_previous.id, cfg.secrets_key.id) != 0);
  unsetenv("MIGRATION_DATABASE_URL");
  unsetenv("SECRETS_KEY_PREVIOUS");

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
  unsetenv("SECRETS_KEY");
}
