"""Events: what the front desk must hear about at once (a reply, a booking by SMS, an opt-out, a message
in doubt, a flag) reaches it as a JSON page, as a Server-Sent Events stream that resumes after
Last-Event-ID, and at webhook endpoints, signed, retried through failures and dropped connections until
delivered, each event answered 2xx once; endpoints reach only public https addresses by default (checked
when the connection is made); practices see only their own events."""
import hashlib
import hmac
import http.client
import http.server
import json
import socket
import threading
import time

from harness import check, eq, free_port, psql, test
from test_dispatch import client, fakes, practice, server, wait_for
from test_webhooks import inbound, twilio_post

INBOUND = "/v1/webhooks/twilio/inbound"
PHI = ("+15551234567", "Ana", "Thursday", "stop texting", "bruising")


class Stream:
    """GET /v1/events as an EventSource reads it, in a thread: events, comments, and whether it ended."""

    def __init__(self, s, key, last_event_id=None, query=""):
        self.conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
        headers = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        self.conn.request("GET", "/v1/events" + query, headers=headers)
        self.sock = self.conn.sock
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.events, self.comments, self.fields, self.ended = [], [], [], False
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = {}
        try:
            for raw in iter(self.resp.readline, b""):
                line = raw.decode().rstrip("\n")
                if not line:
                    if "data" in event:
                        self.events.append({"id": event["id"], "event": event["event"],
                                            "data": json.loads(event["data"])})
                    elif event:
                        self.fields.append(event)
                    event = {}
                elif line.startswith(":"):
                    self.comments.append(line)
                else:
                    k, _, v = line.partition(": ")
                    event[k] = v
        except (OSError, ValueError, AttributeError):  # closed by the test
            pass
        self.ended = True

    def close(self):
        self.sock.shutdown(socket.SHUT_RDWR)  # unblocks the reading thread; then the connection closes
        self.conn.close()


def events(s, p, query=""):
    r = s.request("GET", "/v1/events" + query, key=p.staff)
    eq(r.status, 200, str(r))
    return r.json


def no_phi(items):
    text = json.dumps(items)
    for word in PHI:
        check(word not in text, f"an event carries {word!r}: {text}")


@test
def replies_opt_outs_and_flags_reach_the_front_desk_as_a_page_and_a_stream_that_resumes():
    f = fakes()
    s = server(f)
    try:
        p, other = practice(s), practice(s, sms_from="+15550002222")
        c = client(s, p, email=None)
        live, theirs = Stream(s, p.staff), Stream(s, other.staff)
        eq((live.status, live.headers["content-type"], live.headers["cache-control"]),
           (200, "text/event-stream", "no-store"))
        wait_for("the stream's retry field", lambda: live.fields)
        eq(live.fields[0], {"retry": "3000"})
        flag = s.request("POST", f"/v1/clients/{c['id']}/flags", {"kind": "complication", "note": "bruising"},
                         key=p.staff).json
        twilio_post(s, INBOUND, inbound("inbound_reply", Body="Thursday at 3 works!"))
        twilio_post(s, INBOUND, inbound("inbound_reply", Body="Please stop texting me"))
        wait_for("four events on the stream", lambda: len(live.events) == 4)
        got = live.events
        eq(sorted(e["event"] for e in got[1:]), ["client.opted_out", "reply.received", "reply.received"])
        eq(got[0]["event"], "flag.raised")
        ids = [int(e["id"]) for e in got]
        eq(ids, sorted(set(ids)), "ids grow")
        eq([e["id"] for e in got], [e["data"]["id"] for e in got])
        eq(got[0]["data"]["data"], {"flag_id": flag["id"], "client_id": c["id"], "kind": "complication"})
        replies = [e["data"]["data"] for e in got if e["event"] == "reply.received"]
        eq([(r["client_id"], r["channel"]) for r in replies], [(c["id"], "sms")] * 2)
        eq(sorted(r["reading"] for r in replies), ["message", "stop"])
        opt_out = [e["data"]["data"] for e in got if e["event"] == "client.opted_out"][0]
        eq(opt_out, {"channel": "sms", "source": "sms_reply", "client_ids": [c["id"]]})
        no_phi([e["data"] for e in got])
        # The page holds the same events; paging by after never skips one.
        page = events(s, p)
        eq((page["data"], page["has_more"], page["next_after"]), ([e["data"] for e in got], False, got[-1]["id"]))
        first = events(s, p, "?limit=3")
        eq((len(first["data"]), first["has_more"], first["next_after"]), (3, True, got[2]["id"]))
        eq(events(s, p, f"?after={first['next_after']}")["data"], [got[3]["data"]])
        eq(events(s, p, f"?after={got[-1]['id']}"), {"data": [], "next_after": got[-1]["id"], "has_more": False})
        # A reconnect with Last-Event-ID gets what came after it, and nothing twice.
        again = Stream(s, p.staff, last_event_id=got[0]["id"])
        wait_for("the events after the first", lambda: len(again.events) == 3)
        time.sleep(1.5)
        eq([e["id"] for e in again.events], [e["id"] for e in got[1:]])
        late = Stream(s, p.staff, query=f"?after={got[2]['id']}")
        wait_for("the event after the third", lambda: late.events)
        eq([e["id"] for e in late.events], [got[3]["id"]])
        # Another practice hears nothing of it.
        eq((theirs.events, events(s, other)["data"]), ([], []))
        for headers, query, field in [({"Last-Event-ID": "x1"}, "", "Last-Event-ID"), ({}, "?after=-1", "after"),
                                      ({}, "?after=" + "9" * 19, "after"), ({}, "?limit=0", "limit")]:
            r = s.request("GET", "/v1/events" + query, key=p.staff, headers=headers)
            eq((r.status, r.error["details"]["field"]), (400, field), query or str(headers))
        eq(s.request("GET", "/v1/events", key=p.integration).status, 403, "the front desk's, not an integration's")
        eq(s.request("GET", "/v1/events").status, 401)
        for st in (live, theirs, again, late):
            st.close()
    finally:
        s.stop()


