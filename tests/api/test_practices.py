"""Practices: create, read, change; every validation error names its field and writes nothing."""
from harness import ADMIN_KEY, check, eq, psql, shared, test


def count_practices(s):
    return int(psql("SELECT count(*) FROM practices", db=s.db))


@test
def create_read_and_patch_a_practice():
    s = shared()
    body = {"name": "Glow", "time_zone": "America/Chicago", "address": "1 Main St",
            "parking_text": "Lot behind", "check_in_text": "Front desk", "contact_text": "Call 555",
            "booking_url": "https://glow.example.com/book", "sms_from": "+15557654321",
            "email_from": "hello@glow.example.com", "quiet_hours": {"start": "10:00", "end": "19:30"},
            "sender_mode": "injector"}
    r = s.request("POST", "/v1/practices", body, key=ADMIN_KEY)
    eq(r.status, 201)
    p = r.json
    eq(len(p["webhook_secret"]), 64, "a generated webhook secret is shown once")
    eq(p["quiet_hours"], {"start": "10:00", "end": "19:30"})
    eq(p["sender_mode"], "injector")
    got = s.request("GET", f"/v1/practices/{p['id']}", key=ADMIN_KEY).json
    check("webhook_secret" not in got, "the secret is never read back")
    eq(got["booking_url"], body["booking_url"])
    r = s.request("PATCH", f"/v1/practices/{p['id']}", {"address": None, "quiet_hours": {"end": "20:30"},
                                                        "paused": True}, key=ADMIN_KEY)
    eq(r.status, 200)
    eq((r.json["address"], r.json["quiet_hours"]["end"], r.json["paused"], r.json["name"]),
       (None, "20:30", True, "Glow"))
    r = s.request("POST", "/v1/practices", {"name": "Own secret", "time_zone": "UTC",
                                            "webhook_secret": "s" * 20}, key=ADMIN_KEY)
    eq(r.json["webhook_secret"], "s" * 20)


@test
def practice_validation_errors():
    s = shared()
    before = count_practices(s)
    cases = [
        ({"time_zone": "UTC"}, 422, "missing_field", "name"),
        ({"name": "X"}, 422, "missing_field", "time_zone"),
        ({"name": "", "time_zone": "UTC"}, 422, "invalid_value", "name"),
        ({"name": "X", "time_zone": "Mars/Olympus"}, 422, "invalid_value", "time_zone"),
        ({"name": "X", "time_zone": "posix/America/New_York"}, 422, "invalid_value", "time_zone"),
        ({"name": 5, "time_zone": "UTC"}, 422, "wrong_type", "name"),
        ({"name": "X", "time_zone": "UTC", "colour": "red"}, 400, "unknown_field", "colour"),
        ({"name": "X", "time_zone": "UTC", "booking_url": "ftp://x"}, 422, "invalid_value", "booking_url"),
        ({"name": "X", "time_zone": "UTC", "sms_from": "5551234"}, 422, "invalid_value", "sms_from"),
        ({"name": "X", "time_zone": "UTC", "email_from": "nope"}, 422, "invalid_value", "email_from"),
        ({"name": "X", "time_zone": "UTC", "sender_mode": "robot"}, 422, "invalid_value", "sender_mode"),
        ({"name": "X", "time_zone": "UTC", "webhook_secret": "short"}, 422, "invalid_value", "webhook_secret"),
        ({"name": "X", "time_zone": "UTC", "quiet_hours": {"start": "07:00"}}, 422, "invalid_value", "quiet_hours"),
        ({"name": "X", "time_zone": "UTC", "quiet_hours": {"end": "22:00"}}, 422, "invalid_value", "quiet_hours"),
        ({"name": "X", "time_zone": "UTC", "quiet_hours": {"start": "15:00", "end": "12:00"}}, 422,
         "invalid_value", "quiet_hours"),
        ({"name": "X", "time_zone": "UTC", "quiet_hours": {"start": "9am"}}, 422, "invalid_value",
         "quiet_hours.start"),
        ({"name": "X", "time_zone": "UTC", "quiet_hours": {"begin": "09:00"}}, 400, "unknown_field",
         "quiet_hours.begin"),
        ({"name": "X", "time_zone": "UTC", "paused": "yes"}, 422, "wrong_type", "paused"),
    ]
    for body, status, code, field in cases:
        r = s.request("POST", "/v1/practices", body, key=ADMIN_KEY)
        eq((r.status, r.error["code"], r.error["details"].get("field")), (status, code, field), str(body))
    eq(count_practices(s), before, "no practice written by a refused request")


@test
def patch_validation_and_unknown_practice():
    s = shared()
    p = s.request("POST", "/v1/practices", {"name": "P", "time_zone": "UTC"}, key=ADMIN_KEY).json
    path = f"/v1/practices/{p['id']}"
    r = s.request("PATCH", path, {"name": None}, key=ADMIN_KEY)
    eq((r.status, r.error["details"]["field"]), (422, "name"))
    r = s.request("PATCH", path, {"quiet_hours": {"start": "20:30"}}, key=ADMIN_KEY)
    eq((r.status, r.error["details"]["field"]), (422, "quiet_hours"), "start after the stored end")
    eq(s.request("GET", path, key=ADMIN_KEY).json["quiet_hours"]["start"], "09:00", "unchanged")
    r = s.request("PATCH", "/v1/practices/00000000-0000-0000-0000-000000000000", {"name": "Z"}, key=ADMIN_KEY)
    eq(r.status, 404)
    eq(s.request("GET", "/v1/practices/not-a-uuid", key=ADMIN_KEY).status, 404)
