"""Bookings end the reminders they make unnecessary, record the reminder that
brought them, and a cancel re-opens what is still ahead."""
import datetime as dt

from harness import check, eq, test
from test_dispatch import client, fakes, messages, practice, server, visit, wait_for


def steps_of(s, p, c, kind="refill"):
    seqs = s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
    return {st["step"]: st for q in seqs if q["kind"] == kind for st in q["steps"]}


@test
def a_booking_after_step_1_stops_steps_2_and_3_and_is_attributed():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p, email=None)
        visit(s, p, c, 70, types=("botox", "lip_filler"))
        wait_for("step 1 sent", lambda: [m for m in messages(s, p) if m["state"] == "sent"])
        step1 = steps_of(s, p, c)
        starts = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)).replace(microsecond=0).isoformat()
        r = s.request("POST", "/v1/bookings", {"client_id": c["id"], "starts_at": starts, "duration_minutes": 30,
                                               "services": ["Botox Cosmetic"]}, key=p.staff)
        eq(r.status, 201)
        b = r.json
        eq((b["source"], b["families"]), ("reminder", ["neuromodulator"]))
        seqs = s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
        botox = [st for q in seqs if q["kind"] == "refill" and q["family"] == "neuromodulator" for st in q["steps"]]
        eq({st["step"]: (st["state"], st["reason"]) for st in botox if st["step"] != "refill_1"},
           {"refill_2": ("cancelled", "booked"), "refill_3": ("cancelled", "booked"), "lapse": ("cancelled", "booked")})
        check(b["caused_by_step"] in {st["id"] for st in botox}, "the step sent before the booking is its cause")
        filler = [st for q in seqs if q["kind"] == "refill" and q["family"] == "ha_filler" for st in q["steps"]]
        check(all(st["state"] != "cancelled" for st in filler), "the filler cycle is not touched")
        eq(s.request("GET", f"/v1/bookings?client_id={c['id']}", key=p.staff).json["data"][0]["id"], b["id"])
        # Cancelled with no other future booking: the steps still ahead are planned again.
        r = s.request("PATCH", f"/v1/bookings/{b['id']}", {"state": "cancelled", "cancel_reason": "sick"}, key=p.staff)
        eq((r.status, r.json["state"]), (200, "cancelled"))
        seqs = s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
        botox = {st["step"]: st["state"] for q in seqs if q["kind"] == "refill" and q["family"] == "neuromodulator"
                 for st in q["steps"]}
        eq((botox["refill_2"], botox["refill_3"], botox["lapse"]), ("planned", "planned", "planned"))
        check(step1)
    finally:
        s.stop()


@test
def a_booking_naming_no_service_ends_every_family_and_is_organic_without_a_reminder():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p)
        today = dt.date.today()
        body = {"client_id": c["id"], "performed_at": f"{(today - dt.timedelta(days=2)).isoformat()}T12:00:00+00:00",
                "items": [{"type": "botox"}, {"type": "lip_filler"}]}
        eq(s.request("POST", "/v1/treatments", body, key=p.staff).status, 201)
        starts = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=60)).replace(microsecond=0).isoformat()
        b = s.request("POST", "/v1/bookings", {"client_id": c["id"], "starts_at": starts, "duration_minutes": 45},
                      key=p.integration).json
        eq((b["source"], b["families"], b["caused_by_step"]), ("organic", [], None))
        seqs = s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
        refill_states = {st["state"] for q in seqs if q["kind"] == "refill" for st in q["steps"]}
        eq(refill_states, {"cancelled"})
        care = {st["state"] for q in seqs if q["kind"] == "aftercare" for st in q["steps"]}
        check("cancelled" not in care, "aftercare continues")
        # A second booking, then cancelling the first: the other future booking keeps the steps ended.
        b2 = s.request("POST", "/v1/bookings", {"client_id": c["id"], "starts_at": starts, "duration_minutes": 30,
                                                "source": "pms", "external_id": "APT-1"}, key=p.integration).json
        eq(b2["source"], "pms")
        s.request("PATCH", f"/v1/bookings/{b['id']}", {"state": "cancelled"}, key=p.staff)
        seqs = s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
        eq({st["state"] for q in seqs if q["kind"] == "refill" for st in q["steps"]}, {"cancelled"})
        r = s.request("POST", "/v1/bookings", {"client_id": c["id"], "starts_at": starts, "duration_minutes": 30,
                                               "source": "pms", "external_id": "APT-1"}, key=p.integration)
        eq((r.status, r.error["details"]["field"]), (409, "external_id"))
    finally:
        s.stop()


@test
def booking_validation():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        other = practice(s)
        c = client(s, p)
        ok = {"client_id": c["id"], "starts_at": "2027-01-05T15:00:00-05:00", "duration_minutes": 30}
        cases = [
            ({**ok, "client_id": "nope"}, 422, "client_id"),
            ({**ok, "starts_at": "tomorrow"}, 422, "starts_at"),
            ({**ok, "duration_minutes": 0}, 422, "duration_minutes"),
            ({**ok, "services": ["potion"]}, 422, "services[0]"),
            ({**ok, "source": "walk-in"}, 422, "source"),
            ({**ok, "injector_id": "00000000-0000-0000-0000-000000000000"}, 422, "injector_id"),
            ({k: v for k, v in ok.items() if k != "starts_at"}, 422, "starts_at"),
            ({**ok, "room": 4}, 400, "room"),
        ]
        for body, status, field in cases:
            r = s.request("POST", "/v1/bookings", body, key=p.staff)
            eq((r.status, r.error["details"].get("field")), (status, field), str(body))
        r = s.request("POST", "/v1/bookings", ok, key=other.staff)
        eq((r.status, r.error["details"]["field"]), (422, "client_id"), "another practice's client")
        eq(s.request("GET", "/v1/bookings", key=p.staff).json["data"], [], "nothing written")
        eq(s.request("PATCH", "/v1/bookings/00000000-0000-0000-0000-000000000000", {"state": "cancelled"},
                     key=p.staff).status, 404)
        b = s.request("POST", "/v1/bookings", ok, key=p.staff).json
        r = s.request("PATCH", f"/v1/bookings/{b['id']}", {"state": "gone"}, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (422, "state"))
        eq(s.request("PATCH", f"/v1/bookings/{b['id']}", {"state": "completed"}, key=other.staff).status, 404)
    finally:
        s.stop()