@test
def open_streams_hold_no_server_thread_each_gets_the_event_and_all_end_when_the_server_stops():
    f = fakes()
    s = server(f)  # HTTP_THREADS=4
    try:
        p = practice(s)
        c = client(s, p, email=None)
        streams = [Stream(s, p.staff) for _ in range(12)]
        eq({st.status for st in streams}, {200})
        started = time.time()
        for _ in range(20):
            eq(s.request("GET", f"/v1/clients/{c['id']}", key=p.staff).status, 200)
        check(time.time() - started < 10, "requests are answered while twelve streams are open")
        s.request("POST", f"/v1/clients/{c['id']}/flags", {"kind": "dissatisfied"}, key=p.staff)
        wait_for("the flag on every stream", lambda: all(len(st.events) == 1 for st in streams))
        eq({st.events[0]["event"] for st in streams}, {"flag.raised"})
        code = s.stop()
        eq(code, 0, "a clean stop with streams open")
        wait_for("every stream ended", lambda: all(st.ended for st in streams), timeout=5)
    finally:
        s.stop()


class Receiver:
    """A webhook endpoint that answers each event's first attempt 500, drops the connection on the second
    (read, then closed unanswered), and answers 200 from the third."""

    def __init__(self):
        self.requests, self.tries = [], {}
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                event_id = self.headers["Cadence-Event-Id"]
                n = receiver.tries[event_id] = receiver.tries.get(event_id, 0) + 1
                status = 500 if n == 1 else None if n == 2 else 200
                receiver.requests.append({"event_id": event_id, "signature": self.headers["Cadence-Signature"],
                                          "body": body, "status": status, "at": time.time()})
                if status is None:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/hooks/cadence"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()


