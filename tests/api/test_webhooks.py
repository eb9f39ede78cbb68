"""Inbound webhooks: Twilio status callbacks and STOP/START/HELP (signed with
Twilio's own library), and PMS events (HMAC-SHA256 computed independently)."""
import datetime as dt
import hashlib
import hmac
import json
import os
import subprocess
import time
import urllib.parse

import payloads
from harness import check, eq, psql, test
from test_dispatch import client, fakes, messages, practice, server, visit, wait_for, wait_for_state
from providers import TWILIO_TOKEN  # noqa: E402 (test_dispatch put tests/fakes on the path)

SIGNER = os.path.join(os.path.dirname(__file__), "..", "fakes", "twilio_sign.js")
NODE_PATH = os.path.join(os.path.dirname(__file__), "..", "node_modules")
SG_SIGNER = os.path.join(os.path.dirname(__file__), "..", "fakes", "sendgrid_sign.js")


def twilio_post(s, path, params, token=TWILIO_TOKEN, signature=None):
    url = f"http://127.0.0.1:{s.port}{path}"
    if signature is None:
        signature = subprocess.run(["node", SIGNER], input=json.dumps({"token": token, "url": url, "params": params}),
                                   capture_output=True, text=True, check=True,
                                   env={**os.environ, "NODE_PATH": NODE_PATH}).stdout
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return s.request("POST", path, raw=urllib.parse.urlencode(params).encode(), headers=headers,
                     content_type="application/x-www-form-urlencoded")


def suppression_events(s, p):
    return psql(f"SELECT action || ':' || source FROM suppression_events WHERE practice_id = '{p.id}' "
                f"ORDER BY created_at", db=s.db).splitlines()


def sid(n):
    """A distinct Twilio message SID (SM + 32 hex digits)."""
    return "SM" + f"{n:032x}"


_SIDS = iter(range(1, 1 << 30))


def inbound(name, message_sid=None, **changes):
    """An incoming SMS as Twilio posts it (tests/api/vendor_payloads/twilio), with its own MessageSid."""
    fields = payloads.load("twilio/" + name, **changes)
    fields["MessageSid"] = fields["SmsSid"] = fields["SmsMessageSid"] = message_sid or sid(next(_SIDS))
    return fields


def suppressed(s, p):
    return psql(f"SELECT coalesce(bool_or(active), false) FROM suppressions WHERE practice_id = '{p.id}' "
                f"AND channel = 'sms'", db=s.db) == "t"


@test
def a_stop_reply_suppresses_sms_at_once_and_start_lifts_it():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, contact_text="Glow Med Spa: call 555-0100 or reply STOP to opt out.")
        c = client(s, p, email=None)
        visit(s, p, c, 70)
        wait_for("first SMS", lambda: f.twilio.messages())
        stop = inbound("inbound_stop", Body="  stop ")
        del stop["OptOutType"]  # without Advanced Opt-Out: the body alone decides
        path = "/v1/webhooks/twilio/inbound"
        # Forged, missing and stale-token signatures change nothing.
        eq(twilio_post(s, path, stop, signature="bm9wZQ==").status, 403)
        eq(twilio_post(s, path, stop, signature="").status, 401)
        eq(twilio_post(s, path, stop, token="another-token").status, 403)
        eq(twilio_post(s, path, dict(inbound("inbound_reply"), Body="I'll stop by Thursday")).status, 200)
        eq(suppression_events(s, p), [], "a word in another sense is no opt-out; forged requests changed nothing")
        r = twilio_post(s, path, stop)
        eq((r.status, r.headers["content-type"]), (200, "text/xml"))
        check("<Response></Response>" in r.text, r.text)
        eq(suppression_events(s, p), ["suppress:sms_keyword"])
        # The next reminder for this client is suppressed, not sent.
        visit(s, p, c, 70, types=("lip_filler",), months_ago=5)
        wait_for_state(s, p, c, "suppressed")
        eq(len(f.twilio.messages()), 1)
        r = twilio_post(s, path, inbound("inbound_help"))
        check("<Message>Glow Med Spa: call 555-0100 or reply STOP to opt out.</Message>" in r.text, r.text)
        twilio_post(s, path, inbound("inbound_start"))
        eq(suppression_events(s, p), ["suppress:sms_keyword", "lift:sms_keyword"])
        eq(psql(f"SELECT active FROM suppressions WHERE practice_id = '{p.id}'", db=s.db), "f")
        # Twilio's Advanced Opt-Out tells the type outright.
        twilio_post(s, path, inbound("inbound_stop", Body="arrêt"))
        eq(suppression_events(s, p)[-1], "suppress:sms_keyword")
        check("+15551234567" not in s.log() and "stop " not in s.log().lower(), "no PHI in the logs")
    finally:
        s.stop()


