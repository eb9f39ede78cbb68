/* auth.h: API keys. A key reads "cad_<key id>_<secret>"; only the SHA-256 of
 * the secret is stored, and it is compared in constant time. */
#ifndef CADENCE_AUTH_H
#define CADENCE_AUTH_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"
#include "error.h"

typedef enum { ROLE_ADMIN = 1, ROLE_STAFF = 2, ROLE_INTEGRATION = 4 } role;
#define ROLES_PRACTICE (ROLE_STAFF | ROLE_INTEGRATION)
#define ROLES_ALL (ROLE_ADMIN | ROLE_STAFF | ROLE_INTEGRATION)

/* Who is calling: role, key id, and the practice for staff and integration keys. */
typedef struct principal {
  role role;
  char key_id[37];       /* "env" for the CADENCE_ADMIN_KEY key */
  char practice_id[37];  /* "" for admin */
} principal;

/* Parses a role name ("admin", "staff", "integration"); 0 when unknown. */
role auth_role_from_name(const char *name);
const char *auth_role_name(role r);

/* Resolves an Authorization header value into who; 401 when missing, malformed or revoked. */
bool auth_authenticate(db_conn *conn, const char *authorization, const char *env_admin_key,
                       principal *who, cad_error *err);

/* Issues a key for practice_id (NULL for admin); *out gets {id, key, role, name, ...}. */
bool auth_issue_key(db_conn *conn, const char *practice_id, role r, const char *name,
                    json_t **out, cad_error *err);

/* Revokes key_id of practice_id; 404 when it does not exist there. */
bool auth_revoke_key(db_conn *conn, const char *practice_id, const char *key_id, cad_error *err);

/* On first start (no admin key yet, none from the environment), issues one and returns it to print once. */
bool auth_bootstrap_admin(db_conn *conn, bool env_key_set, char **printed_key, cad_error *err);

#endif
