"""Conversations: every inbound SMS reaches the front desk (signed with Twilio's own library, in Twilio's
wire format), threaded to the message it answers; free-text revocations stop SMS at once and are
confirmed once; a reply holds promotional steps and lists the client in /v1/outreach; staff answer
through the outbox, to the fake Twilio; practices see only their own conversations."""
import datetime as dt
import json
import threading

from harness import ADMIN_KEY, check, eq, psql, test
from test_dispatch import client, fakes, practice, server, visit, wait_for
from test_webhooks import inbound, suppression_events, twilio_post

INBOUND = "/v1/webhooks/twilio/inbound"


def conversation(s, p, c):
    r = s.request("GET", f"/v1/clients/{c['id']}/conversation", key=p.staff)
    eq(r.status, 200, str(r))
    return r.json


@test
def a_free_text_reply_threads_to_the_reminder_reaches_staff_and_is_answered_through_the_outbox():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p, email=None)
        visit(s, p, c, 70)
        reminder = wait_for("the day-70 reminder", lambda: f.twilio.messages())[0]
        reply = inbound("inbound_reply", Body="Thursday at 3 works! Thank you")
        r = twilio_post(s, INBOUND, reply)
        eq((r.status, "<Message>" in r.text), (200, False), "a reply for staff is not answered automatically")
        eq(twilio_post(s, INBOUND, reply).status, 200, "Twilio retries a webhook: the replay adds nothing")
        conv = conversation(s, p, c)
        eq((conv["unread"], conv["needs_reply"]), (1, True))
        out, inb = conv["data"][0], conv["data"][-1]
        eq((out["direction"], out["reason"], out["body"]), ("out", "refill refill_1", reminder["form"]["Body"]))
        eq((inb["direction"], inb["body"], inb["reading"], inb["answers_message_id"]),
           ("in", "Thursday at 3 works! Thank you", "message", out["id"]), "threaded to the reminder")
        listed = s.request("GET", "/v1/conversations?needs_reply=true", key=p.staff).json["data"]
        eq([(x["client"]["id"], x["last_message"]["body"]) for x in listed], [(c["id"], inb["body"])])
        outreach = s.request("GET", "/v1/outreach", key=p.staff).json["data"]
        eq([(o["client"]["id"], o["flags"], o["reply"]["id"]) for o in outreach], [(c["id"], [], inb["id"])])
        # Staff read it, then answer, signed; the answer goes to the fake Twilio from the practice's number.
        eq(s.request("POST", f"/v1/clients/{c['id']}/conversation/read", key=p.staff).json["unread"], 0)
        r = s.request("POST", f"/v1/clients/{c['id']}/conversation/messages",
                      {"body": "Great, see you Thursday at 3!", "sent_by": "Dana"}, key=p.staff)
        eq((r.status, r.json["sent_by"], r.json["body"]), (202, "Dana", "Great, see you Thursday at 3!\n- Dana"))
        sent = wait_for("the staff reply", lambda: [m["form"] for m in f.twilio.messages()
                                                               if "Thursday at 3" in m["form"]["Body"]])
        eq((sent[0]["To"], sent[0]["From"]), ("+15551234567", "+15550001111"))
        conv = conversation(s, p, c)
        eq((conv["needs_reply"], conv["data"][-1]["reason"], conv["data"][-1]["sent_by"]), (False, "staff reply", "Dana"))
        eq(s.request("GET", "/v1/outreach", key=p.staff).json["data"], [], "answered: off the list")
        check("Thursday" not in s.log() and "+15551234567" not in s.log(), "no PHI in the logs")
    finally:
        s.stop()