@test
def a_replayed_twilio_or_sendgrid_webhook_never_changes_a_suppression():
    keys = json.loads(subprocess.run(["node", SG_SIGNER, "keys"], capture_output=True, text=True, check=True).stdout)
    f = fakes()
    s = server(f, SENDGRID_WEBHOOK_PUBLIC_KEY=keys["public_key"])
    try:
        p = practice(s)
        c = client(s, p, email=None)
        path = "/v1/webhooks/twilio/inbound"
        # STOP, START, STOP; then the same signed START again: Twilio signs no timestamp, so it verifies.
        first_start = inbound("inbound_start")
        for fields in (inbound("inbound_stop"), first_start, inbound("inbound_stop")):
            eq(twilio_post(s, path, fields).status, 200)
        check(suppressed(s, p), "the last STOP holds")
        r = twilio_post(s, path, first_start)
        eq((r.status, "<Message>" in r.text), (200, False), "a replay is acknowledged, and answers nothing")
        check(suppressed(s, p), "a replayed START does not lift the later STOP")
        eq(suppression_events(s, p), ["suppress:sms_keyword", "lift:sms_keyword", "suppress:sms_keyword"])
        # A replayed HELP is not answered twice.
        help_msg = inbound("inbound_help")
        check("<Message>" in twilio_post(s, path, help_msg).text)
        check("<Message>" not in twilio_post(s, path, help_msg).text)
        # Status callbacks: once per (MessageSid, status). The 21610 replay adds no second audit event.
        c2 = client(s, p, phone="+15557770000", email=None)
        visit(s, p, c2, 70)
        m = wait_for("sent", lambda: [x for x in messages(s, p, client_id=c2["id"]) if x["state"] == "sent"])[0]
        status = payloads.load("twilio/status_undelivered_21610", MessageSid=m["provider_id"], SmsSid=m["provider_id"],
                               To="+15557770000")
        for _ in range(3):
            eq(twilio_post(s, "/v1/webhooks/twilio/status", status).status, 204)
        eq(suppression_events(s, p)[-1:], ["suppress:provider_error"])
        eq(len([e for e in suppression_events(s, p) if e == "suppress:provider_error"]), 1, "applied once")
        # SendGrid: an unsubscribe replayed inside the signature window, after a resubscribe, changes nothing.
        e = client(s, p, channel_preference="email", phone=None, email="eve@example.com")
        visit(s, p, e, 70)
        mail = wait_for("email sent", lambda: [x for x in messages(s, p, client_id=e["id"]) if x["state"] == "sent"])[0]
        events = [dict(x, email="eve@example.com", timestamp=int(time.time()), cadence_message_id=mail["id"])
                  for x in payloads.load("sendgrid/events_delivered_then_unsubscribed")]
        eq(sendgrid_post(s, keys, events).json["applied"], 5)
        resubscribe = [dict(events[-1], event="group_resubscribe", sg_event_id="pYqC7T1dQm2bXy0kJ3fN5w==")]
        eq(sendgrid_post(s, keys, resubscribe).json["applied"], 1)
        eq(sendgrid_post(s, keys, events).json["applied"], 0, "the same events again: none applied")
        eq(psql(f"SELECT active FROM suppressions WHERE practice_id = '{p.id}' AND channel = 'email'", db=s.db), "f",
           "the replayed unsubscribe did not undo the resubscribe")
    finally:
        s.stop()


