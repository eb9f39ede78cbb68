"""Dispatch: due steps reach the fake Twilio and SendGrid exactly once, with
every send-time rule, merging, retries, unknown outcomes and suppression."""
import datetime as dt
import os
import signal
import sys
import time
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fakes"))
from providers import Prism, Providers  # noqa: E402

from harness import ADMIN_KEY, Practice, Server, check, eq, psql, test  # noqa: E402

PROVIDERS = []


def fakes():
    if not PROVIDERS:
        PROVIDERS.append(Providers())
    PROVIDERS[0].twilio.clear()
    PROVIDERS[0].sendgrid.clear()
    return PROVIDERS[0]


SPECS = os.path.join(os.path.dirname(__file__), "..", "vendor-specs")
PRISMS = {}


def validated(f):
    """Prism proxies with the vendors' own OpenAPI files in front of the fakes (started once)."""
    if not PRISMS:
        PRISMS["twilio"] = Prism(os.path.join(SPECS, "twilio_api_v2010.json"), f.url)
        PRISMS["sendgrid"] = Prism(os.path.join(SPECS, "sendgrid_mail_v3.json"), f.url)
        for prism in PRISMS.values():
            prism.wait_ready()
        import atexit
        atexit.register(lambda: [prism.stop() for prism in PRISMS.values()])
    return f.env(PRISMS["twilio"].url, PRISMS["sendgrid"].url)


def zone_at(hour):
    """A fixed-offset zone whose local time is now within [hour, hour+1): tests never depend on the clock."""
    off = (hour - dt.datetime.now(dt.timezone.utc).hour) % 24
    if off > 14:
        off -= 24
    return "Etc/GMT" if off == 0 else f"Etc/GMT{'-' if off > 0 else '+'}{abs(off)}"


FAST = {"DISPATCH_RETRY_BASE_MS": "200", "DISPATCH_LEASE_S": "3", "PROVIDER_TIMEOUT_MS": "1000",
        "PROVIDER_CONNECT_TIMEOUT_MS": "500", "DISPATCH_MAX_ATTEMPTS": "3", "DISPATCH_RATE_PER_SENDER": "1000"}


def server(f, validate=False, **env):
    """A server sending to the fakes; with validate, through Prism."""
    return Server(env={**(validated(f) if validate else f.env()), **FAST, **env})


def practice(s, **fields):
    body = {"sms_from": "+15550001111", "email_from": "hello@glow.example.com",
            "booking_url": "https://glow.example.com/book"}
    body.update(fields)
    return Practice(s, **body)


def client(s, p, hour=12, **fields):
    body = {"first_name": "Ana", "phone": "+15551234567", "email": "ana@example.com", "time_zone": zone_at(hour),
            "consents": {"sms": True, "email": True}}
    body.update(fields)
    r = s.request("POST", "/v1/clients", body, key=p.staff)
    eq(r.status, 201, str(r))
    return r.json


def local_noon(zone, day):
    """Noon of a local date in zone, as RFC 3339 with that zone's offset that day."""
    return dt.datetime.combine(day, dt.time(12, 0), ZoneInfo(zone)).isoformat()


def days_ago_there(c, days, zone=None):
    """Noon of the date `days` ago in the client's zone (the plan counts from the visit's local date)."""
    zone = zone or c["time_zone"]
    return local_noon(zone, dt.datetime.now(ZoneInfo(zone)).date() - dt.timedelta(days=days))


def visit(s, p, c, days_ago, types=("botox",), months_ago=None):
    """Records a visit whose first refill step falls due today, in the client's own zone: the
    visit's local date there is what the plan counts from, whatever the hour in UTC."""
    zone = c.get("time_zone") or p.json["time_zone"]
    today = dt.datetime.now(ZoneInfo(zone)).date()
    day = today - dt.timedelta(days=days_ago)
    if months_ago:
        y, m = divmod(today.month - 1 - months_ago, 12)
        day = dt.date(today.year + y, m + 1, today.day)
    body = {"client_id": c["id"], "performed_at": local_noon(zone, day), "items": [{"type": t} for t in types]}
    r = s.request("POST", "/v1/treatments", body, key=p.staff)
    eq(r.status, 201, str(r))
    return r.json


