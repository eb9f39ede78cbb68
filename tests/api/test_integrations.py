"""Zenoti and PatientNow webhooks in their own envelopes: visits, guests and
appointments land as treatments, clients and bookings; out-of-order events
converge; names Cadence cannot map are listed, not dropped."""
import datetime as dt
from zoneinfo import ZoneInfo

from harness import check, eq, psql, test
from test_dispatch import fakes, practice, server, wait_for, zone_at
from test_webhooks import pms_post

SECRET = "pms-secret-0123456789"
NY = ZoneInfo("America/New_York")


def stamp(minutes):
    """An event time, minutes after a fixed origin, so tests can order events."""
    return (dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=minutes)).isoformat()


def zenoti(event_id, event_type, data, minutes=0):
    return {"id": event_id, "event_id": "evt-type-id", "event_schema": "v1", "event_resource": event_type.split(".")[0],
            "event_type": event_type, "event_timestamp": stamp(minutes), "data": data}


GUEST = {"id": "g-100", "first_name": "Pia", "last_name": "Lopez", "mobile_phone": "+1 (555) 444-3333",
         "guest_email": "pia@example.com", "preferences": {"receive_marketing_sms": True,
                                                            "receive_marketing_email": False}}


def clients_of(s, p):
    return s.request("GET", "/v1/clients", key=p.staff).json["data"]


@test
def a_zenoti_invoice_records_the_visit_and_its_day_70_reminder_reaches_twilio():
    f = fakes()
    s = server(f)
    try:
        noon = zone_at(12)  # the practice's local time is midday: inside the quiet hours' window
        p = practice(s, webhook_secret=SECRET, time_zone=noon)
        day = dt.datetime.now(ZoneInfo(noon)).date() - dt.timedelta(days=70)
        invoice = {"invoice": {
            "id": "inv-1", "invoice_number": "7448", "is_refund": False, "invoice_date": f"{day}T11:30:00",
            "guest": GUEST,
            "invoice_items": [
                {"invoice_item_id": "ii-1", "name": "Botox Cosmetic", "type": 0, "price": {"final": 280.0},
                 "therapist": {"id": "t-1", "name": "Dr. Rivera"}},
                {"invoice_item_id": "ii-2", "name": "SkinMedica TNS Serum", "type": 2, "price": {"final": 95.5}}]}}
        r = pms_post(s, p, zenoti("wh-1", "Invoice.Closed", invoice), SECRET, vendor="zenoti")
        eq(r.status, 201, str(r))
        op = r.json["operations"][0]
        eq((op["op"], op["resource"], op["outcome"], op["unmapped"]),
           ("treatment.completed", "invoice:inv-1", "created", ["SkinMedica TNS Serum"]))
        t = r.json["result"]
        eq((t["source"], t["external_id"], [i["type"] for i in t["items"]], t["items"][0]["price_cents"]),
           ("zenoti", "inv-1", ["botox"], 28000))
        local = dt.datetime.fromisoformat(t["performed_at"]).astimezone(ZoneInfo(noon))
        eq((local.date(), local.strftime("%H:%M")), (day, "11:30"), "Zenoti's local time read in the practice's zone")
        c = clients_of(s, p)[0]
        eq((c["first_name"], c["phone"], c["email"], c["external_ids"], c["consents"]["sms"], c["consents"]["email"]),
           ("Pia", "+15554443333", "pia@example.com", [{"system": "zenoti", "id": "g-100"}], True, False))
        injectors = s.request("GET", "/v1/injectors", key=p.staff).json["data"]
        eq([(i["name"], i["id"]) for i in injectors], [("Dr. Rivera", t["injector_id"])])
        sms = wait_for("the day-70 reminder", lambda: f.twilio.messages())
        eq(sms[0]["form"]["To"], "+15554443333")
        check("Botox" in sms[0]["form"]["Body"], sms[0]["form"]["Body"])
        unmapped = s.request("GET", "/v1/integrations/unmapped", key=p.staff).json["data"]
        eq([(u["vendor"], u["name"], u["occurrences"]) for u in unmapped], [("zenoti", "SkinMedica TNS Serum", 1)])
        # The same delivery again, and a refund invoice: nothing more.
        eq(pms_post(s, p, zenoti("wh-1", "Invoice.Closed", invoice), SECRET, vendor="zenoti").json["status"],
           "duplicate")
        refund = {"invoice": dict(invoice["invoice"], id="inv-2", is_refund=True)}
        r = pms_post(s, p, zenoti("wh-2", "Invoice.Closed", refund), SECRET, vendor="zenoti")
        eq((r.status, r.json["operations"][0]["outcome"]), (200, "ignored"))
        eq(psql(f"SELECT count(*) FROM treatments WHERE practice_id = '{p.id}'", db=s.db), "1")
        # A Zenoti shape without what Cadence needs is refused naming the field, and writes nothing.
        bad = {"invoice": dict(invoice["invoice"], id="inv-3", guest={"first_name": "No id"})}
        r = pms_post(s, p, zenoti("wh-3", "Invoice.Closed", bad), SECRET, vendor="zenoti")
        eq((r.status, r.error["details"]["field"]), (422, "data.invoice.guest.id"))
        eq(psql(f"SELECT count(*) FROM treatments WHERE practice_id = '{p.id}'", db=s.db), "1")
    finally:
        s.stop()