@test
def please_stop_texting_me_stops_sms_at_once_and_is_confirmed_once_while_stop_by_does_not():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, name="Glow Med Spa")
        c = client(s, p, email=None)
        r = twilio_post(s, INBOUND, inbound("inbound_reply", Body="I'll stop by Thursday"))
        eq((r.status, "<Message>" in r.text, suppression_events(s, p)), (200, False, []), "another sense of stop")
        r = twilio_post(s, INBOUND, inbound("inbound_reply", Body="Please stop texting me!!"))
        eq(r.status, 200)
        check("<Message>You will get no more texts from Glow Med Spa. Reply START to receive them again.</Message>"
              in r.text, r.text)
        eq(suppression_events(s, p), ["suppress:sms_reply"])
        evidence = psql(f"SELECT evidence FROM suppression_events WHERE practice_id = '{p.id}'", db=s.db)
        eq(evidence, 'free-text reply, phrase "stop texting"', "the audit trail keeps the decision's evidence")
        r = twilio_post(s, INBOUND, inbound("inbound_reply", Body="STOP!! I said stop"))
        eq(("<Message>" in r.text, suppression_events(s, p)), (False, ["suppress:sms_reply"]), "confirmed once")
        conv = conversation(s, p, c)
        eq([(m["reading"], m["keyword"]) for m in conv["data"]], [("message", False), ("stop", False), ("stop", False)])
        eq(conv["needs_reply"], True, "a revocation in free text reaches staff")
        # The next reminder is suppressed, not sent.
        visit(s, p, c, 70)
        wait_for("the step suppressed", lambda: psql(
            f"SELECT count(*) FROM steps WHERE practice_id = '{p.id}' AND state = 'suppressed'", db=s.db) != "0")
        eq(f.twilio.messages(), [])
        # A keyword STOP is kept too, and needs no person.
        c2 = client(s, p, first_name="Bea", phone="+15557654321", email=None)
        twilio_post(s, INBOUND, inbound("inbound_stop", From="+15557654321"))
        eq(conversation(s, p, c2)["needs_reply"], False)
        eq(conversation(s, p, c2)["data"][0]["keyword"], True)
        # Staff cannot text an opted-out number.
        r = s.request("POST", f"/v1/clients/{c['id']}/conversation/messages", {"body": "Sorry!"}, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (409, "client"))
    finally:
        s.stop()


@test
def a_reply_holds_promotional_steps_due_within_the_hold_keeping_their_spacing():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = client(s, p, email=None)
        psql(f"UPDATE practices SET paused = true WHERE id = '{p.id}'", db=s.db)  # planned, not sent
        visit(s, p, c, 69)  # refill_1 due tomorrow, refill_2 in 6 days (day 75), refill_3 day 82
        before = dict(r.split("|") for r in psql(f"SELECT step_key, planned_date FROM steps WHERE practice_id = "
                                                   f"'{p.id}' AND step_key LIKE 'refill_%'", db=s.db).splitlines())
        twilio_post(s, INBOUND, inbound("inbound_reply", Body="Can you call me about this?"))
        rows = psql(f"SELECT step_key, planned_date, reason FROM steps WHERE practice_id = '{p.id}' "
                    "AND step_key LIKE 'refill_%' ORDER BY step_no", db=s.db).splitlines()
        after = {r.split("|")[0]: r.split("|")[1] for r in rows}
        day = lambda v: dt.date.fromisoformat(v)  # noqa: E731
        eq({k: (day(after[k]) - day(before[k])).days for k in after}, {"refill_1": 2, "refill_2": 2, "refill_3": 2},
           "the sequence moves as a whole to the first send time after the 3-day hold")
        check(all(r.split("|")[2] == "client replied: moved 2 days later" for r in rows), str(rows))
        # With the hold off, a reply moves nothing.
        r = s.request("PATCH", f"/v1/practices/{p.id}", {"reply_hold_days": 0}, key=ADMIN_KEY)
        eq((r.status, r.json["reply_hold_days"]), (200, 0))
        twilio_post(s, INBOUND, inbound("inbound_reply", Body="Actually, never mind"))
        eq(psql(f"SELECT string_agg(planned_date::text, ',' ORDER BY step_no) FROM steps WHERE practice_id = "
                f"'{p.id}' AND step_key LIKE 'refill_%'", db=s.db), ",".join(after[k] for k in sorted(after)))
        r = s.request("PATCH", f"/v1/practices/{p.id}", {"reply_hold_days": 31}, key=ADMIN_KEY)
        eq((r.status, r.error["details"]["field"]), (422, "reply_hold_days"))
    finally:
        s.stop()


