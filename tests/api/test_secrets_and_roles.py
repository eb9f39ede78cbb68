"""Least privilege and secrets at rest: the service serves as a role that
cannot change the schema (the owner's role migrates and grants), and the
secrets it keeps readable are sealed under SECRETS_KEY, bound to their row,
rotated with SECRETS_KEY_PREVIOUS, and refused at start-up when no key opens
them. Also `cadence healthcheck`, which the image uses instead of curl."""
import os
import subprocess

from harness import ADMIN_KEY, SECRETS_KEY, Server, check, database_url, eq, fresh_database, psql, test
from test_dispatch import client, days_ago_there, fakes, practice, server, wait_for
from test_schedules import refill_sms
from test_webhooks import pms_post

NEW_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
SECRET = "whsec-known-to-the-pms-0123"


def visit_event(n):
    return {"event_id": f"evt-{n}", "type": "treatment.completed", "data": {
        "client": {"external_id": {"system": "zenoti", "id": f"G-{n}"}, "first_name": "Pia"},
        "performed_at": "2026-01-05T15:00:00-05:00", "external_id": f"INV-{n}", "items": [{"type": "botox"}]}}


def start_failure(env, db):
    s = Server(env=env, db=db, wait=False)
    code = s.proc.wait(30)
    return code, s.log()


@test
def the_service_serves_as_a_role_that_cannot_change_the_schema():
    f = fakes()
    s = server(f)
    try:
        practice(s)
        q = lambda sql: psql(sql, db=s.db)
        eq(q("SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() "
             "AND application_name LIKE 'cadence%'"), "cadence_app", "every connection of the service")
        eq(q("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"), "cadence_owner")
        eq(q("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'cadence_app'"), "f|f|f")
        eq(q("SELECT has_schema_privilege('cadence_app', 'public', 'CREATE'), "
             "has_table_privilege('cadence_app', 'practices', 'INSERT, UPDATE, DELETE'), "
             "has_table_privilege('cadence_app', 'practices', 'TRUNCATE'), "
             "has_table_privilege('cadence_app', 'schema_migrations', 'INSERT'), "
             "has_table_privilege('cadence_app', 'schema_migrations', 'SELECT')"), "f|t|f|f|t")
        # What the serving role is refused, tried as it: DDL, and rewriting the migrations' record.
        for sql in ("CREATE TABLE x (a int)", "DROP TABLE clients", "ALTER TABLE practices ADD COLUMN x int",
                    "DELETE FROM schema_migrations", "TRUNCATE clients"):
            r = subprocess.run(["psql", database_url(s.db, "cadence_app"), "-X", "-q", "-c", sql],
                               capture_output=True, text=True)
            check(r.returncode != 0 and "permission denied" in r.stderr or "must be owner" in r.stderr,
                  f"{sql}: {r.stderr}")
        check("can change the schema" not in s.log(), "no warning when the roles are apart")
    finally:
        s.stop()
    # A later start as the serving role alone checks the schema is current, and warns about nothing.
    s = Server(env={"MIGRATION_DATABASE_URL": None, **f.env()}, db=s.db)
    try:
        eq(s.request("GET", "/readyz").status, 200)
    finally:
        s.stop()
    # On a fresh database the serving role alone cannot migrate: the start fails, naming the fix.
    code, log = start_failure({"MIGRATION_DATABASE_URL": None}, fresh_database())
    check(code != 0 and "MIGRATION_DATABASE_URL" in log, log[-600:])
    # One superuser URL for both still works, and is warned about.
    db = fresh_database()
    s = Server(env={"DATABASE_URL": database_url(db), "MIGRATION_DATABASE_URL": None, **f.env()}, db=db)
    try:
        eq(s.request("GET", "/readyz").status, 200)
        check("serving as a role that can change the schema" in s.log(), s.log()[-600:])
    finally:
        s.stop()


