"""Zenoti and PatientNow webhooks posting the vendors' own payloads
(tests/api/vendor_payloads): visits, refunds, guests and appointments land as
treatments, refunds, clients and bookings; out-of-order events converge;
names Cadence cannot map are listed, not dropped; errors name the vendor's field."""
import datetime as dt
from zoneinfo import ZoneInfo

import payloads
from harness import check, eq, psql, test
from test_dispatch import fakes, practice, server, wait_for, zone_at
from test_webhooks import pms_post

SECRET = "pms-secret-0123456789"
NY = ZoneInfo("America/New_York")


def clients_of(s, p):
    return s.request("GET", "/v1/clients", key=p.staff).json["data"]


def zenoti(s, p, name, **changes):
    return pms_post(s, p, payloads.load("zenoti/" + name, **changes), SECRET, vendor="zenoti")


def patientnow(s, p, name, **changes):
    return pms_post(s, p, payloads.load("patientnow/" + name, **changes), SECRET, vendor="patientnow")


def outcome(r, i=0):
    return r.json["operations"][i]["outcome"]


@test
def a_zenoti_invoice_records_the_visit_its_day_70_reminder_reaches_twilio_and_a_refund_reverses_it():
    f = fakes()
    s = server(f)
    try:
        noon = zone_at(12)  # the practice's local time is midday: inside the quiet hours' window
        p = practice(s, webhook_secret=SECRET, time_zone=noon)
        day = dt.datetime.now(ZoneInfo(noon)).date() - dt.timedelta(days=70)
        r = zenoti(s, p, "invoice_closed", data__invoice__invoice_date=f"{day}T11:30:00")
        eq(r.status, 201, str(r))
        op = r.json["operations"][0]
        eq((op["op"], op["outcome"], op["unmapped"]),
           ("treatment.completed", "created", ["SkinMedica TNS Advanced+ Serum"]))
        t = r.json["result"]
        eq((t["source"], [(i["type"], i["price_cents"]) for i in t["items"]]),
           ("zenoti", [("botox", 28000), ("lip_filler", 17000)]), "brand names with units and signs map")
        local = dt.datetime.fromisoformat(t["performed_at"]).astimezone(ZoneInfo(noon))
        eq((local.date(), local.strftime("%H:%M")), (day, "11:30"), "Zenoti's local time read in the practice's zone")
        c = clients_of(s, p)[0]
        eq((c["first_name"], c["phone"], c["email"], c["consents"]["sms"], c["consents"]["email"]),
           ("Pia", "+15554443333", "pia.lopez@example.com", True, False))
        eq([i["name"] for i in s.request("GET", "/v1/injectors", key=p.staff).json["data"]], ["Dr. Rivera"])
        sms = wait_for("the day-70 reminder", lambda: f.twilio.messages())
        eq(sms[0]["form"]["To"], "+15554443333")
        check("Botox" in sms[0]["form"]["Body"], sms[0]["form"]["Body"])
        unmapped = s.request("GET", "/v1/integrations/unmapped", key=p.staff).json["data"]
        eq([(u["vendor"], u["name"]) for u in unmapped], [("zenoti", "SkinMedica TNS Advanced+ Serum")])
        check(earned_and_reversed(s, p, c["id"])[0] > 0, "the visit earned points")
        eq(zenoti(s, p, "invoice_closed", data__invoice__invoice_date=f"{day}T11:30:00").json["status"], "duplicate")
        # Zenoti's refund invoice (its own id, negative prices) refunds the visit: points back, out of analytics.
        refund_day = day + dt.timedelta(days=2)
        r = zenoti(s, p, "invoice_closed_refund", data__invoice__invoice_date=f"{refund_day}T10:02:00")
        eq((r.status, op_of(r)), (200, ("treatment.refunded", "refunded")), str(r))
        eq((r.json["result"]["id"], r.json["result"]["refunded_at"] is not None), (t["id"], True))
        earned, reversed_ = earned_and_reversed(s, p, c["id"])
        eq(reversed_, -earned, "the refund took the visit's points back")
        eq(psql(f"SELECT count(*) FROM retention_visits WHERE practice_id = '{p.id}' AND NOT refunded", db=s.db), "0",
           "a refunded visit counts nowhere in the analytics")
        # The same refund again under a new delivery id is stale; another refund of the same visit changes nothing.
        r = zenoti(s, p, "invoice_closed_refund", id="65f9a1b3c7314f7815db9c99",
                   data__invoice__invoice_date=f"{refund_day}T10:02:00")
        eq(op_of(r), ("treatment.refunded", "stale"))
        r = zenoti(s, p, "invoice_closed_refund", id="65f9a1b3c7314f7815db9c97", data__invoice__id="second-refund",
                   data__invoice__invoice_date=f"{refund_day}T10:02:00")
        eq(op_of(r), ("treatment.refunded", "unchanged"))
        # A refund of something Cadence never recorded is acknowledged and ignored.
        r = zenoti(s, p, "invoice_closed_refund", id="65f9a1b3c7314f7815db9c98", data__invoice__id="third-refund",
                   data__invoice__guest__id="someone-else", data__invoice__invoice_date=f"{refund_day}T10:02:00")
        eq((r.status, op_of(r)), (200, ("treatment.refunded", "ignored")))
        # A Zenoti shape without what Cadence needs is refused naming the vendor's field, and writes nothing.
        bad = payloads.load("zenoti/invoice_closed", id="wh-3", data__invoice__id="inv-3")
        del bad["data"]["invoice"]["guest"]["id"]
        r = pms_post(s, p, bad, SECRET, vendor="zenoti")
        eq((r.status, r.error["details"]["field"]), (422, "data.invoice.guest.id"))
        r = zenoti(s, p, "invoice_closed", id="wh-4", data__invoice__id="inv-4", data__invoice__invoice_date="Tuesday")
        eq((r.status, r.error["details"]["field"]), (422, "data.invoice.invoice_date"))
        eq(psql(f"SELECT count(*) FROM treatments WHERE practice_id = '{p.id}'", db=s.db), "1")
    finally:
        s.stop()