@test
def conversations_are_the_practices_own_and_refuse_bad_input_by_name():
    f = fakes()
    s = server(f)
    try:
        p, other = practice(s), practice(s, sms_from="+15550002222")
        c = client(s, p, email=None)
        twilio_post(s, INBOUND, inbound("inbound_reply", Body="hello?"))
        # A stranger's text is kept too, with no client.
        twilio_post(s, INBOUND, inbound("inbound_reply", From="+15559990000", Body="who is this?"))
        listed = s.request("GET", "/v1/conversations", key=p.staff).json["data"]
        eq(sorted((x["client"] or {}).get("id", "stranger") for x in listed), sorted([c["id"], "stranger"]))
        eq(s.request("GET", "/v1/conversations", key=other.staff).json["data"], [])
        for path in (f"/v1/clients/{c['id']}/conversation",):
            eq(s.request("GET", path, key=other.staff).status, 404, "another practice's client")
        for verb in ("read", "handled"):
            eq(s.request("POST", f"/v1/clients/{c['id']}/conversation/{verb}", key=other.staff).status, 404)
        eq(s.request("POST", f"/v1/clients/{c['id']}/conversation/messages", {"body": "x"}, key=other.staff).status,
           404)
        r = s.request("GET", "/v1/conversations?unread=maybe", key=p.staff)
        eq((r.status, r.error["details"]["field"]), (400, "unread"))
        r = s.request("GET", "/v1/conversations?cursor=nope", key=p.staff)
        eq((r.status, r.error["details"]["field"]), (400, "cursor"))
        for body, field in [({}, "body"), ({"body": "  "}, "body"), ({"body": 5}, "body"),
                            ({"body": "x" * 1601}, "body"), ({"body": "hi", "sent_by": ""}, "sent_by"),
                            ({"body": "hi", "extra": 1}, "extra")]:
            r = s.request("POST", f"/v1/clients/{c['id']}/conversation/messages", body, key=p.staff)
            eq((r.status, r.error["details"]["field"]), (400 if field == "extra" else 422, field), str(body))
        eq(psql(f"SELECT count(*) FROM messages WHERE practice_id = '{p.id}'", db=s.db), "0", "bad input wrote nothing")
        # Paging: one a page, then the next.
        first = s.request("GET", "/v1/conversations?limit=1", key=p.staff).json
        second = s.request("GET", f"/v1/conversations?limit=1&cursor={first['next_cursor']}", key=p.staff).json
        eq(len(first["data"]) + len(second["data"]), 2)
        check(first["data"][0]["id"] != second["data"][0]["id"])
        # The integration key reads no conversations.
        eq(s.request("GET", "/v1/conversations", key=p.integration).status, 403)
    finally:
        s.stop()