@test
def stored_secrets_are_sealed_bound_to_their_row_and_rotated_with_the_previous_key():
    f = fakes()
    s = server(f)
    db = s.db
    try:
        p = practice(s, webhook_secret=SECRET)
        other = practice(s, webhook_secret="another-practice-secret-99")
        stored, key_id = psql(f"SELECT webhook_secret, webhook_secret_key FROM practices WHERE id = '{p.id}'",
                              db=db).split("|")
        check(SECRET not in stored and len(key_id) == 8, "the database holds no webhook secret in plain text")
        eq(pms_post(s, p, visit_event(1), SECRET).status, 201)
        eq(pms_post(s, p, visit_event(2), "a-guess-0123456789").status, 403)
        c = client(s, p, email=None)
        s.request("POST", "/v1/treatments", {"client_id": c["id"], "performed_at": days_ago_there(c, 70),
                                             "items": [{"type": "botox"}]}, key=p.staff)
        token = refill_sms(f, s, p, c).split("?t=")[1].split()[0]
        eq(s.request("GET", f"/v1/booking-links/{token}").status, 200)
        link_value, link_key = psql("SELECT value, key_id FROM service_secrets WHERE name = 'booking_link'",
                                    db=db).split("|")
        check(len(link_value) > 64 and link_key == key_id, "the booking-link key is sealed too")
        # A sealed secret copied into another practice's row does not open there: no webhook is accepted.
        own = psql(f"SELECT webhook_secret FROM practices WHERE id = '{other.id}'", db=db)
        psql(f"UPDATE practices SET webhook_secret = '{stored}' WHERE id = '{other.id}'", db=db)
        r = pms_post(s, other, visit_event(3), SECRET)
        eq((r.status, r.error["code"]), (503, "secret_unreadable"), str(r))
        eq(psql(f"SELECT count(*) FROM treatments WHERE practice_id = '{other.id}'", db=db), "0")
        psql(f"UPDATE practices SET webhook_secret = '{own}' WHERE id = '{other.id}'", db=db)
        # A webhook endpoint's signing secret is sealed the same way (no event type it takes is raised here).
        r = s.request("POST", "/v1/webhook-endpoints", {"url": "https://hooks.example.com/cadence",
                                                         "event_types": ["flag.raised"]}, key=p.staff)
        endpoint_secret = r.json["secret"]
        check(endpoint_secret[6:] not in psql("SELECT secret FROM webhook_endpoints", db=db) and
              psql("SELECT secret_key FROM webhook_endpoints", db=db) == key_id, "the endpoint's secret is sealed")
        # A row from before sealing (plain text, no key id) is sealed at the next start.
        legacy = practice(s, webhook_secret="legacy-plain-secret-0123")
        psql(f"UPDATE practices SET webhook_secret = 'legacy-plain-secret-0123', webhook_secret_key = NULL "
             f"WHERE id = '{legacy.id}'", db=db)
    finally:
        s.stop()

    # A new key without the old one: the start refuses, before serving anything, and says why.
    code, log = start_failure({"SECRETS_KEY": NEW_KEY}, db)
    check(code != 0 and "SECRETS_KEY_PREVIOUS" in log, log[-600:])
    # With the old key as previous: everything opens and is resealed under the new key.
    s = Server(env={**f.env(), "SECRETS_KEY": NEW_KEY, "SECRETS_KEY_PREVIOUS": SECRETS_KEY}, db=db)
    try:
        eq(psql("SELECT count(DISTINCT webhook_secret_key) FROM practices", db=db), "1")
        new_id = psql("SELECT webhook_secret_key FROM practices LIMIT 1", db=db)
        check(new_id != key_id, "resealed under the new key")
        eq(psql("SELECT key_id FROM service_secrets WHERE name = 'booking_link'", db=db), new_id)
        eq(psql("SELECT secret_key FROM webhook_endpoints", db=db), new_id, "the endpoint's secret is resealed")
        check("legacy-plain-secret" not in psql("SELECT string_agg(webhook_secret, ',') FROM practices", db=db),
              "the plain-text row is sealed")
    finally:
        s.stop()
    # ...so the old key can go: the same secrets and links still work.
    s = Server(env={**f.env(), "SECRETS_KEY": NEW_KEY}, db=db)
    try:
        eq(pms_post(s, p, visit_event(4), SECRET).status, 201)
        eq(pms_post(s, legacy, visit_event(5), "legacy-plain-secret-0123").status, 201)
        eq(s.request("GET", f"/v1/booking-links/{token}").status, 200, "a link sent before the rotation")
        # A patched secret is sealed as it is stored, and replaces the old one.
        r = s.request("PATCH", f"/v1/practices/{p.id}", {"webhook_secret": "rotated-by-the-owner-0123"},
                      key=ADMIN_KEY)
        eq((r.status, "webhook_secret" in r.json), (200, False))
        check("rotated-by-the-owner" not in psql(f"SELECT webhook_secret FROM practices WHERE id = '{p.id}'", db=db),
              "sealed")
        eq(pms_post(s, p, visit_event(6), "rotated-by-the-owner-0123").status, 201)
        eq(pms_post(s, p, visit_event(7), SECRET).status, 403)
    finally:
        s.stop()
    # Without SECRETS_KEY the service does not start.
    code, log = start_failure({"SECRETS_KEY": None}, db)
    check(code == 2 and "SECRETS_KEY is required" in log, log[-400:])


@test
def cadence_healthcheck_answers_for_the_container():
    f = fakes()
    s = server(f)
    try:
        env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": "postgresql://unused/x", "PORT": str(s.port)}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        eq(subprocess.run([os.environ["CADENCE_BIN"], "healthcheck"], env=env, timeout=10).returncode, 0)
    finally:
        s.stop()
    eq(subprocess.run([os.environ["CADENCE_BIN"], "healthcheck"], env=env, timeout=10).returncode, 1,
       "nothing listening: unhealthy")
    eq(subprocess.run([os.environ["CADENCE_BIN"], "frobnicate"], env=env, capture_output=True,
                      timeout=10).returncode, 2)
