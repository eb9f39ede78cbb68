"""Clients: create, read, change, search, paginate; validation; idempotency."""
import urllib.parse

from harness import Practice, check, eq, psql, shared, test


def count_clients(s, p):
    return int(psql(f"SELECT count(*) FROM clients WHERE practice_id = '{p.id}'", db=s.db))


FULL = {"first_name": "Ana", "last_name": "Lopez", "phone": "+15551234567", "email": "Ana.Lopez@example.com",
        "time_zone": "America/Los_Angeles", "channel_preference": "sms",
        "consents": {"sms": True, "email": False, "photo": True},
        "external_ids": [{"system": "zenoti", "id": "G-1"}, {"system": "patientnow", "id": "9"}],
        "away_periods": [{"from": "2026-12-20", "to": "2027-01-03"}]}


@test
def create_and_read_a_client():
    s = shared()
    p = Practice(s)
    r = s.request("POST", "/v1/clients", FULL, key=p.staff)
    eq(r.status, 201)
    c = r.json
    for k in ("first_name", "last_name", "phone", "email", "time_zone", "channel_preference", "consents",
              "away_periods"):
        eq(c[k], FULL[k], k)
    eq(sorted((e["system"], e["id"]) for e in c["external_ids"]), [("patientnow", "9"), ("zenoti", "G-1")])
    eq(c["practice_id"], p.id)
    eq(s.request("GET", f"/v1/clients/{c['id']}", key=p.staff).json, c)
    minimal = s.request("POST", "/v1/clients", {"first_name": "Bo"}, key=p.staff).json
    eq((minimal["last_name"], minimal["phone"], minimal["channel_preference"], minimal["consents"]),
       ("", None, "any", {"sms": False, "email": False, "photo": False}), "defaults")


@test
def client_validation_errors_change_nothing():
    s = shared()
    p = Practice(s)
    s.request("POST", "/v1/clients", {"first_name": "Taken", "external_ids": [{"system": "zenoti", "id": "T1"}]},
              key=p.staff)
    before = count_clients(s, p)
    cases = [
        ({}, 422, "missing_field", "first_name"),
        ({"first_name": ""}, 422, "invalid_value", "first_name"),
        ({"first_name": None}, 422, "wrong_type", "first_name"),
        ({"first_name": "A" * 101}, 422, "invalid_value", "first_name"),
        ({"first_name": "A", "phone": "555-1234"}, 422, "invalid_value", "phone"),
        ({"first_name": "A", "phone": "+1555"}, 422, "invalid_value", "phone"),
        ({"first_name": "A", "phone": 15551234567}, 422, "wrong_type", "phone"),
        ({"first_name": "A", "email": "ana@"}, 422, "invalid_value", "email"),
        ({"first_name": "A", "email": "ana example.com"}, 422, "invalid_value", "email"),
        ({"first_name": "A", "time_zone": "America/Atlantis"}, 422, "invalid_value", "time_zone"),
        ({"first_name": "A", "channel_preference": "fax"}, 422, "invalid_value", "channel_preference"),
        ({"first_name": "A", "consents": {"sms": "yes"}}, 422, "wrong_type", "consents.sms"),
        ({"first_name": "A", "consents": {"marketing": True}}, 400, "unknown_field", "consents.marketing"),
        ({"first_name": "A", "consents": []}, 422, "wrong_type", "consents"),
        ({"first_name": "A", "external_ids": [{"system": "zenoti"}]}, 422, "missing_field", "external_ids[0].id"),
        ({"first_name": "A", "external_ids": [{"system": "has space", "id": "1"}]}, 422, "invalid_value",
         "external_ids[0].system"),
        ({"first_name": "A", "external_ids": [{"system": "z", "id": "1"}, {"system": "z", "id": "1"}]}, 422,
         "invalid_value", "external_ids[1].id"),
        ({"first_name": "A", "external_ids": ["G-1"]}, 422, "wrong_type", "external_ids[0]"),
        ({"first_name": "A", "external_ids": [{"system": "zenoti", "id": "new"}, {"system": "zenoti", "id": "T1"}]},
         409, "conflict", "external_ids[1]"),
        ({"first_name": "A", "away_periods": [{"from": "2026-02-30", "to": "2026-03-02"}]}, 422, "invalid_value",
         "away_periods[0].from"),
        ({"first_name": "A", "away_periods": [{"from": "2026-03-05", "to": "2026-03-02"}]}, 422, "invalid_value",
         "away_periods[0].to"),
        ({"first_name": "A", "away_periods": [{"from": "2026-03-05"}]}, 422, "missing_field", "away_periods[0].to"),
        ({"first_name": "A", "nickname": "Al"}, 400, "unknown_field", "nickname"),
    ]
    for body, status, code, field in cases:
        r = s.request("POST", "/v1/clients", body, key=p.staff)
        eq((r.status, r.error["code"], r.error["details"].get("field")), (status, code, field), str(body))
    eq(count_clients(s, p), before, "no client written by a refused request")
    eq(int(psql(f"SELECT count(*) FROM client_external_ids WHERE practice_id = '{p.id}'", db=s.db)), 1,
       "the 409 left no external id behind")