@test
def a_numbered_reply_books_that_slot_and_two_clients_racing_for_one_get_one_booking_and_a_new_offer():
    from test_dispatch import days_ago_there
    from test_schedules import WEEKDAYS, injector_with
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        inj = injector_with(s, p, [{"weekday": d, "start": "10:00", "end": "16:00"} for d in WEEKDAYS])
        ana = client(s, p, email=None)
        bea = client(s, p, first_name="Bea", phone="+15557654321", email=None, time_zone=ana["time_zone"])
        for c in (ana, bea):
            r = s.request("POST", "/v1/treatments", {"client_id": c["id"], "injector_id": inj["id"],
                                                     "performed_at": days_ago_there(c, 70),
                                                     "items": [{"type": "botox"}]}, key=p.staff)
            eq(r.status, 201, str(r))
        sms = wait_for("both step 1 messages", lambda: len(f.twilio.messages()) >= 2 and f.twilio.messages())
        bodies = {m["form"]["To"]: m["form"]["Body"] for m in sms}
        for body in bodies.values():
            check("1) " in body and "2) " in body and "3) " in body and "Reply 1-3 to book: 1) " in body, body)
        # Both were offered the same first slot; both answer "1" at once: one booking, one new offer.
        replies = {}

        def answer(who, number):
            replies[who] = twilio_post(s, INBOUND, inbound("inbound_reply", From=number, Body="1"))

        threads = [threading.Thread(target=answer, args=("ana", "+15551234567")),
                   threading.Thread(target=answer, args=("bea", "+15557654321"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        texts = sorted(r.text for r in replies.values())
        check(sum("You're booked" in t for t in texts) == 1 and sum("just taken" in t for t in texts) == 1, str(texts))
        winner, loser = ("bea", "ana") if "just taken" in replies["ana"].text else ("ana", "bea")
        first = bodies["+15551234567"].split("1) ")[1].split(",")[0]
        check(f"You're booked for {first} with Dr. Rivera at Glow Med Spa." in replies[winner].text,
              replies[winner].text)
        offer = replies[loser].text
        check("Reply 1-3 to book: 1) " in offer and first not in offer, f"the next open times, without the taken one: {offer}")
        # The loser picks the second of the new offer as "#2": booked with the treating injector, source sms.
        second = offer.split("2) ")[1].split(",")[0]
        loser_client, number = (ana, "+15551234567") if loser == "ana" else (bea, "+15557654321")
        r = twilio_post(s, INBOUND, inbound("inbound_reply", From=number, Body="#2"))
        check(f"You're booked for {second} with Dr. Rivera" in r.text, r.text)
        booked = s.request("GET", f"/v1/bookings?client_id={loser_client['id']}", key=p.staff).json["data"]
        eq([(b["source"], b["injector_id"]) for b in booked], [("sms", inj["id"])])
        eq(conversation(s, p, loser_client)["needs_reply"], False, "a booked reply needs no person")
        wait_for("the booking's confirmation at the fake Twilio",
                 lambda: [m for m in f.twilio.messages() if m["form"]["To"] == number
                          and m["form"]["Body"] != bodies[number]])
        eq(psql(f"SELECT count(DISTINCT starts_at), count(*) FROM bookings WHERE practice_id = '{p.id}' "
                "AND state <> 'cancelled'", db=s.db), "2|2", "every booking its own time")
        # The front desk hears of both bookings by SMS (GET /v1/events), with the step that caused them.
        made = [e["data"] for e in s.request("GET", "/v1/events", key=p.staff).json["data"]
                if e["type"] == "booking.created"]
        eq(sorted((d["client_id"], d["source"], d["injector_id"], d["caused_by_step"] is not None) for d in made),
           sorted((c["id"], "sms", inj["id"], True) for c in (ana, bea)))
        # The offer is used: another "1" is a message for staff, not a second booking.
        r = twilio_post(s, INBOUND, inbound("inbound_reply", From=number, Body="1"))
        eq(("<Message>" in r.text, conversation(s, p, loser_client)["needs_reply"]), (False, True))
        # A number with no offer is a message for staff.
        r = twilio_post(s, INBOUND, inbound("inbound_reply", From="+15559990000", Body="2"))
        eq("<Message>" in r.text, False)
    finally:
        s.stop()


INBOUND_EMAIL = "/v1/webhooks/sendgrid/inbound"
PARSE_SECRET = "inbound-parse-secret-0123456789abcdef"
PARSE = {"SENDGRID_INBOUND_SECRET": PARSE_SECRET, "SENDGRID_INBOUND_DOMAIN": "parse.glow.example.com"}


def parse_post(s, fields, files=(), secret=PARSE_SECRET, user="cadence"):
    """An email as SendGrid's Inbound Parse posts it: multipart/form-data (its documented fields), with
    Basic credentials from the URL it is configured with."""
    import base64
    import uuid
    boundary = "xYzZY" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        data = value if isinstance(value, bytes) else value.encode()
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + data + b"\r\n")
    for name, filename, content in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f'Content-Type: application/octet-stream\r\n\r\n'.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {}
    if secret is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()
    return s.request("POST", INBOUND_EMAIL, raw=body, headers=headers,
                     content_type=f"multipart/form-data; boundary={boundary}")


def email_reply(to, text, sender="Ana Diaz <ana@example.com>", message_id=None, charset="UTF-8", html=None):
    fields = {"headers": f"Received: by mx0.sendgrid.net\nMessage-ID: <{message_id or 'm' + str(id(text))}@mail."
                         f"example.com>\nFrom: {sender}\nTo: {to}\nSubject: Re: Time to plan your next Botox\n",
              "dkim": "{@example.com : pass}", "to": to, "from": sender, "sender_ip": "127.0.0.1",
              "spam_report": "", "envelope": json.dumps({"to": [to.split("<")[-1].rstrip(">")],
                                                          "from": "ana@example.com"}),
              "attachments": "0", "subject": "Re: Time to plan your next Botox", "spam_score": "0.1",
              "charsets": json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8", "text": charset,
                                      "html": charset}),
              "SPF": "pass", "text": text.encode("latin-1" if charset == "iso-8859-1" else "utf-8")}
    if html is not None:
        fields["html"] = html
    return fields