def wait_for(what, fn, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def messages(s, p, **q):
    query = "&".join(f"{k}={v}" for k, v in q.items())
    return s.request("GET", "/v1/messages?" + query, key=p.staff).json["data"]


def wait_for_state(s, p, c, state):
    """Waits until one of the client's steps reaches state."""
    return wait_for(state, lambda: [st for q in s.request("GET", f"/v1/clients/{c['id']}/reminders",
                                                          key=p.staff).json["data"]
                                    for st in q["steps"] if st["state"] == state])


def step(s, p, c, key="refill_1"):
    seqs = s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
    return [st for q in seqs if q["state"] == "active" for st in q["steps"] if st["step"] == key][0]


@test
def day_70_botox_reminder_reaches_twilio():
    f = fakes()
    s = server(f, validate=True)
    try:
        p = practice(s)
        c = client(s, p)
        visit(s, p, c, 70)
        got = wait_for("the SMS at the fake Twilio", lambda: f.twilio.messages())
        eq(len(got), 1)
        form = got[0]["form"]
        eq((form["To"], form["From"]), ("+15551234567", "+15550001111"))
        body = form["Body"]
        check("Botox" in body and "Ana" in body, body)
        check("10-12 weeks" in body and "https://glow.example.com/book" in body, body)
        check(body.endswith("Reply STOP to opt out."), "the first SMS says how to opt out")
        eq(form["StatusCallback"], f"http://127.0.0.1:{s.port}/v1/webhooks/twilio/status")
        m = wait_for("sent", lambda: [x for x in messages(s, p) if x["state"] == "sent"])[0]
        check(m["provider_id"].startswith("SM") and len(m["provider_id"]) == 34, m["provider_id"])
        eq((m["channel"], m["provider"], m["to"], m["attempts"], m["body"]), ("sms", "twilio", "+15551234567", 1, body))
        st = step(s, p, c)
        eq((st["state"], st["message_id"]), ("sent", m["id"]))
        eq(step(s, p, c, "refill_2")["state"], "planned", "step 2 waits for its day")
        # The second SMS to the same number does not repeat the opt-out text.
        c2 = s.request("PATCH", f"/v1/clients/{c['id']}", {"first_name": "Ana"}, key=p.staff).json
        visit(s, p, c2, 70, types=("lip_filler",), months_ago=5)
        got = wait_for("a second SMS", lambda: len(f.twilio.messages()) == 2 and f.twilio.messages())
        check("STOP" not in got[1]["form"]["Body"], got[1]["form"]["Body"])
        eq(PRISMS["twilio"].violations(), [], "every request valid for Twilio's API description")
        check(PRISMS["twilio"].forwarded() >= 2, "the sends went through Prism")
        wait_for("sends counted in /metrics", lambda: 'cadence_messages_total{channel="sms",outcome="sent"} 2'
                 in s.metrics())
    finally:
        s.stop()


@test
def email_reminders_go_through_sendgrid_with_unsubscribe():
    f = fakes()
    s = server(f, validate=True)
    try:
        p = practice(s)
        c = client(s, p, channel_preference="email")
        visit(s, p, c, 70)
        got = wait_for("the email at the fake SendGrid", lambda: f.sendgrid.messages())[0]["json"]
        m = wait_for("sent", lambda: [x for x in messages(s, p) if x["state"] == "sent"])[0]
        eq(got["personalizations"][0]["to"], [{"email": "ana@example.com"}])
        eq(got["personalizations"][0]["custom_args"], {"cadence_message_id": m["id"]})
        eq(got["from"]["email"], "hello@glow.example.com")
        eq(got["subject"], "Time to plan your next Botox")
        text = [x["value"] for x in got["content"] if x["type"] == "text/plain"][0]
        html = [x["value"] for x in got["content"] if x["type"] == "text/html"][0]
        unsubscribe = f"http://127.0.0.1:{s.port}/v1/unsubscribe/{m['id']}"
        check(unsubscribe in text and unsubscribe in html, "every email has an unsubscribe link")
        eq(text, m["body"] + "\n\nUnsubscribe: " + unsubscribe, "the stored body, then the link (as documented)")
        eq(got["headers"]["List-Unsubscribe"], f"<{unsubscribe}>")
        check(m["provider_id"], "X-Message-Id kept")
        eq(f.twilio.messages(), [], "no SMS for an email-preferring client")
        eq(PRISMS["sendgrid"].violations(), [], "every request valid for SendGrid's API description")
        check(PRISMS["sendgrid"].forwarded() >= 1, "the send went through Prism")
    finally:
        s.stop()


@test
def send_time_checks_stop_or_defer_with_a_reason():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        night = client(s, p, hour=22)
        flagged = client(s, p)
        s.request("POST", f"/v1/clients/{flagged['id']}/flags", {"kind": "dissatisfied"}, key=p.staff)
        no_consent = client(s, p, consents={"sms": False, "email": False})
        away = client(s, p)
        today = dt.datetime.now(ZoneInfo(away["time_zone"])).date()
        psql(f"UPDATE practices SET paused = true WHERE id = '{p.id}'", db=s.db)  # hold the sends while planning
        for c in (night, flagged, no_consent, away):
            visit(s, p, c, 70)
        # The steps fall due now (whatever the local hour), and travel recorded after
        # the plan was made is still seen by the send-time check.
        s.request("PATCH", f"/v1/clients/{away['id']}", {"away_periods": [
            {"from": (today - dt.timedelta(days=1)).isoformat(), "to": (today + dt.timedelta(days=3)).isoformat()}]},
            key=p.staff)
        psql(f"UPDATE practices SET paused = false WHERE id = '{p.id}'; "
             f"UPDATE steps SET state = 'planned', due_at = now() WHERE practice_id = '{p.id}' "
             f"AND step_key = 'refill_1' AND state IN ('planned', 'deferred')",
             db=s.db)
        psql("SELECT pg_notify('cadence_due', '')", db=s.db)
        wait_for("decisions", lambda: all(step(s, p, c)["state"] != "planned" for c in (night, no_consent, away))
                 and step(s, p, away)["reason"] == "the client is away")
        st = step(s, p, night)
        eq((st["state"], st["reason"]), ("deferred", "quiet hours in the client's time zone"))
        local = dt.datetime.fromisoformat(st["due_at"]).astimezone(ZoneInfo(night["time_zone"]))
        check(local.hour == 9 and local.minute < 15, f"deferred to 09:00-09:15 local, got {local}")
        eq(step(s, p, flagged)["state"], "paused")
        st = step(s, p, no_consent)
        eq((st["state"], st["reason"]), ("skipped", "no channel with both an address and the client's consent"))
        st = step(s, p, away)
        eq((st["state"], st["reason"]), ("deferred", "the client is away"))
        resumes = dt.datetime.fromisoformat(st["due_at"]).astimezone(ZoneInfo(away["time_zone"]))
        eq((resumes.date(), resumes.strftime("%H:%M")), (today + dt.timedelta(days=4), "10:00"),
           "the day after the away period, at the send time")
        # A paused practice sends nothing.
        paused = practice(s)
        s.request("PATCH", f"/v1/practices/{paused.id}", {"paused": True}, key=ADMIN_KEY)
        pc = client(s, paused)
        visit(s, paused, pc, 70)
        wait_for("deferral", lambda: step(s, paused, pc)["state"] == "deferred")
        eq(step(s, paused, pc)["reason"], "the practice is paused")
        time.sleep(0.5)
        eq(f.twilio.messages() + f.sendgrid.messages(), [], "nothing was sent")
    finally:
        s.stop()


@test
def steps_due_the_same_day_become_one_message():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p)
        # Botox 70 days ago and lip filler 5 months ago: both first steps are due today.
        body = {"client_id": c["id"], "performed_at": None, "items": []}
        today = dt.datetime.now(ZoneInfo(c["time_zone"])).date()
        y, m = divmod(today.month - 1 - 5, 12)
        five_months = dt.date(today.year + y, m + 1, min(today.day, 28))
        psql(f"UPDATE practices SET paused = true WHERE id = '{p.id}'", db=s.db)  # hold sends while both are planned
        for day, t in ((today - dt.timedelta(days=70), "botox"), (five_months, "lip_filler")):
            body.update(performed_at=local_noon(c["time_zone"], day), items=[{"type": t}])
            eq(s.request("POST", "/v1/treatments", body, key=p.staff).status, 201)
        # Both steps due now and the practice open again in one transaction: a worker that ran between two
        # statements would defer the steps for the pause.
        psql(f"UPDATE steps SET planned_date = (now() AT TIME ZONE '{c['time_zone']}')::date, due_at = now() "
             f"WHERE client_id = '{c['id']}' AND step_key = 'refill_1'; "
             f"UPDATE practices SET paused = false WHERE id = '{p.id}'", db=s.db)
        psql("SELECT pg_notify('cadence_due', '')", db=s.db)
        got = wait_for("one SMS", lambda: f.twilio.messages())
        time.sleep(0.5)
        eq(len(f.twilio.messages()), 1, "one voice: one message")
        text = got[0]["form"]["Body"]
        check("Botox" in text and "lip filler" in text, text)
        eq(text.count("Reply STOP"), 1)
        m = messages(s, p)[0]
        eq(len(m["steps"]), 2)
    finally:
        s.stop()