def earned_and_reversed(s, p, client_id):
    """Points the client earned on visits, and the points reversals took back (negative)."""
    entries = s.request("GET", f"/v1/clients/{client_id}/loyalty/ledger", key=p.staff).json["data"]
    return (sum(e["points"] for e in entries if e["kind"] == "earn"),
            sum(e["points"] for e in entries if e["kind"] == "reverse"))


def op_of(r, i=0):
    o = r.json["operations"][i]
    return (o["op"], o["outcome"])


@test
def vendor_event_times_without_an_offset_are_the_practices_and_errors_name_the_vendors_field():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret=SECRET)  # America/New_York
        # Zenoti's event_timestamp without an offset: read in the practice's zone, not refused.
        r = zenoti(s, p, "guest_updated", event_timestamp="2026-12-01T16:12:00")
        eq((r.status, outcome(r)), (201, "created"), str(r))
        # 16:12 in New York is 21:12Z: an event at 20:00Z is older, one at 22:00Z newer.
        eq(outcome(zenoti(s, p, "guest_created", event_timestamp="2026-12-01T20:00:00Z")), "stale")
        eq(outcome(zenoti(s, p, "guest_created", id="wh-newer", event_timestamp="2026-12-01T22:00:00Z")), "updated")
        r = zenoti(s, p, "guest_updated", id="wh-bad", event_timestamp="yesterday")
        eq((r.status, r.error["details"]["field"]), (422, "event_timestamp"))
        r = patientnow(s, p, "customer_updated", eventId="pn-bad", occurredAt="2026-13-45T10:00:00")
        eq((r.status, r.error["details"]["field"]), (422, "occurredAt"))
        # Errors after mapping still name what the vendor sent.
        r = patientnow(s, p, "purchase_completed", data__purchaseDate="2026-02-30T10:00:00-05:00")
        eq((r.status, r.error["details"]["field"]), (422, "data.purchaseDate"))
        r = patientnow(s, p, "appointment_created", data__durationMinutes=0)
        eq((r.status, r.error["details"]["field"]), (422, "data.durationMinutes"))
        r = patientnow(s, p, "purchase_completed", eventId="pn-units", data__items__1__units=99999,
                       data__purchaseDate=(dt.datetime.now(NY) - dt.timedelta(days=1)).replace(microsecond=0).isoformat())
        eq((r.status, r.error["details"]["field"]), (422, "data.items[1].units"))
        eq(psql(f"SELECT count(*) FROM treatments WHERE practice_id = '{p.id}'", db=s.db), "0", "refusals write nothing")
    finally:
        s.stop()