@test
def an_email_reply_threads_by_its_reply_to_reaches_staff_without_the_quote_and_is_answered_by_email():
    f = fakes()
    s = server(f, **PARSE)
    try:
        p = practice(s, name="Glow Med Spa")
        c = client(s, p, phone=None, channel_preference="email")
        visit(s, p, c, 70)
        sent = wait_for("the day-70 email", lambda: f.sendgrid.messages())[0]["json"]
        m = wait_for("sent", lambda: [x for x in s.request("GET", "/v1/messages", key=p.staff).json["data"]
                                      if x["state"] == "sent"])[0]
        reply_to = f"reply+{m['id']}@parse.glow.example.com"
        eq(sent["reply_to"], {"email": reply_to}, "each email names its message in Reply-To")
        quoted = ("Thursday at 3 works!\r\n\r\nOn Tue, Mar 17, 2026 at 2:00 PM Glow Med Spa <" + reply_to +
                  "> wrote:\r\n> " + m["body"].replace("\n", "\r\n> ") + "\r\n> Unsubscribe: http://x/u\r\n")
        r = parse_post(s, email_reply(f"Glow Med Spa <{reply_to}>", quoted, message_id="reply-1"),
                       files=[("attachment1", "photo.jpg", b"\xff\xd8" + b"x" * 2_000_000)])
        eq((r.status, r.json["stored"], r.json["client_id"], r.json["reading"]), (200, True, c["id"], "message"), str(r))
        eq(parse_post(s, email_reply(reply_to, quoted, message_id="reply-1")).json["stored"], True)
        conv = conversation(s, p, c)
        inb = [x for x in conv["data"] if x["direction"] == "in"]
        eq([(x["channel"], x["body"], x["answers_message_id"], x["from"]) for x in inb],
           [("email", "Thursday at 3 works!", m["id"], "ana@example.com")],
           "threaded, the quote cut, kept once though SendGrid retried")
        eq((conv["unread"], conv["needs_reply"]), (1, True))
        eq(psql(f"SELECT count(*) FROM suppressions WHERE practice_id = '{p.id}'", db=s.db), "0",
           "the quoted unsubscribe link is not the client's words")
        # Staff answer on the channel the client wrote on: an email, through the fake SendGrid.
        r = s.request("POST", f"/v1/clients/{c['id']}/conversation/messages",
                      {"body": "See you Thursday at 3!", "sent_by": "Dana"}, key=p.staff)
        eq((r.status, r.json["channel"]), (202, "email"), str(r))
        answer = wait_for("the staff email", lambda: [x["json"] for x in f.sendgrid.messages()
                                                      if "Thursday at 3" in json.dumps(x["json"])])[0]
        eq((answer["personalizations"][0]["to"], answer["subject"]),
           ([{"email": "ana@example.com"}], "Re: your message to Glow Med Spa"))
        r = s.request("POST", f"/v1/clients/{c['id']}/conversation/messages", {"body": "x", "channel": "sms"},
                      key=p.staff)
        eq((r.status, r.error["details"]["field"]), (409, "client"), "no number to text")
        r = s.request("POST", f"/v1/clients/{c['id']}/conversation/messages", {"body": "x", "channel": "fax"},
                      key=p.staff)
        eq((r.status, r.error["details"]["field"]), (422, "channel"))
        check("Thursday" not in s.log() and "ana@example.com" not in s.log(), "no PHI in the logs")
    finally:
        s.stop()


