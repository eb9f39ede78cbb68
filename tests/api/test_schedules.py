"""Injector schedules, open slots, no double booking, and the signed booking
link with its open slots in step 1."""
import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

from harness import check, eq, psql, test
from test_dispatch import client, days_ago_there, fakes, practice, server, wait_for

NY = ZoneInfo("America/New_York")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def next_weekday(weekday, after_days=2):
    """The first date, at least after_days from today (New York), falling on weekday (0 = Monday)."""
    day = dt.datetime.now(NY).date() + dt.timedelta(days=after_days)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def at(day, hhmm):
    h, m = map(int, hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=NY).isoformat()


def injector_with(s, p, hours, buffer=0, days_off=()):
    inj = s.request("POST", "/v1/injectors", {"name": "Dr. Rivera"}, key=p.staff).json
    body = {"buffer_minutes": buffer, "hours": hours, "days_off": list(days_off)}
    r = s.request("PUT", f"/v1/injectors/{inj['id']}/schedule", body, key=p.staff)
    eq(r.status, 200, str(r))
    return inj


def slot_times(s, p, inj, day, to=None, **q):
    query = "&".join(f"{k}={v}" for k, v in {"injector_id": inj["id"], "from": day.isoformat(),
                                               "to": (to or day).isoformat(), **q}.items())
    r = s.request("GET", "/v1/slots?" + query, key=p.staff)
    eq(r.status, 200, str(r))
    return [x["starts_at"] for x in r.json["data"]]


def book(s, p, c, inj, starts, minutes=30, **extra):
    return s.request("POST", "/v1/bookings", {"client_id": c["id"], "injector_id": inj["id"], "starts_at": starts,
                                              "duration_minutes": minutes, **extra}, key=p.staff)


@test
def a_schedule_is_replaced_whole_and_bad_ones_name_their_field():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        other = practice(s)
        hours = [{"weekday": "mon", "start": "09:00", "end": "12:00"},
                 {"weekday": "mon", "start": "13:00", "end": "17:00"},
                 {"weekday": "sat", "start": "10:00", "end": "14:00"}]
        inj = injector_with(s, p, hours, buffer=10, days_off=[{"date": "2027-01-01", "reason": "Holiday"}])
        got = s.request("GET", f"/v1/injectors/{inj['id']}/schedule", key=p.staff).json
        eq((got["buffer_minutes"], got["hours"], got["days_off"], got["time_zone"]),
           (10, hours, [{"date": "2027-01-01", "reason": "Holiday"}], "America/New_York"))
        cases = [
            ({"hours": [{"weekday": "monday", "start": "09:00", "end": "10:00"}]}, "hours[0].weekday"),
            ({"hours": [{"weekday": "mon", "start": "9am", "end": "10:00"}]}, "hours[0].start"),
            ({"hours": [{"weekday": "mon", "start": "10:00", "end": "10:00"}]}, "hours[0].end"),
            ({"hours": [hours[0], {"weekday": "mon", "start": "11:00", "end": "14:00"}]}, "hours[1]"),
            ({"hours": [{"weekday": "mon", "start": "09:00", "end": "10:00", "room": 2}]}, "hours[0].room"),
            ({"hours": ["mon 9-5"]}, "hours[0]"),
            ({"days_off": [{"date": "2027-02-30"}]}, "days_off[0].date"),
            ({"days_off": [{"date": "2027-01-01"}, {"date": "2027-01-01"}]}, "days_off[1].date"),
            ({"buffer_minutes": 500}, "buffer_minutes"),
        ]
        for body, field in cases:
            r = s.request("PUT", f"/v1/injectors/{inj['id']}/schedule", body, key=p.staff)
            eq((r.status, r.error["details"].get("field")), (422, field), str(body))
        r = s.request("PUT", f"/v1/injectors/{inj['id']}/schedule", {"hours": "always"}, key=p.staff)
        eq((r.status, r.error["details"].get("field")), (422, "hours"))
        eq(s.request("GET", f"/v1/injectors/{inj['id']}/schedule", key=p.staff).json, got, "nothing changed")
        eq(s.request("GET", f"/v1/injectors/{inj['id']}/schedule", key=other.staff).status, 404)
        eq(s.request("PUT", f"/v1/injectors/{inj['id']}/schedule", {}, key=other.staff).status, 404)
        r = s.request("PUT", f"/v1/injectors/{inj['id']}/schedule", {}, key=p.staff)
        eq((r.json["hours"], r.json["days_off"], r.json["buffer_minutes"]), ([], [], 0), "replaced whole")
    finally:
        s.stop()