@test
def failures_are_retried_with_backoff_honouring_retry_after():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        f.twilio.fail_next("500", "429-retry-after")
        c = client(s, p)
        visit(s, p, c, 70)
        m = wait_for("sent after retries", lambda: [x for x in messages(s, p) if x["state"] == "sent"], timeout=20)[0]
        eq(m["attempts"], 3)
        got = f.twilio.messages()
        eq([g["mode"] for g in got], ["500", "429-retry-after", "ok"])
        check(got[1]["at"] - got[0]["at"] >= 0.15, "backoff after a 500")
        check(got[2]["at"] - got[1]["at"] >= 1.9, f"Retry-After: 2 honoured ({got[2]['at'] - got[1]['at']:.2f}s)")
        eq(len({g["form"]["Body"] for g in got}), 1, "the same message each time")
        # SendGrid's X-RateLimit-Reset is honoured the same way.
        f.sendgrid.fail_next("429-rate-reset")
        c2 = client(s, p, channel_preference="email", phone=None)
        visit(s, p, c2, 70)
        wait_for("email sent", lambda: [x for x in messages(s, p, channel="email") if x["state"] == "sent"], timeout=20)
        got = f.sendgrid.messages()
        check(got[1]["at"] - got[0]["at"] >= 0.9, "waited for the rate-limit reset")
    finally:
        s.stop()


