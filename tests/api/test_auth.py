"""API keys: missing, malformed, wrong, revoked and wrong-role keys; isolation between practices."""
from harness import ADMIN_KEY, Practice, Server, check, eq, issue_key, shared, test


@test
def missing_and_malformed_keys_are_401():
    s = shared()
    r = s.request("GET", "/v1/clients")
    eq((r.status, r.error["code"]), (401, "missing_credentials"))
    eq(r.error["details"]["field"], "Authorization")
    r = s.request("GET", "/v1/clients", headers={"Authorization": "Basic dXNlcjpwdw=="})
    eq((r.status, r.error["code"]), (401, "invalid_credentials"))
    for bad in ["nonsense", "cad_" + "0" * 32 + "_" + "0" * 64, "cad_xyz", ADMIN_KEY + "x"]:
        r = s.request("GET", "/v1/clients", key=bad)
        eq((r.status, r.error["code"]), (401, "invalid_credentials"), bad)


@test
def a_right_id_with_a_wrong_secret_is_401():
    s = shared()
    p = Practice(s)
    forged = p.staff[:-8] + ("0" * 8 if not p.staff.endswith("0" * 8) else "1" * 8)
    r = s.request("GET", "/v1/clients", key=forged)
    eq((r.status, r.error["code"]), (401, "invalid_credentials"))


@test
def revoked_key_is_401_and_revocation_is_scoped():
    s = shared()
    p = Practice(s)
    other = Practice(s)
    key = issue_key(s, p.id, "staff")
    eq(s.request("GET", "/v1/clients", key=key).status, 200)
    key_id = key.split("_")[1]
    key_uuid = f"{key_id[:8]}-{key_id[8:12]}-{key_id[12:16]}-{key_id[16:20]}-{key_id[20:]}"
    # The key does not belong to the other practice: 404, and it keeps working.
    eq(s.request("DELETE", f"/v1/practices/{other.id}/api-keys/{key_uuid}", key=ADMIN_KEY).status, 404)
    eq(s.request("GET", "/v1/clients", key=key).status, 200)
    eq(s.request("DELETE", f"/v1/practices/{p.id}/api-keys/{key_uuid}", key=ADMIN_KEY).status, 204)
    r = s.request("GET", "/v1/clients", key=key)
    eq((r.status, r.error["code"]), (401, "revoked_key"))
    eq(s.request("DELETE", f"/v1/practices/{p.id}/api-keys/{key_uuid}", key=ADMIN_KEY).status, 204, "again")
    eq(s.request("DELETE", f"/v1/practices/{p.id}/api-keys/not-a-uuid", key=ADMIN_KEY).status, 404)
    eq(s.request("GET", "/v1/clients", key=p.staff).status, 200, "other keys unaffected")


@test
def roles_are_enforced():
    s = shared()
    p = Practice(s)
    body = {"name": "X", "time_zone": "UTC"}
    for key in (p.staff, p.integration):
        r = s.request("POST", "/v1/practices", body, key=key)
        eq((r.status, r.error["code"]), (403, "forbidden"))
        r = s.request("POST", f"/v1/practices/{p.id}/api-keys", {"role": "staff"}, key=key)
        eq(r.status, 403)
        r = s.request("PATCH", f"/v1/practices/{p.id}", {"name": "Y"}, key=key)
        eq(r.status, 403)
    r = s.request("GET", "/v1/clients", key=ADMIN_KEY)
    eq(r.status, 403, "admin keys hold no practice, so practice data needs a practice key")
    r = s.request("POST", "/v1/clients", {"first_name": "Ana"}, key=p.integration)
    eq(r.status, 201, "integration keys may post clients")


@test
def keys_issued_only_for_staff_and_integration_of_real_practices():
    s = shared()
    p = Practice(s)
    r = s.request("POST", f"/v1/practices/{p.id}/api-keys", {"role": "admin"}, key=ADMIN_KEY)
    eq((r.status, r.error["code"], r.error["details"]["field"]), (422, "invalid_value", "role"))
    r = s.request("POST", f"/v1/practices/{p.id}/api-keys", {}, key=ADMIN_KEY)
    eq((r.status, r.error["code"], r.error["details"]["field"]), (422, "missing_field", "role"))
    r = s.request("POST", "/v1/practices/00000000-0000-0000-0000-000000000009/api-keys", {"role": "staff"},
                  key=ADMIN_KEY)
    eq(r.status, 404)


@test
def a_practice_sees_nothing_of_another():
    s = shared()
    a, b = Practice(s), Practice(s)
    cb = s.request("POST", "/v1/clients", {"first_name": "Bea", "phone": "+15550001111",
                                           "external_ids": [{"system": "zenoti", "id": "g-77"}]}, key=b.staff).json
    eq(s.request("GET", f"/v1/clients/{cb['id']}", key=a.staff).status, 404)
    eq(s.request("PATCH", f"/v1/clients/{cb['id']}", {"first_name": "X"}, key=a.staff).status, 404)
    eq(s.request("GET", f"/v1/practices/{b.id}", key=a.staff).status, 404)
    eq(s.request("GET", f"/v1/practices/{a.id}", key=a.staff).status, 200)
    eq(s.request("GET", "/v1/clients?phone=%2B15550001111", key=a.staff).json["data"], [])
    eq(s.request("GET", "/v1/clients?external_id=g-77", key=a.staff).json["data"], [])
    # The same external id is free in practice A: ids are unique per practice.
    r = s.request("POST", "/v1/clients", {"first_name": "Al", "external_ids": [{"system": "zenoti", "id": "g-77"}]},
                  key=a.staff)
    eq(r.status, 201)
    eq(s.request("GET", f"/v1/clients/{cb['id']}", key=b.staff).json["first_name"], "Bea", "B's client untouched")


@test
def bootstrap_admin_key_is_printed_once_and_works():
    s = Server(env={"CADENCE_ADMIN_KEY": None})
    try:
        out = s.stdout()
        keys = [w for w in out.split() if w.startswith("cad_")]
        eq(len(keys), 1, "one key printed")
        check(keys[0] not in s.log(), "the key is not in the logs")
        r = s.request("POST", "/v1/practices", {"name": "P", "time_zone": "Europe/London"}, key=keys[0])
        eq(r.status, 201)
        eq(s.stop(), 0)
        s2 = Server(env={"CADENCE_ADMIN_KEY": None}, db=s.db)
        try:
            check("cad_" not in s2.stdout(), "no second key on the next start")
            eq(s2.request("GET", f"/v1/practices/{r.json['id']}", key=keys[0]).status, 200)
        finally:
            s2.stop()
    finally:
        s.stop()
