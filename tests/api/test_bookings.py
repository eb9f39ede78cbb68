"""Bookings end the reminders they make unnecessary, record the reminder that
brought them, and a cancel re-opens what is still ahead."""
import datetime as dt

from harness import check, eq, test
from test_dispatch import client, days_ago_there, fakes, messages, practice, server, visit, wait_for


@test
def a_booking_after_step_1_stops_steps_2_and_3_and_is_attributed():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p, email=None)
        visit(s, p, c, 70, types=("botox", "lip_filler"))
        wait_for("step 1 sent", lambda: [m for m in messages(s, p) if m["state"] == "sent"])
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
    finally:
        s.stop()


@test
def a_booking_naming_no_service_ends_every_family_and_is_organic_without_a_reminder():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p)
        body = {"client_id": c["id"], "performed_at": days_ago_there(c, 2),
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


@test
def a_booking_plans_its_confirmations_and_follows_reschedule_and_cancel():
    from zoneinfo import ZoneInfo
    f = fakes()
    s = server(f)
    try:
        p = practice(s, address="1 Main St", parking_text="Park behind the building.",
                     check_in_text="Check in at the front desk.", intake_url="https://glow.example.com/intake")
        inj = s.request("POST", "/v1/injectors", {"name": "Dr. Rivera"}, key=p.staff).json
        c = client(s, p, email=None)
        zone = ZoneInfo(c["time_zone"])
        starts = (dt.datetime.now(zone) + dt.timedelta(days=3)).replace(second=0, microsecond=0)
        b = s.request("POST", "/v1/bookings", {"client_id": c["id"], "injector_id": inj["id"], "duration_minutes": 30,
                                               "starts_at": starts.isoformat()}, key=p.staff).json
        got = wait_for("the booking confirmation", lambda: f.twilio.messages())
        text = got[0]["form"]["Body"]
        check("you are booked" in text and "Dr. Rivera" in text and starts.strftime("%B") in text, text)
        seq = [q for q in s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
               if q["kind"] == "confirmation"][0]
        due = {st["step"]: dt.datetime.fromisoformat(st["due_at"]) for st in seq["steps"]}
        eq(sorted(due), ["confirmation_24h", "confirmation_48h", "confirmation_booked", "confirmation_morning"])
        eq(due["confirmation_48h"], starts - dt.timedelta(hours=48))
        eq(due["confirmation_24h"], starts - dt.timedelta(hours=24))
        morning = due["confirmation_morning"].astimezone(zone)
        eq((morning.date(), morning.strftime("%H:%M")), (starts.date(), "09:00"), "the morning of, at 09:00 local")
        check(all(st["promotional"] is False for st in seq["steps"]), "confirmations are not promotion")
        # Rescheduled: the old steps end, new ones are planned and the new time is confirmed.
        later = starts + dt.timedelta(days=2)
        r = s.request("PATCH", f"/v1/bookings/{b['id']}", {"starts_at": later.isoformat()}, key=p.staff)
        eq(r.status, 200)
        wait_for("the new confirmation", lambda: len(f.twilio.messages()) == 2)
        seqs = [q for q in s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
                if q["kind"] == "confirmation"]
        old = [q for q in seqs if q["state"] == "ended"][0]
        eq(old["end_reason"], "rescheduled")
        eq({st["state"] for st in old["steps"] if st["step"] != "confirmation_booked"}, {"cancelled"})
        new = [q for q in seqs if q["state"] == "active"][0]
        eq(dt.datetime.fromisoformat([st for st in new["steps"] if st["step"] == "confirmation_24h"][0]["due_at"]),
           later - dt.timedelta(hours=24))
        # Cancelled: nothing more is sent for it.
        s.request("PATCH", f"/v1/bookings/{b['id']}", {"state": "cancelled"}, key=p.staff)
        seqs = [q for q in s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
                if q["kind"] == "confirmation"]
        eq({q["state"] for q in seqs}, {"ended"})
        pending = [st for q in seqs for st in q["steps"] if st["state"] in ("planned", "deferred")]
        eq(pending, [])
        # Soon (30 hours): no 48-hour step. In the past (a PMS recording history): no confirmations.
        soon = dt.datetime.now(zone) + dt.timedelta(hours=30)
        c2 = client(s, p, phone="+15551110000", email=None)
        s.request("POST", "/v1/bookings", {"client_id": c2["id"], "starts_at": soon.isoformat(), "duration_minutes": 30},
                  key=p.staff)
        steps = [st["step"] for q in s.request("GET", f"/v1/clients/{c2['id']}/reminders", key=p.staff).json["data"]
                 for st in q["steps"]]
        check("confirmation_48h" not in steps and "confirmation_24h" in steps, steps)
        c3 = client(s, p, phone="+15552220000", email=None)
        past = dt.datetime.now(zone) - dt.timedelta(days=1)
        s.request("POST", "/v1/bookings", {"client_id": c3["id"], "starts_at": past.isoformat(), "duration_minutes": 30,
                                           "source": "pms"}, key=p.integration)
        eq(s.request("GET", f"/v1/clients/{c3['id']}/reminders", key=p.staff).json["data"], [])
    finally:
        s.stop()