@test
def patch_changes_only_what_it_names():
    s = shared()
    p = Practice(s)
    c = s.request("POST", "/v1/clients", FULL, key=p.staff).json
    path = f"/v1/clients/{c['id']}"
    r = s.request("PATCH", path, {"phone": None, "consents": {"email": True},
                                  "external_ids": [{"system": "zenoti", "id": "G-2"}]}, key=p.staff)
    eq(r.status, 200)
    u = r.json
    eq(u["phone"], None)
    eq(u["consents"], {"sms": True, "email": True, "photo": True})
    eq(u["external_ids"], [{"system": "zenoti", "id": "G-2"}])
    eq((u["first_name"], u["email"], u["away_periods"]), (c["first_name"], c["email"], c["away_periods"]))
    check(u["updated_at"] > c["updated_at"], "updated_at moves")
    # A refused patch changes nothing.
    r = s.request("PATCH", path, {"first_name": "Zed", "email": "broken"}, key=p.staff)
    eq((r.status, r.error["details"]["field"]), (422, "email"))
    eq(s.request("GET", path, key=p.staff).json["first_name"], "Ana")
    other = s.request("POST", "/v1/clients", {"first_name": "O", "external_ids": [{"system": "x", "id": "1"}]},
                      key=p.staff).json
    r = s.request("PATCH", path, {"first_name": "Zed", "external_ids": [{"system": "x", "id": "1"}]}, key=p.staff)
    eq((r.status, r.error["code"]), (409, "conflict"))
    after = s.request("GET", path, key=p.staff).json
    eq((after["first_name"], after["external_ids"]), ("Ana", [{"system": "zenoti", "id": "G-2"}]),
       "the whole patch rolled back")
    eq(s.request("GET", f"/v1/clients/{other['id']}", key=p.staff).status, 200)
    eq(s.request("PATCH", "/v1/clients/00000000-0000-0000-0000-000000000000", {"first_name": "Q"},
                 key=p.staff).status, 404)
    eq(s.request("GET", "/v1/clients/nope", key=p.staff).status, 404)


@test
def search_by_phone_email_name_and_external_id():
    s = shared()
    p = Practice(s)
    a = s.request("POST", "/v1/clients", FULL, key=p.staff).json
    b = s.request("POST", "/v1/clients", {"first_name": "Bella", "last_name": "Stone", "phone": "+15559990000",
                                          "external_ids": [{"system": "patientnow", "id": "G-1"}]},
                  key=p.staff).json

    def ids(query):
        r = s.request("GET", "/v1/clients?" + urllib.parse.urlencode(query), key=p.staff)
        eq(r.status, 200)
        return [c["id"] for c in r.json["data"]]
    eq(ids({"phone": "+15551234567"}), [a["id"]])
    eq(ids({"email": "ana.lopez@EXAMPLE.com"}), [a["id"]], "email is case-insensitive")
    eq(ids({"name": "ella sto"}), [b["id"]], "name substring of first and last")
    eq(ids({"name": "lopez"}), [a["id"]])
    eq(ids({"external_id": "G-1"}), [a["id"], b["id"]])
    eq(ids({"external_id": "G-1", "external_system": "patientnow"}), [b["id"]])
    eq(ids({"name": "%"}), [], "wildcards are literal")
    eq(ids({"phone": "+15551234567", "name": "bella"}), [], "filters combine")