@test
def zenoti_guest_events_converge_whatever_order_they_arrive_in():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret=SECRET)
        # The update (later at Zenoti) arrives first and creates the client; the older create is stale.
        r = pms_post(s, p, zenoti("wh-u", "Guest.Updated", dict(GUEST, first_name="Pia-Maria"), minutes=10), SECRET,
                     vendor="zenoti")
        eq((r.status, r.json["operations"][0]["outcome"]), (201, "created"))
        r = pms_post(s, p, zenoti("wh-c", "Guest.Created", GUEST, minutes=0), SECRET, vendor="zenoti")
        eq((r.status, r.json["operations"][0]["outcome"]), (200, "stale"))
        eq([c["first_name"] for c in clients_of(s, p)], ["Pia-Maria"])
        # Zenoti's structured phone form.
        newer = {"id": "g-100", "personal_info": {"first_name": "Pia", "mobile_phone":
                                                  {"country_code": 1, "number": "5554449999"}}}
        r = pms_post(s, p, zenoti("wh-n", "Guest.Updated", newer, minutes=20), SECRET, vendor="zenoti")
        eq((r.status, r.json["result"]["phone"], r.json["result"]["first_name"]), (200, "+15554449999", "Pia"))
        r = pms_post(s, p, zenoti("wh-x", "Employee.Created", {"id": "e-1"}), SECRET, vendor="zenoti")
        eq((r.status, r.json["operations"][0]["outcome"]), (200, "ignored"), "events Cadence does not use")
    finally:
        s.stop()