@test
def status_callbacks_update_delivery_and_never_go_backwards():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p, email=None)
        visit(s, p, c, 70)
        m = wait_for("sent", lambda: [x for x in messages(s, p) if x["state"] == "sent"])[0]
        path = "/v1/webhooks/twilio/status"
        ids = {"MessageSid": m["provider_id"], "SmsSid": m["provider_id"]}
        eq(twilio_post(s, path, payloads.load("twilio/status_delivered", **ids)).status, 204)
        eq(messages(s, p)[0]["delivery"], "delivered")
        eq(twilio_post(s, path, payloads.load("twilio/status_sent", **ids)).status, 204)
        eq(messages(s, p)[0]["delivery"], "delivered", "a late 'sent' does not undo 'delivered'")
        eq(twilio_post(s, path, payloads.load("twilio/status_delivered", **ids), signature="x").status, 403)
        r = twilio_post(s, path, {"MessageStatus": "sent"})
        eq((r.status, r.error["details"]["field"]), (422, "MessageSid"))
        eq(twilio_post(s, path, {"MessageSid": "SMunknown", "MessageStatus": "sent"}).status, 204)
        # An undelivered message with 21610 suppresses the number.
        c2 = client(s, p, phone="+15557770000", email=None)
        visit(s, p, c2, 70)
        m2 = wait_for("sent", lambda: [x for x in messages(s, p, client_id=c2["id"]) if x["state"] == "sent"])[0]
        twilio_post(s, path, payloads.load("twilio/status_undelivered_21610", MessageSid=m2["provider_id"],
                                           SmsSid=m2["provider_id"], To="+15557770000"))
        eq(messages(s, p, client_id=c2["id"])[0]["delivery"], "undelivered")
        eq(suppression_events(s, p), ["suppress:provider_error"])
        r = s.request("POST", path, body={"MessageSid": "x"})
        eq(r.status, 415, "Twilio posts forms")
    finally:
        s.stop()