@test
def zenoti_guest_events_converge_whatever_order_they_arrive_in():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret=SECRET)
        # The update (later at Zenoti) arrives first and creates the client; the older create is stale.
        r = zenoti(s, p, "guest_updated")
        eq((r.status, outcome(r)), (201, "created"), str(r))
        r = zenoti(s, p, "guest_created")
        eq((r.status, outcome(r)), (200, "stale"))
        c = clients_of(s, p)[0]
        eq((c["first_name"], c["phone"], c["consents"]["sms"]), ("Pia-Maria", "+15554449999", True),
           "personal_info and the structured phone")
        r = zenoti(s, p, "employee_created")
        eq((r.status, outcome(r)), (200, "ignored"), "events Cadence does not use")
    finally:
        s.stop()


@test
def zenoti_appointment_groups_book_change_status_and_late_events_change_nothing():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret=SECRET)
        day = dt.datetime.now(NY).date() + dt.timedelta(days=5)
        utc = dt.datetime.combine(day, dt.time(14, 0), NY).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        times = {"data__appointments__0__start_time": utc, "data__appointments__0__start_time_in_center": f"{day}T14:00:00"}

        def booking():
            return s.request("GET", "/v1/bookings", key=p.staff).json["data"]

        r = zenoti(s, p, "appointment_group_created", **times)
        eq((r.status, outcome(r), r.json["operations"][0]["unmapped"]), (201, "created", []), str(r))
        b = booking()[0]
        eq((b["source"], b["external_id"], b["duration_minutes"], b["families"], b["state"]),
           ("pms", "ce5dd625-2bef-4b93-9418-a54bee1d36d3", 45, ["neuromodulator"], "booked"),
           "'Botox - Forehead & Glabella (Cosmetic)' is no alias: booked with every family")
        eq(dt.datetime.fromisoformat(b["starts_at"]).astimezone(NY).strftime("%H:%M"), "14:00",
           "start_time_in_center is the center's time (start_time is UTC)")
        eq([i["name"] for i in s.request("GET", "/v1/injectors", key=p.staff).json["data"]], ["Dr. Rivera"])
        # A status change to Confirm (4) at a new time moves it; to Cancelled (-1) cancels it.
        later = {"data__appointments__0__start_time_in_center": f"{day}T16:00:00", "data__appointments__0__status": 4,
                 "event_timestamp": payloads.load("zenoti/appointment_group_status")["event_timestamp"].replace("13:10", "12:00")}
        r = zenoti(s, p, "appointment_group_status", id="wh-moved", **later)
        eq(outcome(r), "updated")
        eq(dt.datetime.fromisoformat(booking()[0]["starts_at"]).astimezone(NY).strftime("%H:%M"), "16:00")
        r = zenoti(s, p, "appointment_group_status", data__appointments__0__start_time_in_center=f"{day}T16:00:00")
        eq(outcome(r), "updated")
        eq((booking()[0]["state"], booking()[0]["cancel_reason"]), ("cancelled", "cancelled in zenoti"))
        # A reschedule sent before the cancel but delivered after it: stale, the booking stays cancelled.
        late = dict(later, event_timestamp=later["event_timestamp"].replace("12:00", "12:30"))
        late["data__appointments__0__start_time_in_center"] = f"{day}T17:00:00"
        eq(outcome(zenoti(s, p, "appointment_group_status", id="wh-late", **late)), "stale")
        eq((len(booking()), booking()[0]["state"]), (1, "cancelled"))
        # A status Cadence does not track (a break, an open slot) is acknowledged.
        r = zenoti(s, p, "appointment_group_status", id="wh-break", data__appointments__0__status=10)
        eq((r.status, outcome(r)), (200, "ignored"))
    finally:
        s.stop()