@test
def slots_leave_out_bookings_buffers_days_off_and_away_dates():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        monday = next_weekday(0)
        tuesday, wednesday, saturday = (monday + dt.timedelta(days=n) for n in (1, 2, 5))
        inj = injector_with(s, p, [{"weekday": d, "start": "09:00", "end": "12:00"} for d in WEEKDAYS[:5]],
                            buffer=15, days_off=[{"date": tuesday.isoformat()}])
        eq(slot_times(s, p, inj, monday, duration_minutes=30, step_minutes=30),
           [at(monday, t) for t in ("09:00", "09:30", "10:00", "10:30", "11:00", "11:30")])
        c = client(s, p, email=None, away_periods=[{"from": wednesday.isoformat(), "to": wednesday.isoformat()}])
        eq(book(s, p, c, inj, at(monday, "10:00")).status, 201)
        # The visit holds 10:00-10:30 and its 15-minute buffer to 10:45; a 30-minute visit with its own buffer
        # starting 09:30 or 10:30 would overlap that.
        eq(slot_times(s, p, inj, monday, duration_minutes=30, step_minutes=30),
           [at(monday, t) for t in ("09:00", "11:00", "11:30")])
        eq(slot_times(s, p, inj, tuesday), [], "day off")
        eq(slot_times(s, p, inj, saturday), [], "no hours on Saturday")
        check(slot_times(s, p, inj, wednesday), "Wednesday is open")
        eq(slot_times(s, p, inj, wednesday, client_id=c["id"]), [], "the client is away on Wednesday")
        # Whatever is offered can be booked; what is not offered is refused.
        c2 = client(s, p, phone="+15559990000", email=None)
        eq(book(s, p, c2, inj, at(monday, "09:30")).status, 409)
        r = book(s, p, c2, inj, at(monday, "11:30"))
        eq(r.status, 201, str(r))
        r = book(s, p, c2, inj, at(monday, "12:30"))
        eq((r.status, r.error["details"]["field"]), (422, "starts_at"), "outside hours")
        eq(book(s, p, c2, inj, at(tuesday, "10:00")).status, 422, "day off")
        eq(book(s, p, c2, inj, at(monday, "12:30"), override_hours=True).status, 201, "overridden")
        # Bad queries are 400 naming the parameter; another practice's injector is 404.
        for q, field in (("from=soon", "from"), ("to=2027-13-01", "to"), ("duration_minutes=2", "duration_minutes"),
                         ("injector_id=x", "injector_id"), (f"from={monday}&to={monday + dt.timedelta(days=90)}",
                                                            "to"), (f"from={tuesday}&to={monday}", "to")):
            r = s.request("GET", "/v1/slots?" + q, key=p.staff)
            eq((r.status, r.error["details"].get("field")), (400, field), q)
        other = practice(s)
        eq(s.request("GET", f"/v1/slots?injector_id={inj['id']}", key=other.staff).status, 404)
        r = s.request("GET", "/v1/slots", key=p.staff)
        eq((r.status, r.json["time_zone"]), (200, "America/New_York"), "defaults: all injectors, two weeks")
    finally:
        s.stop()


@test
def slots_keep_local_hours_across_the_daylight_saving_change():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        inj = injector_with(s, p, [{"weekday": "sun", "start": "09:00", "end": "10:00"}])
        # New York springs forward on Sunday 2027-03-14: 09:00 is -05:00 a week before and -04:00 that day.
        got = slot_times(s, p, inj, dt.date(2027, 3, 7), to=dt.date(2027, 3, 14), step_minutes=30)
        eq(got, ["2027-03-07T09:00:00-05:00", "2027-03-07T09:30:00-05:00",
                 "2027-03-14T09:00:00-04:00", "2027-03-14T09:30:00-04:00"])
        c = client(s, p, email=None)
        eq(book(s, p, c, inj, "2027-03-14T09:00:00-04:00").status, 201)
        eq(book(s, p, c, inj, "2027-03-14T08:30:00-04:00").status, 422, "08:30 local is before hours")
    finally:
        s.stop()