@test
def permanent_failures_and_exhausted_retries_are_dead():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        f.twilio.fail_next("400")
        c = client(s, p)
        visit(s, p, c, 70)
        m = wait_for("dead", lambda: [x for x in messages(s, p) if x["state"] == "dead"])[0]
        eq(m["attempts"], 1, "a 4xx is not retried")
        check("21211" in m["last_error"], m["last_error"])
        f.twilio.clear()
        f.twilio.fail_next("500", "500", "500")
        c2 = client(s, p, phone="+15557654321")
        visit(s, p, c2, 70)
        m = wait_for("dead after 3", lambda: [x for x in messages(s, p, client_id=c2["id"]) if x["state"] == "dead"],
                     timeout=20)[0]
        eq((m["attempts"], len(f.twilio.messages())), (3, 3))
        check("gave up after 3 attempts" in m["last_error"], m["last_error"])
    finally:
        s.stop()


@test
def a_lost_answer_is_unknown_and_never_resent():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        f.twilio.fail_next("hang")
        c = client(s, p)
        visit(s, p, c, 70)
        m = wait_for("unknown", lambda: [x for x in messages(s, p) if x["state"] == "unknown"])[0]
        time.sleep(4)  # longer than a lease and a retry
        eq(len(f.twilio.messages()), 1, "never resent")
        eq(messages(s, p)[0]["state"], "unknown")
        check("transport" in m["last_error"], m["last_error"])
        eq(step(s, p, c)["state"], "unknown")
        unknown = [e["data"] for e in s.request("GET", "/v1/events", key=p.staff).json["data"]
                   if e["type"] == "message.unknown"]
        eq(unknown, [{"message_id": m["id"], "client_id": c["id"], "channel": "sms"}], "the front desk is told to check it")
    finally:
        s.stop()