@test
def zenoti_appointments_book_reschedule_and_cancel_and_late_events_change_nothing():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret=SECRET)
        day = dt.datetime.now(NY).date() + dt.timedelta(days=5)

        def appointment(event_id, event_type, start, minutes):
            data = {"invoice_id": "inv-9", "appointment_group_id": "ag-1", "guest": GUEST, "appointments": [
                {"id": "ap-1", "service_name": "Botox Cosmetic", "start_time": f"{day}T{start}:00",
                 "end_time": f"{day}T{start}:00", "serviceduration_in_miutes": 45, "therapist_name": "Dr. Rivera"}]}
            return pms_post(s, p, zenoti(event_id, event_type, data, minutes), SECRET, vendor="zenoti")

        def booking():
            return s.request("GET", "/v1/bookings", key=p.staff).json["data"]

        r = appointment("wh-1", "AppointmentGroup.Created", "14:00", 0)
        eq((r.status, r.json["operations"][0]["outcome"]), (201, "created"), str(r))
        b = booking()[0]
        eq((b["source"], b["external_id"], b["duration_minutes"], b["families"], b["state"]),
           ("pms", "ap-1", 45, ["neuromodulator"], "booked"))
        eq(dt.datetime.fromisoformat(b["starts_at"]).astimezone(NY).strftime("%H:%M"), "14:00")
        r = appointment("wh-2", "Appointment.Rescheduled", "16:00", 5)
        eq(r.json["operations"][0]["outcome"], "updated")
        eq(dt.datetime.fromisoformat(booking()[0]["starts_at"]).astimezone(NY).strftime("%H:%M"), "16:00")
        eq(appointment("wh-3", "Appointment.Cancelled", "16:00", 10).json["operations"][0]["outcome"], "updated")
        eq((booking()[0]["state"], booking()[0]["cancel_reason"]), ("cancelled", "cancelled in zenoti"))
        # A reschedule sent before the cancel but delivered after it: stale, the booking stays cancelled.
        r = appointment("wh-4", "Appointment.Rescheduled", "17:00", 7)
        eq(r.json["operations"][0]["outcome"], "stale")
        eq((len(booking()), booking()[0]["state"]), (1, "cancelled"))
    finally:
        s.stop()


@test
def patientnow_customers_purchases_and_appointments():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret=SECRET)

        def post(event_id, event_type, data, minutes=0):
            body = {"eventId": event_id, "eventType": event_type, "occurredAt": stamp(minutes), "data": data}
            return pms_post(s, p, body, SECRET, vendor="patientnow")

        r = post("pn-1", "customer.created", {"id": "C-7", "firstName": "Noor", "lastName": "Haddad",
                                             "email": "noor@example.com", "mobilePhone": "555-222-1111",
                                             "smsOptIn": True})
        eq((r.status, r.json["result"]["phone"], r.json["result"]["external_ids"], r.json["result"]["consents"]["sms"]),
           (201, "+15552221111", [{"system": "patientnow", "id": "C-7"}], True))
        bought = (dt.datetime.now(NY) - dt.timedelta(days=3)).replace(microsecond=0).isoformat()
        r = post("pn-2", "purchase.completed", {"id": "P-1", "customerId": "C-7", "purchaseDate": bought,
                                               "providerName": "Dr. Chen",
                                               "items": [{"name": "Juvederm Volbella", "price": 650},
                                                         {"name": "botox", "units": 24, "price": 336}]})
        eq(r.status, 201, str(r))
        eq(([i["type"] for i in r.json["result"]["items"]], r.json["operations"][0]["unmapped"]),
           (["botox"], ["Juvederm Volbella"]))
        starts = (dt.datetime.now(NY) + dt.timedelta(days=9)).replace(minute=0, second=0, microsecond=0)
        appt = {"id": "A-1", "customerId": "C-7", "startTime": starts.isoformat(), "durationMinutes": 30,
                "status": "Scheduled", "services": [{"name": "botox"}], "providerName": "Dr. Chen"}
        eq(post("pn-3", "appointment.created", appt, 1).status, 201)
        r = post("pn-4", "appointment.updated", dict(appt, status="Cancelled"), 2)
        eq(r.json["operations"][0]["outcome"], "updated")
        eq([b["state"] for b in s.request("GET", "/v1/bookings", key=p.staff).json["data"]], ["cancelled"])
        r = post("pn-5", "purchase.completed", {"id": "P-2", "purchaseDate": bought, "items": []})
        eq((r.status, r.error["details"]["field"]), (422, "data.customerId"))
        r = post("pn-6", "appointment.updated", dict(appt, id="A-2", status="Teleported"), 3)
        eq((r.status, r.error["details"]["field"]), (422, "data.status"))
        eq(len(s.request("GET", "/v1/bookings", key=p.staff).json["data"]), 1, "nothing written by refusals")
    finally:
        s.stop()