def verify(secret, signature, body):
    """The documented check: t and v1 from Cadence-Signature, v1 = HMAC-SHA256(secret, "<t>.<body>")."""
    parts = dict(x.split("=", 1) for x in signature.split(","))
    want = hmac.new(secret.encode(), f"{parts['t']}.{body}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300


@test
def a_webhook_endpoint_that_fails_and_drops_the_connection_gets_each_event_once_signed_after_retries():
    f = fakes()
    s = server(f, WEBHOOK_ALLOW_PRIVATE="true", WEBHOOK_RETRY_BASE_MS="100")
    hook = Receiver()
    try:
        p = practice(s)
        c = client(s, p, email=None)
        r = s.request("POST", "/v1/webhook-endpoints", {"url": hook.url, "event_types": ["flag.raised",
                                                                                          "reply.received"],
                                                         "description": "front desk tablet"}, key=p.staff)
        eq(r.status, 201, str(r))
        endpoint, secret = r.json, r.json["secret"]
        check(secret.startswith("whsec_") and secret not in s.log(), "the secret is shown once and never logged")
        opt_outs_only = s.request("POST", "/v1/webhook-endpoints", {"url": hook.url + "?only=opt-outs",
                                                                     "event_types": ["client.opted_out"]},
                                  key=p.staff).json
        eq("secret" in s.request("GET", "/v1/webhook-endpoints", key=p.staff).json["data"][0], False)
        for kind in ("complication", "dissatisfied"):
            s.request("POST", f"/v1/clients/{c['id']}/flags", {"kind": kind}, key=p.staff)
        twilio_post(s, INBOUND, inbound("inbound_reply", Body="Thursday at 3 works!"))
        published = wait_for("three events", lambda: len(events(s, p)["data"]) == 3 and events(s, p)["data"])

        def deliveries(e):
            return s.request("GET", f"/v1/webhook-endpoints/{e['id']}/deliveries", key=p.staff).json["data"]
        wait_for("all delivered", lambda: {d["state"] for d in deliveries(endpoint)} == {"delivered"}
                 and len(deliveries(endpoint)) == 3, timeout=30)
        time.sleep(1.5)  # nothing more comes
        answered = [q for q in hook.requests if q["status"] == 200]
        eq(sorted(q["event_id"] for q in answered), sorted(e["id"] for e in published), "each event answered 2xx once")
        eq({k: v for k, v in hook.tries.items()}, {e["id"]: 3 for e in published}, "500, a dropped connection, 200")
        for q in hook.requests:
            check(verify(secret, q["signature"], q["body"]), f"signature of {q['event_id']} verifies")
            check(not verify("whsec_" + "0" * 64, q["signature"], q["body"]), "another secret does not verify")
        eq(sorted((json.loads(q["body"]) for q in answered), key=lambda e: int(e["id"])), published,
           "the body is the event as GET /v1/events serves it")
        eq(sorted((d["attempts"], d["last_status"], d["last_error"]) for d in deliveries(endpoint)),
           [(3, 200, None)] * 3)
        eq(deliveries(opt_outs_only), [], "an endpoint gets only the types it asked for")
        listed = {e["id"]: e for e in s.request("GET", "/v1/webhook-endpoints", key=p.staff).json["data"]}
        eq((listed[endpoint["id"]]["pending"], listed[endpoint["id"]]["failed"]), (0, 0))
        # Removed, it gets nothing more.
        eq(s.request("DELETE", f"/v1/webhook-endpoints/{endpoint['id']}", key=p.staff).status, 204)
        eq(s.request("GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", key=p.staff).status, 404)
        before = len(hook.requests)
        s.request("POST", f"/v1/clients/{c['id']}/flags", {"kind": "complication"}, key=p.staff)
        time.sleep(2.5)
        eq(len(hook.requests), before)
        # Another practice cannot see or remove this practice's endpoints.
        other = practice(s, sms_from="+15550002222")
        eq(s.request("GET", "/v1/webhook-endpoints", key=other.staff).json["data"], [])
        eq(s.request("DELETE", f"/v1/webhook-endpoints/{opt_outs_only['id']}", key=other.staff).status, 404)
        eq(s.request("GET", f"/v1/webhook-endpoints/{opt_outs_only['id']}/deliveries", key=other.staff).status, 404)
        eq(s.request("DELETE", "/v1/webhook-endpoints/not-a-uuid", key=p.staff).status, 404)
    finally:
        hook.stop()
        s.stop()


@test
def an_endpoint_that_keeps_failing_is_given_up_after_ten_attempts():
    f = fakes()
    s = server(f, WEBHOOK_ALLOW_PRIVATE="true", WEBHOOK_RETRY_BASE_MS="10")
    try:
        p = practice(s)
        c = client(s, p, email=None)
        port = free_port()  # nothing listens there: every attempt is refused
        e = s.request("POST", "/v1/webhook-endpoints", {"url": f"http://127.0.0.1:{port}/x"}, key=p.staff).json
        s.request("POST", f"/v1/clients/{c['id']}/flags", {"kind": "complication"}, key=p.staff)
        # Waits of 10 ms times 4 each time: the 7th waits 41 s, so a test sees the first attempts only;
        # the rest are shortened in the database to see the end.
        wait_for("four attempts", lambda: [d for d in s.request("GET", f"/v1/webhook-endpoints/{e['id']}/deliveries",
                                                                 key=p.staff).json["data"] if d["attempts"] >= 4],
                 timeout=20)
        def given_up():
            psql(f"UPDATE webhook_deliveries SET next_attempt_at = now() WHERE practice_id = '{p.id}' "
                 "AND state = 'pending' AND next_attempt_at > now() + interval '1 second'", db=s.db)
            time.sleep(0.2)
            return [d for d in s.request("GET", f"/v1/webhook-endpoints/{e['id']}/deliveries",
                                         key=p.staff).json["data"] if d["state"] == "failed"]
        d = wait_for("given up", given_up, timeout=40)[0]
        eq((d["state"], d["attempts"], d["last_status"], d["next_attempt_at"]), ("failed", 10, None, None))
        check("connect" in d["last_error"].lower(), d["last_error"])
        eq(s.request("GET", "/v1/webhook-endpoints", key=p.staff).json["data"][0]["failed"], 1)
    finally:
        s.stop()


@test
def endpoints_by_default_take_only_https_to_public_addresses_checked_again_when_connecting():
    f = fakes()
    s = server(f)  # WEBHOOK_ALLOW_PRIVATE unset
    hook = Receiver()
    try:
        p = practice(s)
        c = client(s, p, email=None)
        for body, field in [({"url": hook.url}, "url"), ({"url": "https://127.0.0.1/x"}, "url"),
                            ({"url": "https://localhost/x"}, "url"), ({"url": "https://10.1.2.3/x"}, "url"),
                            ({"url": "https://192.168.0.10/x"}, "url"), ({"url": "https://[::1]/x"}, "url"),
                            ({"url": "https://user:pw@example.com/x"}, "url"), ({"url": "ftp://example.com/x"}, "url"),
                            ({"url": "https://example.com/x y"}, "url"), ({}, "url"), ({"url": 5}, "url"),
                            ({"url": "http"}, "url"), ({"url": ""}, "url"), ({"url": "https://"}, "url"),
                            ({"url": "https://example.com/x", "event_types": ["reply.sent"]}, "event_types[0]"),
                            ({"url": "https://example.com/x", "event_types": ["flag.raised", "flag.raised"]},
                             "event_types[1]"),
                            ({"url": "https://example.com/x", "event_types": "flag.raised"}, "event_types"),
                            ({"url": "https://example.com/x", "description": "d" * 201}, "description"),
                            ({"url": "https://example.com/x", "secret": "mine"}, "secret")]:
            r = s.request("POST", "/v1/webhook-endpoints", body, key=p.staff)
            check(r.status in (400, 422) and r.error["details"]["field"] == field, f"{body}: {r}")
        eq(psql(f"SELECT count(*) FROM webhook_endpoints WHERE practice_id = '{p.id}'", db=s.db), "0")
        # A public name that later points here (DNS rebinding, a changed record) is refused at connect time:
        # the row is changed before any event exists, so nothing is ever sent to the public name.
        e = s.request("POST", "/v1/webhook-endpoints", {"url": "https://hooks.example.com/cadence"}, key=p.staff).json
        psql(f"UPDATE webhook_endpoints SET url = '{hook.url}' WHERE id = '{e['id']}'", db=s.db)
        s.request("POST", f"/v1/clients/{c['id']}/flags", {"kind": "complication"}, key=p.staff)
        d = wait_for("an attempt's outcome", lambda: [x for x in s.request(
            "GET", f"/v1/webhook-endpoints/{e['id']}/deliveries", key=p.staff).json["data"] if x["last_error"]])[0]
        eq((d["state"], d["last_status"]), ("pending", None))
        check("private network" in d["last_error"], d["last_error"])
        eq(hook.requests, [], "nothing reached this machine's listener")
    finally:
        hook.stop()
        s.stop()