@test
def twilio_21610_suppresses_the_number():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        f.twilio.fail_next("21610")
        c = client(s, p, email=None)
        visit(s, p, c, 70)
        wait_for("dead", lambda: [x for x in messages(s, p) if x["state"] == "dead"])
        eq(psql(f"SELECT source || ':' || action FROM suppression_events WHERE practice_id = '{p.id}'", db=s.db),
           "provider_error:suppress")
        visit(s, p, c, 70, types=("lip_filler",), months_ago=5)
        wait_for_state(s, p, c, "suppressed")
        eq(len(f.twilio.messages()), 1, "nothing more to that number")
    finally:
        s.stop()


@test
def clients_sharing_a_phone_get_one_message_a_day_and_one_opt_out_notice():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        # A mother and daughter who share a phone, as PMS guests: two clients, one number.
        mum = client(s, p, first_name="Maria", email=None)
        daughter = client(s, p, first_name="Sofia", email=None, time_zone=mum["time_zone"])
        psql(f"UPDATE practices SET paused = true WHERE id = '{p.id}'", db=s.db)  # plan both, then send
        visit(s, p, mum, 70)
        visit(s, p, daughter, 70)
        psql(f"UPDATE practices SET paused = false WHERE id = '{p.id}'; "
             f"UPDATE steps SET due_at = now(), state = 'planned' WHERE practice_id = '{p.id}' "
             f"AND step_key = 'refill_1'", db=s.db)
        psql("SELECT pg_notify('cadence_due', '')", db=s.db)
        got = wait_for("the SMS", lambda: f.twilio.messages())
        time.sleep(0.5)
        eq(len(f.twilio.messages()), 1, "one message to the number that day")
        text = got[0]["form"]["Body"]
        check("Hi Maria" in text and "Hi Sofia" in text, text)
        eq(text.count("Reply STOP to opt out."), 1, "the notice once, at the end")
        check(text.endswith("Reply STOP to opt out."), text)
        # The family's third client, on another day: the number was told already.
        aunt = client(s, p, first_name="Lucia", email=None, time_zone=mum["time_zone"])
        visit(s, p, aunt, 70, types=("dysport",))
        wait_for("her SMS", lambda: len(f.twilio.messages()) == 2)
        eq("Reply STOP" in f.twilio.messages()[1]["form"]["Body"], False, "no second notice to the number")
        # Another family: the one without SMS consent is never merged in (her step is skipped).
        f.twilio.clear()
        dad = client(s, p, first_name="Tomas", phone="+15559990000", email=None)
        son = client(s, p, first_name="Leo", phone="+15559990000", email=None, time_zone=dad["time_zone"],
                     consents={"sms": False})
        psql(f"UPDATE practices SET paused = true WHERE id = '{p.id}'", db=s.db)
        visit(s, p, dad, 70)
        visit(s, p, son, 70)
        psql(f"UPDATE practices SET paused = false WHERE id = '{p.id}'; "
             f"UPDATE steps SET due_at = now(), state = 'planned' WHERE practice_id = '{p.id}' "
             f"AND step_key = 'refill_1' AND client_id IN ('{dad['id']}', '{son['id']}')", db=s.db)
        psql("SELECT pg_notify('cadence_due', '')", db=s.db)
        text = wait_for("Tomas's SMS", lambda: f.twilio.messages())[0]["form"]["Body"]
        check("Hi Tomas" in text and "Leo" not in text, text)
        wait_for("Leo's step decided", lambda: step(s, p, son)["state"] != "planned")
        eq((step(s, p, son)["state"], step(s, p, son)["reason"]),
           ("skipped", "no channel with both an address and the client's consent"))
    finally:
        s.stop()