@test
def pagination_reaches_the_end_exactly_once():
    s = shared()
    p = Practice(s)
    made = [s.request("POST", "/v1/clients", {"first_name": f"C{i}"}, key=p.staff).json["id"] for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        q = "/v1/clients?limit=3" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        r = s.request("GET", q, key=p.staff).json
        seen += [c["id"] for c in r["data"]]
        pages += 1
        cursor = r["next_cursor"]
        if cursor is None:
            break
    eq(pages, 3)
    eq(seen, made, "every client once, in creation order")
    for bad in ["0", "abc.def", "123.00000000-0000-0000-0000-000000000000"]:
        r = s.request("GET", "/v1/clients?cursor=" + bad, key=p.staff)
        eq((r.status, r.error["code"], r.error["details"]["field"]), (400, "invalid_query", "cursor"), bad)
    for bad in ["0", "101", "x", ""]:
        r = s.request("GET", "/v1/clients?limit=" + bad, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (400, "limit"), bad)
    # A cursor of another practice is not accepted.
    other = Practice(s)
    r = s.request("GET", "/v1/clients?limit=1", key=p.staff).json
    eq(s.request("GET", f"/v1/clients?cursor={r['next_cursor']}", key=other.staff).status, 400)


@test
def idempotent_replay_and_conflict():
    s = shared()
    p = Practice(s)
    h = {"Idempotency-Key": "visit-42"}
    first = s.request("POST", "/v1/clients", {"first_name": "Ida"}, key=p.staff, headers=h)
    eq(first.status, 201)
    again = s.request("POST", "/v1/clients", {"first_name": "Ida"}, key=p.staff, headers=h)
    eq((again.status, again.json), (201, first.json))
    eq(again.headers.get("idempotent-replayed"), "true")
    other = s.request("POST", "/v1/clients", {"first_name": "Other"}, key=p.staff, headers=h)
    eq((other.status, other.error["code"]), (409, "idempotency_key_reused"))
    eq(count_clients(s, p), 1, "exactly one client")
    # Keys are scoped per practice: another practice may use the same key.
    q = Practice(s)
    eq(s.request("POST", "/v1/clients", {"first_name": "Ida"}, key=q.staff, headers=h).status, 201)
    # A refused request is remembered too: the same retry gets the same 422.
    bad = {"first_name": "X", "phone": "nope"}
    r1 = s.request("POST", "/v1/clients", bad, key=p.staff, headers={"Idempotency-Key": "k2"})
    r2 = s.request("POST", "/v1/clients", bad, key=p.staff, headers={"Idempotency-Key": "k2"})
    eq((r1.status, r2.status, r1.json), (422, 422, r2.json))
    r = s.request("POST", "/v1/clients", {"first_name": "Y"}, key=p.staff, headers={"Idempotency-Key": "é" * 3})
    eq((r.status, r.error["details"]["field"]), (400, "Idempotency-Key"))


@test
def no_phi_in_logs():
    s = shared()
    p = Practice(s)
    marker = {"first_name": "Zephyrine", "last_name": "Quxley", "phone": "+15553217654",
              "email": "zephyrine.quxley@example.org"}
    c = s.request("POST", "/v1/clients", marker, key=p.staff).json
    s.request("GET", "/v1/clients?" + urllib.parse.urlencode({"phone": marker["phone"], "email": marker["email"],
                                                               "name": "Zephyrine"}), key=p.staff)
    s.request("GET", f"/v1/clients/{marker['phone']}", key=p.staff)
    s.request("PATCH", f"/v1/clients/{c['id']}", {"email": "bad-" + marker["email"]}, key=p.staff)
    log = s.log()
    for v in list(marker.values()) + ["5553217654"]:
        check(v not in log, f"PHI {v!r} found in the logs")