@test
def an_email_asking_to_unsubscribe_stops_email_and_latin1_html_and_strangers_are_read_right():
    f = fakes()
    s = server(f, **PARSE)
    try:
        p = practice(s, name="Glow Med Spa")
        c = client(s, p, phone=None, channel_preference="email")
        r = parse_post(s, email_reply("hello@glow.example.com", "Please unsubscribe me from these emails.\n\n"
                                      "Sent from my iPhone", message_id="u1"))
        eq((r.status, r.json["reading"], r.json["client_id"]), (200, "stop", c["id"]), str(r))
        eq(psql(f"SELECT action || ':' || source || ':' || evidence FROM suppression_events WHERE practice_id = "
                f"'{p.id}' AND channel = 'email'", db=s.db), "suppress:email_reply:email reply, phrase \"unsubscribe\"")
        events = [e["type"] for e in s.request("GET", "/v1/events", key=p.staff).json["data"]]
        eq(sorted(events), ["client.opted_out", "reply.received"])
        r = s.request("POST", f"/v1/clients/{c['id']}/conversation/messages", {"body": "Sorry!"}, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (409, "client"), "an opted-out address gets no staff email")
        # An older mail client's Latin-1 text, and an HTML-only reply, arrive as UTF-8 text.
        r = parse_post(s, email_reply("hello@glow.example.com", "Merci, à jeudi", message_id="l1",
                                      charset="iso-8859-1"))
        eq(r.status, 200, str(r))
        fields = email_reply("hello@glow.example.com", "", message_id="h1",
                             html="<div>Can I move it to <b>Friday</b>&nbsp;&amp; bring my sister?</div>"
                                  "<blockquote>Unsubscribe here</blockquote>")
        fields["text"] = b""
        eq(parse_post(s, fields).json["reading"], "message")
        bodies = [x["body"] for x in conversation(s, p, c)["data"] if x["direction"] == "in"]
        eq(bodies[1:], ["Merci, à jeudi", "Can I move it to Friday & bring my sister?"])
        # A stranger writing to the practice is kept, with no client; an address no practice has is not ours.
        r = parse_post(s, email_reply("hello@glow.example.com", "Do you do lip filler?",
                                      sender="<new.person@example.org>", message_id="s1"))
        eq((r.status, r.json["client_id"]), (200, None))
        strangers = [x for x in s.request("GET", "/v1/conversations", key=p.staff).json["data"] if not x["client"]]
        eq([(x["channel"], x["address"]) for x in strangers], [("email", "new.person@example.org")])
        r = parse_post(s, email_reply("someone@elsewhere.example.net", "hi", message_id="x1"))
        eq((r.status, r.json), (200, {"stored": False, "reason": "no practice receives email at this address"}))
        # Credentials, shape.
        eq(parse_post(s, email_reply("hello@glow.example.com", "hi"), secret=None).status, 401)
        r = parse_post(s, email_reply("hello@glow.example.com", "hi"), secret="wrong-secret-0123456789abcdef")
        eq((r.status, r.error["code"]), (401, "invalid_credentials"))
        r = s.request("POST", INBOUND_EMAIL, {"from": "a@b.c"}, headers={"Authorization": "Basic " + __import__(
            "base64").b64encode(f"cadence:{PARSE_SECRET}".encode()).decode()})
        eq(r.status, 415, str(r))
        fields = email_reply("hello@glow.example.com", "hi")
        fields["from"] = "no address here"
        r = parse_post(s, fields)
        eq((r.status, r.error["details"]["field"]), (422, "from"))
        eq(psql(f"SELECT count(*) FROM inbound_messages WHERE practice_id = '{p.id}'", db=s.db), "4")
    finally:
        s.stop()
    s = server(f)  # without SENDGRID_INBOUND_SECRET the endpoint refuses everything
    try:
        r = parse_post(s, email_reply("hello@glow.example.com", "hi"))
        eq((r.status, r.error["code"]), (403, "webhooks_not_configured"))
    finally:
        s.stop()