@test
def step_1_links_the_private_photo_page_only_with_photo_consent():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, photo_url="https://portal.example.com/patients/{external_id}/photos", photo_id_system="zenoti")
        with_consent = client(s, p, first_name="Ana", consents={"sms": True, "photo": True},
                              external_ids=[{"system": "zenoti", "id": "G 48/21"}])
        without = client(s, p, first_name="Bea", phone="+15551230000", consents={"sms": True, "photo": False},
                         external_ids=[{"system": "zenoti", "id": "G-99"}])
        no_id = client(s, p, first_name="Cy", phone="+15551230001", consents={"sms": True, "photo": True},
                       external_ids=[{"system": "patientnow", "id": "C-1"}])
        for c in (with_consent, without, no_id):
            visit(s, p, c, 70)
        got = wait_for("three SMS", lambda: (lambda m: m if len(m) == 3 else None)(f.twilio.messages()))
        bodies = {m["form"]["To"]: m["form"]["Body"] for m in got}
        check("https://portal.example.com/patients/G%2048%2F21/photos" in bodies["+15551234567"],
              "the client's own page, the id percent-encoded: " + bodies["+15551234567"])
        check("portal.example.com" not in bodies["+15551230000"], "no photo link without photo consent")
        check("portal.example.com" not in bodies["+15551230001"], "no link without an id of photo_id_system")
        r = s.request("PATCH", f"/v1/practices/{p.id}", {"photo_url": "https://portal.example.com/photos"}, key=ADMIN_KEY)
        eq((r.status, r.error["details"]["field"]), (422, "photo_url"))
    finally:
        s.stop()


def due_steps(s, p, n):
    """n clients each with a refill step due now (made in SQL: the planner is tested elsewhere)."""
    zone = zone_at(12)
    psql(f"""
      INSERT INTO clients(practice_id, first_name, phone, time_zone, consent_sms)
        SELECT '{p.id}', 'Client' || g, '+1555' || lpad(g::text, 7, '0'), '{zone}', true FROM generate_series(1, {n}) g;
      INSERT INTO sequences(practice_id, client_id, kind, family, type_code)
        SELECT practice_id, id, 'refill', 'neuromodulator', 'botox' FROM clients WHERE practice_id = '{p.id}';
      INSERT INTO steps(practice_id, sequence_id, client_id, step_no, step_key, channel, promotional, planned_date, due_at)
        SELECT practice_id, id, client_id, 1, 'refill_1', 'sms', true, (now() AT TIME ZONE '{zone}')::date, now()
        FROM sequences WHERE practice_id = '{p.id}';
      SELECT pg_notify('cadence_due', '');""", db=s.db)


def counts(s, p):
    rows = psql(f"SELECT state, count(*) FROM messages WHERE practice_id = '{p.id}' GROUP BY state", db=s.db)
    return {r.split("|")[0]: int(r.split("|")[1]) for r in rows.splitlines() if r}


@test
def a_step_that_cannot_be_decided_is_set_aside_and_the_others_go_out():
    f = fakes()
    s = server(f, DISPATCH_BATCH="10")
    try:
        p = practice(s)
        psql(f"UPDATE practices SET paused = true WHERE id = '{p.id}'", db=s.db)  # hold them while we break one
        due_steps(s, p, 5)
        # Bad data no API call can write: a zone PostgreSQL does not know fails the step's decision.
        psql(f"UPDATE clients SET time_zone = 'Mars/Olympus_Mons' WHERE practice_id = '{p.id}' "
             f"AND first_name = 'Client3'", db=s.db)
        psql(f"UPDATE practices SET paused = false WHERE id = '{p.id}'; "
             f"UPDATE steps SET state = 'planned', due_at = now() WHERE practice_id = '{p.id}'; "
             "SELECT pg_notify('cadence_due', '')", db=s.db)
        wait_for("the other four sent", lambda: counts(s, p).get("sent") == 4)
        eq(psql(f"SELECT st.state || '|' || st.reason FROM steps st JOIN clients c ON c.id = st.client_id "
                f"WHERE c.first_name = 'Client3' AND c.practice_id = '{p.id}'", db=s.db),
           "skipped|internal error while deciding this step (see the logs)")
        check("step set aside" in s.log(), "logged for a person to look at")
    finally:
        s.stop()