@test
def a_delivery_failing_in_its_last_operation_leaves_nothing_behind():
    """A Zenoti appointment group of two: the first is fine, the second's time is not a time. The delivery
    is refused naming the second, and the first is not booked, nor its guest or injector created, nor the
    delivery recorded as seen: the PMS's retry of the corrected delivery is applied whole."""
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret=SECRET)
        day = dt.datetime.now(NY).date() + dt.timedelta(days=5)
        body = payloads.load("zenoti/appointment_group_created")
        first = body["data"]["appointments"][0]
        first["start_time_in_center"] = f"{day}T14:00:00"
        second = dict(first, id="second-appointment", start_time_in_center=f"{day}T25:99:00",
                      therapist={"first_name": "Dr.", "last_name": "Second"})
        body["data"]["appointments"].append(second)
        counts = lambda: psql(f"SELECT (SELECT count(*) FROM bookings WHERE practice_id = '{p.id}') || ',' || "
                              f"(SELECT count(*) FROM clients WHERE practice_id = '{p.id}') || ',' || "
                              f"(SELECT count(*) FROM injectors WHERE practice_id = '{p.id}') || ',' || "
                              f"(SELECT count(*) FROM webhook_events WHERE practice_id = '{p.id}')", db=s.db)
        eq(counts(), "0,0,0,0")
        r = pms_post(s, p, body, SECRET, vendor="zenoti")
        eq((r.status, r.error["details"]["field"]), (422, "data.appointments[1].start_time_in_center"), str(r))
        eq(counts(), "0,0,0,0", "nothing of the first operation stays")
        second["start_time_in_center"] = f"{day}T16:00:00"
        r = pms_post(s, p, body, SECRET, vendor="zenoti")
        eq((r.status, [o["outcome"] for o in r.json["operations"]]), (201, ["created", "created"]), str(r))
        eq(counts(), "2,1,2,1")
    finally:
        s.stop()


@test
def patientnow_customers_purchases_refunds_and_appointments():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret=SECRET)
        r = patientnow(s, p, "customer_created")
        eq((r.status, r.json["result"]["phone"], r.json["result"]["external_ids"], r.json["result"]["consents"]["sms"]),
           (201, "+15552221111", [{"system": "patientnow", "id": "C-104877"}], True))
        bought = (dt.datetime.now(NY) - dt.timedelta(days=3)).replace(microsecond=0).isoformat()
        r = patientnow(s, p, "purchase_completed", data__purchaseDate=bought)
        eq(r.status, 201, str(r))
        eq(([(i["type"], i["units"]) for i in r.json["result"]["items"]], r.json["operations"][0]["unmapped"]),
           ([("botox", 24), ("lip_filler", 1)], ["Latisse 5ml"]))
        visit = r.json["result"]["id"]
        c = r.json["result"]["client_id"]
        eq(patientnow(s, p, "appointment_created",
                      data__startTime=(dt.datetime.now(NY) + dt.timedelta(days=9)).replace(microsecond=0).isoformat()
                      ).status, 201)
        b = s.request("GET", "/v1/bookings", key=p.staff).json["data"][0]
        eq(b["families"], ["neuromodulator"], "'Neuromodulator' names the family; 'Botox Touch Up' maps nothing")
        r = patientnow(s, p, "appointment_cancelled")
        eq(outcome(r), "updated")
        eq([b["state"] for b in s.request("GET", "/v1/bookings", key=p.staff).json["data"]], ["cancelled"])
        # purchase.refunded names the purchase: the visit is refunded, its points taken back.
        check(earned_and_reversed(s, p, c)[0] > 0)
        r = patientnow(s, p, "purchase_refunded")
        eq((r.status, op_of(r), r.json["result"]["id"]), (200, ("treatment.refunded", "refunded"), visit), str(r))
        earned, reversed_ = earned_and_reversed(s, p, c)
        eq(reversed_, -earned, "the visit's points are taken back")
        r = patientnow(s, p, "purchase_refunded", eventId="pn-refund-unknown", data__id="P-000000")
        eq(op_of(r), ("treatment.refunded", "ignored"))
        r = patientnow(s, p, "purchase_completed", eventId="pn-5", data__customerId=None, data__customer=None)
        eq((r.status, r.error["details"]["field"]), (422, "data.customerId"))
        r = patientnow(s, p, "appointment_updated", eventId="pn-6", data__id="A-2", data__status="Teleported")
        eq((r.status, r.error["details"]["field"]), (422, "data.status"))
        eq(len(s.request("GET", "/v1/bookings", key=p.staff).json["data"]), 1, "nothing written by refusals")
    finally:
        s.stop()