@test
def staff_answer_a_sender_who_is_not_a_client_by_conversation_id_on_the_channel_they_wrote_on():
    f = fakes()
    s = server(f)
    try:
        p, other = practice(s), practice(s, sms_from="+15550002222")
        c = client(s, p, email=None)
        twilio_post(s, INBOUND, inbound("inbound_reply", From="+15559990000", Body="Do you do lip filler?"))
        twilio_post(s, INBOUND, inbound("inbound_reply", Body="see you soon"))
        listed = {(x["client"] or {}).get("id"): x["id"] for x in
                  s.request("GET", "/v1/conversations", key=p.staff).json["data"]}
        stranger, theirs = listed[None], listed[c["id"]]
        conv = s.request("GET", f"/v1/conversations/{stranger}", key=p.staff).json
        eq((conv["client_id"], conv["unread"], conv["needs_reply"], [m["body"] for m in conv["data"]]),
           (None, 1, True, ["Do you do lip filler?"]))
        eq(s.request("GET", f"/v1/conversations/{theirs}", key=p.staff).json,
           conversation(s, p, c), "a client's conversation by id is the client's")
        eq(s.request("POST", f"/v1/conversations/{stranger}/read", key=p.staff).json["unread"], 0)
        r = s.request("POST", f"/v1/conversations/{stranger}/messages", {"body": "We do! Call us to book.",
                                                                          "sent_by": "Dana"}, key=p.staff)
        eq((r.status, r.json["client_id"], r.json["channel"], r.json["to"]), (202, None, "sms", "+15559990000"), str(r))
        sent = wait_for("the answer at the fake Twilio", lambda: [m["form"] for m in f.twilio.messages()
                                                                   if m["form"]["To"] == "+15559990000"])
        eq((sent[0]["From"], sent[0]["Body"]), ("+15550001111", "We do! Call us to book.\n- Dana"))
        conv = s.request("GET", f"/v1/conversations/{stranger}", key=p.staff).json
        eq(([m["direction"] for m in conv["data"]], conv["data"][-1]["reason"], conv["needs_reply"]),
           (["in", "out"], "staff reply", False), "the answer is in the conversation, which is handled")
        r = s.request("POST", f"/v1/conversations/{stranger}/messages", {"body": "x", "channel": "email"}, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (409, "conversation"))
        # After a STOP the number gets nothing from staff either.
        twilio_post(s, INBOUND, inbound("inbound_stop", From="+15559990000"))
        r = s.request("POST", f"/v1/conversations/{stranger}/messages", {"body": "Sorry"}, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (409, "conversation"))
        eq(s.request("POST", f"/v1/conversations/{stranger}/handled", key=p.staff).json["needs_reply"], False)
        # Another practice, and ids that name nothing, are 404 on every route.
        for path, body in [("", None), ("/read", None), ("/handled", None), ("/messages", {"body": "x"})]:
            for key, cid in [(other.staff, stranger), (p.staff, "not-a-uuid"),
                             (p.staff, "00000000-0000-4000-8000-000000000000")]:
                r = s.request("GET" if not path else "POST", f"/v1/conversations/{cid}{path}", body, key=key)
                eq(r.status, 404, f"{path} {cid}")
        r = s.request("POST", f"/v1/conversations/{stranger}/messages", {"body": " "}, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (422, "body"))
    finally:
        s.stop()