@test
def two_processes_send_2000_due_steps_each_exactly_once():
    f = fakes()
    a = server(f)
    b = Server(env={**f.env(), **FAST}, db=a.db)
    try:
        p = practice(a)
        due_steps(a, p, 2000)
        wait_for("2000 sends", lambda: len(f.twilio.messages()) >= 2000, timeout=180)
        time.sleep(1)
        got = f.twilio.messages()
        to = [g["form"]["To"] for g in got]
        eq((len(to), len(set(to))), (2000, 2000), "each client exactly once")
        eq(counts(a, p), {"sent": 2000})
        eq(psql(f"SELECT count(*) FROM steps WHERE practice_id = '{p.id}' AND state = 'queued'", db=a.db), "2000")
        logs = a.log() + b.log()
        check(a.log().count('"message send"') > 0 and b.log().count('"message send"') > 0, "both processes sent")
        eq(logs.count('"outcome":"sent"'), 2000)
    finally:
        b.stop()
        a.stop()


@test
def kill_9_mid_send_loses_nothing_and_sends_nothing_twice():
    f = fakes()
    f.twilio.delay = 0.004
    s = server(f, DISPATCH_WORKERS="2", DISPATCH_BATCH="10", DISPATCH_CONCURRENCY="4")
    p = practice(s)
    due_steps(s, p, 2000)
    wait_for("sends under way", lambda: len(f.twilio.messages()) >= 300, timeout=60)
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait()
    at_kill = counts(s, p)
    s2 = Server(env={**f.env(), **FAST}, db=s.db)
    try:
        wait_for("every message finished", lambda: set(counts(s2, p)) <= {"sent", "unknown"}
                 and sum(counts(s2, p).values()) == 2000, timeout=180)
        final = counts(s2, p)
        to = [g["form"]["To"] for g in f.twilio.messages()]
        eq(len(to), len(set(to)), "no client received a message twice")
        unknown = final.get("unknown", 0)
        # In flight at most: 2 workers x 4 concurrent requests.
        check(unknown <= 8, f"only the sends in flight at the kill are unknown ({unknown}; at kill {at_kill})")
        eq(final.get("sent", 0) + unknown, 2000, "none lost")
        check(len(to) >= final["sent"], "every sent message reached the provider")
        listed = s2.request("GET", "/v1/messages?state=unknown&limit=100", key=p.staff).json["data"]
        eq(len(listed), unknown, "unknown ones are listed for a person to check")
    finally:
        s2.stop()


@test
def no_booking_by_the_lapse_day_starts_the_capped_nurture():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p)
        visit(s, p, c, 112)  # Botox lapses on day 112
        seqs = wait_for("nurture", lambda: [q for q in s.request("GET", f"/v1/clients/{c['id']}/reminders",
                                                                  key=p.staff).json["data"] if q["kind"] == "nurture"])
        refill = [q for q in s.request("GET", f"/v1/clients/{c['id']}/reminders", key=p.staff).json["data"]
                  if q["kind"] == "refill"][0]
        lapse = [st for st in refill["steps"] if st["step"] == "lapse"][0]
        eq(lapse["state"], "done")
        check(lapse["reason"].startswith("lapsed"), lapse["reason"])
        nurture = seqs[0]["steps"]
        eq([st["step"] for st in nurture], [f"nurture_{i}" for i in range(1, 7)], "capped at 6 monthly messages")
        today = dt.datetime.now(ZoneInfo(c["time_zone"])).date()
        first = dt.date.fromisoformat(nurture[0]["planned_date"])
        check(27 <= (first - today).days <= 31, "the first nurture a month after lapsing")
        eq({st["state"] for st in nurture}, {"planned"})
        check(psql(f"SELECT lapsed_at IS NOT NULL FROM clients WHERE id = '{c['id']}'", db=s.db) == "t")
        eq(f.twilio.messages(), [], "the checkpoint itself sends nothing")
    finally:
        s.stop()