def pms_post(s, p, event, secret, vendor="generic", ts=None, signature=None, practice_id=None):
    raw = json.dumps(event).encode()
    ts = str(int(time.time()) if ts is None else ts)
    mac = hmac.new(secret.encode(), ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
    headers = {"X-Cadence-Practice": practice_id or p.id, "X-Cadence-Timestamp": ts,
               "X-Cadence-Signature": signature if signature is not None else "sha256=" + mac}
    return s.request("POST", f"/v1/webhooks/pms/{vendor}", raw=raw, headers=headers)


@test
def a_pms_webhook_records_a_visit_and_plans_its_reminders():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret="pms-secret-0123456789")
        other = practice(s, webhook_secret="other-secret-0123456789")
        day = dt.date.today() - dt.timedelta(days=1)
        event = {"event_id": "evt-1", "type": "treatment.completed", "data": {
            "client": {"external_id": {"system": "zenoti", "id": "G-9"}, "first_name": "Pia", "phone": "+15554443333",
                       "consents": {"sms": True}},
            "performed_at": f"{day.isoformat()}T15:00:00-05:00", "external_id": "INV-77",
            "items": [{"type": "Botox Cosmetic", "units": 20, "price_cents": 28000}]}}
        count = lambda: psql(f"SELECT count(*) FROM treatments WHERE practice_id = '{p.id}'", db=s.db)
        # Refused: bad signature, the other practice's secret, stale, missing, unknown vendor.
        eq(pms_post(s, p, event, "pms-secret-0123456789", signature="sha256=" + "0" * 64).status, 403)
        eq(pms_post(s, p, event, "other-secret-0123456789").status, 403)
        eq(pms_post(s, p, event, "pms-secret-0123456789", ts=int(time.time()) - 3600).status, 403)
        eq(pms_post(s, p, event, "pms-secret-0123456789", practice_id=other.id).status, 403)
        r = s.request("POST", "/v1/webhooks/pms/generic", body=event)
        eq(r.status, 401)
        eq(pms_post(s, p, event, "pms-secret-0123456789", vendor="acme").status, 404)
        eq(count(), "0", "nothing written by refused requests")
        r = pms_post(s, p, event, "pms-secret-0123456789")
        eq((r.status, r.json["status"]), (201, "processed"))
        t = r.json["result"]
        eq((t["source"], t["external_id"], t["items"][0]["type"]), ("generic", "INV-77", "botox"))
        seq = [q for q in s.request("GET", f"/v1/clients/{t['client_id']}/reminders", key=p.staff).json["data"]
               if q["kind"] == "refill"][0]
        eq(seq["steps"][0]["planned_date"], (day + dt.timedelta(days=70)).isoformat())
        r = pms_post(s, p, event, "pms-secret-0123456789")
        eq((r.status, r.json["status"]), (200, "duplicate"), "idempotent on event_id")
        eq(count(), "1")
        # A client update from the PMS changes the matched client.
        upd = {"event_id": "evt-2", "type": "client.upserted",
               "data": {"external_id": {"system": "zenoti", "id": "G-9"}, "email": "pia@example.com"}}
        r = pms_post(s, p, upd, "pms-secret-0123456789")
        eq((r.status, r.json["result"]["email"], r.json["result"]["first_name"]), (200, "pia@example.com", "Pia"))
        bad = {"event_id": "evt-3", "type": "treatment.completed", "data": dict(event["data"], external_id="INV-78",
                                                                              items=[{"type": "potion"}])}
        # A name no type or alias maps is kept for staff to map, not a failed delivery.
        r = pms_post(s, p, bad, "pms-secret-0123456789")
        eq((r.status, r.json["operations"][0]["outcome"], r.json["operations"][0]["unmapped"]),
           (200, "no_mapped_items", ["potion"]))
        eq(count(), "1")
        unmapped = s.request("GET", "/v1/integrations/unmapped", key=p.staff).json["data"]
        eq([(u["vendor"], u["name"], u["kind"], u["occurrences"], u["last_event_id"]) for u in unmapped],
           [("generic", "potion", "treatment", 1, "evt-3")])
        eq(s.request("GET", "/v1/integrations/unmapped", key=other.staff).json["data"], [], "per practice")
        r = pms_post(s, p, dict(bad, type="invoice.paid"), "pms-secret-0123456789")
        eq((r.status, r.error["details"]["field"]), (422, "type"))
        # Events are checked as strictly as the API: wrong types and unknown fields, never a 500.
        wrong = [({"event_id": "evt-4", "type": "client.upserted", "data": {
                     "external_id": {"system": "zenoti", "id": "G-9"}, "consents": {"sms": "yes"}}},
                  422, "data.consents.sms"),
                 ({"event_id": "evt-5", "type": "treatment.completed", "data": dict(
                     event["data"], external_id="INV-79", client={"external_id": {"system": "zenoti", "id": "G-10"},
                                                                  "phone": 5554443333})},
                  422, "data.client.phone"),
                 ({"event_id": "evt-6", "type": "treatment.completed", "data": dict(event["data"], colour="red")},
                  400, "data.colour")]
        for ev, status, field in wrong:
            r = pms_post(s, p, ev, "pms-secret-0123456789")
            eq((r.status, r.error["details"]["field"]), (status, field), ev["event_id"])
        eq(count(), "1", "refused events wrote nothing")
        eq(psql(f"SELECT count(*) FROM clients WHERE practice_id = '{p.id}'", db=s.db), "1")
    finally:
        s.stop()


@test
def staff_opt_outs_and_the_suppression_list():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p, phone="+15558889999", email="Opt@Example.com")
        r = s.request("POST", f"/v1/clients/{c['id']}/opt-outs", {"channel": "email", "reason": "asked at the desk"},
                      key=p.staff)
        eq(r.status, 201)
        eq((r.json["address"], r.json["active"]), ("opt@example.com", True))
        eq([(e["action"], e["source"], e["evidence"]) for e in r.json["events"]],
           [("suppress", "staff", "asked at the desk")])
        s.request("POST", f"/v1/clients/{c['id']}/opt-outs", {"channel": "sms"}, key=p.staff)
        listed = s.request("GET", "/v1/suppressions", key=p.staff).json
        eq(sorted(x["channel"] for x in listed["data"]), ["email", "sms"])
        eq([x["channel"] for x in s.request("GET", "/v1/suppressions?channel=sms", key=p.staff).json["data"]], ["sms"])
        page = s.request("GET", "/v1/suppressions?limit=1", key=p.staff).json
        nxt = s.request("GET", f"/v1/suppressions?limit=1&cursor={page['next_cursor']}", key=p.staff).json
        eq(len({page["data"][0]["id"], nxt["data"][0]["id"]}), 2)
        # Suppressed on both channels: the client's next reminder is not sent.
        visit(s, p, c, 70)
        wait_for_state(s, p, c, "suppressed")
        eq(f.twilio.messages() + f.sendgrid.messages(), [])
        no_email = client(s, p, phone="+15550000001", email=None)
        for body, status, field in (({"channel": "email"}, 422, "channel"), ({"channel": "fax"}, 422, "channel"),
                                    ({}, 422, "channel")):
            r = s.request("POST", f"/v1/clients/{no_email['id']}/opt-outs", body, key=p.staff)
            eq((r.status, r.error["details"]["field"]), (status, field), str(body))
        eq(s.request("POST", "/v1/clients/00000000-0000-0000-0000-000000000000/opt-outs", {"channel": "sms"},
                     key=p.staff).status, 404)
        other = practice(s)
        eq(s.request("GET", "/v1/suppressions", key=other.staff).json["data"], [], "per practice")
        eq(s.request("POST", f"/v1/clients/{c['id']}/opt-outs", {"channel": "sms"}, key=other.staff).status, 404)
    finally:
        s.stop()