@test
def two_parallel_bookings_of_one_slot_exactly_one_wins():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        inj = injector_with(s, p, [])
        clients = [client(s, p, phone=f"+1555444{n:04d}", email=None) for n in range(2)]
        base = dt.datetime.now(NY).replace(microsecond=0, second=0) + dt.timedelta(days=5)
        for round_no in range(5):
            starts = (base + dt.timedelta(hours=round_no)).isoformat()
            replies, gate = [None, None], threading.Barrier(2)

            def post(i, starts=starts, replies=replies, gate=gate):
                gate.wait()
                replies[i] = book(s, p, clients[i], inj, starts, minutes=45)
            threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            eq(sorted(r.status for r in replies), [201, 409], f"round {round_no}")
            won = [r for r in replies if r.status == 201][0].json
            lost = [r for r in replies if r.status == 409][0]
            eq(lost.error["details"]["field"], "starts_at")
            check(won["id"] in lost.error["message"], f"the 409 names the booking that holds the slot: {lost}")
        # Cancelled, the time is free again; rescheduling onto a booked time is a 409 too.
        b = s.request("GET", "/v1/bookings", key=p.staff).json["data"]
        eq(len(b), 5)
        eq(s.request("PATCH", f"/v1/bookings/{b[0]['id']}", {"state": "cancelled"}, key=p.staff).status, 200)
        eq(book(s, p, clients[0], inj, b[0]["starts_at"]).status, 201)
        r = s.request("PATCH", f"/v1/bookings/{b[1]['id']}", {"starts_at": b[2]["starts_at"]}, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (409, "starts_at"))
        check(b[2]["id"] in r.error["message"], r.error["message"])
    finally:
        s.stop()


def refill_sms(f, s, p, c):
    return wait_for("step 1", lambda: [m for m in f.twilio.messages()
                                       if "refresh window" in m["form"]["Body"]])[0]["form"]["Body"]


@test
def step_1_carries_a_signed_booking_link_and_real_open_slots():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        inj = injector_with(s, p, [{"weekday": d, "start": "10:00", "end": "16:00"} for d in WEEKDAYS])
        c = client(s, p, email=None)
        r = s.request("POST", "/v1/treatments", {"client_id": c["id"], "injector_id": inj["id"],
                                                 "performed_at": days_ago_there(c, 70), "items": [{"type": "botox"}]},
                      key=p.staff)
        eq(r.status, 201)
        body = refill_sms(f, s, p, c)
        check("Reply 1-3 to book: 1) " in body and body.count("10:00am") == 3, f"three open slots, the first of each day: {body}")
        token = body.split("https://glow.example.com/book?t=")[1].split()[0]
        eq(len(token), 70)
        link = s.request("GET", f"/v1/booking-links/{token}")
        eq(link.status, 200, str(link))
        eq((link.json["client_id"], link.json["practice_id"], link.json["injector_id"], link.json["treatment_type"]),
           (c["id"], p.id, inj["id"], "botox"))
        check(link.json["slots"] and all(x["injector_id"] == inj["id"] for x in link.json["slots"]), link.json)
        tampered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
        eq(s.request("GET", f"/v1/booking-links/{tampered}").status, 404)
        eq(s.request("GET", "/v1/booking-links/nonsense").status, 404)
    finally:
        s.stop()


@test
def an_expired_booking_link_no_longer_opens():
    f = fakes()
    s = server(f, BOOKING_LINK_TTL_S="2")
    try:
        p = practice(s)
        c = client(s, p, email=None)
        s.request("POST", "/v1/treatments", {"client_id": c["id"], "performed_at": days_ago_there(c, 70),
                                             "items": [{"type": "botox"}]}, key=p.staff)
        token = refill_sms(f, s, p, c).split("?t=")[1].split()[0]
        eq(s.request("GET", f"/v1/booking-links/{token}").status, 200)
        time.sleep(3)
        eq(s.request("GET", f"/v1/booking-links/{token}").status, 404)
    finally:
        s.stop()


@test
def attribution_counts_a_reminder_sent_up_to_7_days_before_the_booking():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        starts = (dt.datetime.now(NY) + dt.timedelta(days=10)).replace(microsecond=0).isoformat()
        sources = {}
        for n, age in enumerate(("6 days 23 hours", "7 days 1 minute")):
            c = client(s, p, phone=f"+1555333{n:04d}", email=None)
            s.request("POST", "/v1/treatments", {"client_id": c["id"], "performed_at": days_ago_there(c, 70),
                                                 "items": [{"type": "botox"}]}, key=p.staff)
            wait_for("step 1 sent", lambda c=c: psql(
                f"SELECT count(*) FROM messages WHERE client_id = '{c['id']}' AND state = 'sent'", db=s.db) == "1")
            psql(f"UPDATE messages SET sent_at = now() - interval '{age}' WHERE client_id = '{c['id']}'", db=s.db)
            b = s.request("POST", "/v1/bookings", {"client_id": c["id"], "starts_at": starts, "duration_minutes": 30},
                          key=p.staff).json
            sources[age] = (b["source"], b["caused_by_step"] is not None)
        eq(sources, {"6 days 23 hours": ("reminder", True), "7 days 1 minute": ("organic", False)})
    finally:
        s.stop()