@test
def the_per_sender_rate_limit_spreads_a_burst():
    f = fakes()
    s = server(f, DISPATCH_RATE_PER_SENDER="5")
    try:
        p = practice(s)
        due_steps(s, p, 15)
        wait_for("15 sends", lambda: len(f.twilio.messages()) == 15, timeout=30)
        at = sorted(g["at"] for g in f.twilio.messages())
        # A burst of 5, then 5 per second: the last of 15 leaves about 2 s after the first.
        check(at[-1] - at[0] >= 1.6, f"spread over {at[-1] - at[0]:.2f}s")
    finally:
        s.stop()


@test
def messages_can_be_filtered_and_paged():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        other = practice(s)
        due_steps(s, p, 5)
        wait_for("5 sent", lambda: len(messages(s, p, state="sent")) == 5)
        page = s.request("GET", "/v1/messages?limit=2", key=p.staff).json
        eq(len(page["data"]), 2)
        rest = s.request("GET", f"/v1/messages?limit=10&cursor={page['next_cursor']}", key=p.staff).json
        eq(len(rest["data"]), 3)
        eq(len({m["id"] for m in page["data"] + rest["data"]}), 5)
        one = page["data"][0]
        eq([m["id"] for m in messages(s, p, client_id=one["client_id"])], [one["id"]])
        eq(messages(s, p, channel="email"), [])
        eq(messages(s, other), [], "another practice sees none")
        for q, field in (("state=lost", "state"), ("channel=fax", "channel"), ("client_id=x", "client_id"),
                         ("from=yesterday", "from"), ("cursor=abc", "cursor"), ("limit=0", "limit")):
            r = s.request("GET", "/v1/messages?" + q, key=p.staff)
            eq((r.status, r.error["details"]["field"]), (400, field), q)
        eq(s.request("GET", "/v1/messages", key=p.integration).status, 403)
    finally:
        s.stop()


@test
def the_unsubscribe_link_suppresses_email_at_once():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, name="Glow & Co")
        c = client(s, p, channel_preference="email", phone=None, email="Zed@Example.com")
        visit(s, p, c, 70)
        m = wait_for("email sent", lambda: [x for x in messages(s, p) if x["state"] == "sent"])[0]
        # A link scanner or a mail client's prefetch opens the link: a page with a button, nothing changes.
        for _ in range(2):
            r = s.request("GET", f"/v1/unsubscribe/{m['id']}")
            eq(r.status, 200)
            check('<form method="post">' in r.text and "Stop emails from Glow &amp; Co?" in r.text, r.text)
            check("form-action 'self'" in r.headers["content-security-policy"], r.headers)
        eq(psql(f"SELECT count(*) FROM suppression_events WHERE practice_id = '{p.id}'", db=s.db), "0",
           "a GET unsubscribes no one")
        # The button, or RFC 8058's one-click POST from List-Unsubscribe-Post, does.
        r = s.request("POST", f"/v1/unsubscribe/{m['id']}", raw=b"List-Unsubscribe=One-Click",
                      content_type="application/x-www-form-urlencoded")
        eq(r.status, 200)
        check("Glow &amp; Co will send you no more emails" in r.text, r.text)
        eq(s.request("POST", f"/v1/unsubscribe/{m['id']}").status, 200, "harmless twice")
        eq(psql(f"SELECT address || ' ' || source FROM suppression_events WHERE practice_id = '{p.id}' LIMIT 1",
                db=s.db), "zed@example.com email_unsubscribe_link")
        visit(s, p, c, 70, types=("lip_filler",), months_ago=5)
        wait_for_state(s, p, c, "suppressed")
        eq(len(f.sendgrid.messages()), 1, "no further email")
        eq(s.request("GET", "/v1/unsubscribe/00000000-0000-0000-0000-000000000000").status, 404)
        eq(s.request("GET", "/v1/unsubscribe/nope").status, 404)
    finally:
        s.stop()