def sendgrid_post(s, keys, events, ts=None, signature=None):
    body = json.dumps(events)
    ts = str(int(time.time()) if ts is None else ts)
    if signature is None:
        signature = subprocess.run(["node", SG_SIGNER, "sign"], input=json.dumps(
            {"private_key": keys["private_key"], "timestamp": ts, "body": body}),
            capture_output=True, text=True, check=True).stdout
    headers = {"X-Twilio-Email-Event-Webhook-Timestamp": ts}
    if signature:
        headers["X-Twilio-Email-Event-Webhook-Signature"] = signature
    return s.request("POST", "/v1/webhooks/sendgrid/events", raw=body.encode(), headers=headers)


@test
def sendgrid_signed_events_record_delivery_and_suppress():
    keys = json.loads(subprocess.run(["node", SG_SIGNER, "keys"], capture_output=True, text=True, check=True).stdout)
    f = fakes()
    s = server(f, SENDGRID_WEBHOOK_PUBLIC_KEY=keys["public_key"])
    try:
        p = practice(s)
        c = client(s, p, channel_preference="email", phone=None, email="Eve@Example.com")
        visit(s, p, c, 70)
        m = wait_for("email sent", lambda: [x for x in messages(s, p) if x["state"] == "sent"])[0]
        base = {"email": "eve@example.com", "timestamp": int(time.time()), "sg_message_id": m["provider_id"] + ".filter0001.1"}
        other_keys = json.loads(subprocess.run(["node", SG_SIGNER, "keys"], capture_output=True, text=True,
                                               check=True).stdout)
        spam = [dict(base, event="spamreport")]
        eq(sendgrid_post(s, other_keys, spam).status, 403, "signed with another key")
        eq(sendgrid_post(s, keys, spam, ts=int(time.time()) - 3600).status, 403, "stale")
        eq(sendgrid_post(s, keys, spam, signature="").status, 401)
        eq(suppression_events(s, p), [], "refused events changed nothing")
        r = sendgrid_post(s, keys, [dict(base, event="delivered"), dict(base, event="open"),
                                    dict(base, event="processed")])
        eq((r.status, r.json["applied"]), (200, 3))
        eq(messages(s, p)[0]["delivery"], "open", "never backwards")
        r = sendgrid_post(s, keys, [{"event": "delivered", "cadence_message_id": m["id"], "email": "x"},
                                    dict(base, event="bounce", type="blocked"),
                                    {"event": "delivered", "sg_message_id": "unknown.filter"}])
        eq(r.json["applied"], 2, "matched by our id or by sg_message_id; unknown ones skipped")
        eq(suppression_events(s, p), [], "a blocked (soft) bounce does not suppress")
        sendgrid_post(s, keys, spam)
        eq(suppression_events(s, p), ["suppress:email_event"])
        sendgrid_post(s, keys, [dict(base, event="group_resubscribe")])
        eq(suppression_events(s, p), ["suppress:email_event", "lift:email_event"])
        for event in ("bounce", "dropped", "unsubscribe", "group_unsubscribe"):
            psql(f"DELETE FROM suppression_events WHERE practice_id = '{p.id}'; "
                 f"UPDATE suppressions SET active = false WHERE practice_id = '{p.id}'", db=s.db)
            sendgrid_post(s, keys, [dict(base, event=event)])
            eq(suppression_events(s, p), ["suppress:email_event"], event)
    finally:
        s.stop()
