"""Hostile clients, as an outsider would try them: every route of openapi.yaml
with bodies, parameters and path values it does not expect; raw HTTP that no
client library would send; another practice's keys and ids; browser origins.
Every reply must be documented (the harness validates each against
openapi.yaml) and below 500, nothing may hang, the server must stay up and
clean (run.sh fails on any sanitizer report in its log), another practice's
data must not change, and none of the personal data sent may reach the log.
It runs against both builds; under ASan+UBSan it is the attack test."""
import hashlib
import hmac
import json
import os
import re
import socket
import time
import uuid

import payloads
from harness import ADMIN_KEY, CONTRACT, check, eq, issue_key, test
from test_dispatch import client, days_ago_there, fakes, practice, server

# Personal data the attacks carry: none of it may appear in the server's log.
PHI = {"phone": "+15557654321", "email": "zelda.victim@example.org", "name": "Zeldaattackname"}

HOSTILE_VALUES = [None, True, -1, 0, 2**31, 2**63 - 1, 2**64, -2**63, 1e308, -1e-308, "", " ", "x" * 5000,
                  "\u202e\u0000"[:1] + "rtl", "%ff", "'; DROP TABLE clients; --", "{{first_name}}", [], [None], {},
                  {"$gt": ""}, "9" * 40, "2026-02-30", "24:61", PHI["phone"], PHI["email"], PHI["name"]]
HOSTILE_QUERY = ["%ff", "%00", "", "-1", "0", "9" * 40, "1e99", "%27%3B--", "a" * 3000, "2026-13-45", "x&x=1",
                 "%F0%9F%98%80", "null"]
HOSTILE_PATH = ["x", "%00", "9" * 40, "..%2F..%2Fetc%2Fpasswd", "%ff", str(uuid.uuid4()), "00000000-0000-0000-0000-"
                "000000000000", "a" * 2000, "%20", "-1"]
RAW_BODIES = [b"{", b"[]", b"\"s\"", b"null", b"1", b"[" * 20000 + b"]" * 20000, b"{\"a\":" * 5000,
              b"{\"a\":1,\"a\":2}", b"\xff\xfe{}", b"{\"first_name\":\"\\u0000\"}", b"{\"x\":\"\\ud800\"}",
              b"{\"units\":1e999999}", b" " * 100000, b"\x00"]


def schema_properties(op):
    """The top-level properties of an operation's JSON request body (after $ref and allOf)."""
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    seen, props = [schema], {}
    while seen:
        s = seen.pop()
        if not isinstance(s, dict):
            continue
        if "$ref" in s:
            seen.append(CONTRACT._deref(s["$ref"]))
            continue
        for k in ("allOf", "oneOf", "anyOf"):
            seen.extend(s.get(k, []))
        props.update(s.get("properties", {}))
    return props


def operations():
    for template, item in CONTRACT.doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), template, op


def fill(template, values):
    """The template with each {param} replaced by values[param] (or a fresh UUID)."""
    out = template
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + values.get(out[start + 1:end], str(uuid.uuid4())) + out[end + 1:]
    return out


class Tally:
    """Sends requests and collects what is wrong with their replies, to report every kind at the end."""

    def __init__(self, s):
        self.s, self.sent, self.statuses, self.wrong = s, 0, {}, {}

    def send(self, method, path, **kw):
        kw.setdefault("timeout", 20)
        self.sent += 1
        try:
            r = self.s.request(method, path, **kw)  # validated against openapi.yaml
            self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
            check(r.status < 500, f"{r.status} {r.text[:300]}")
            if r.status in (400, 422) and r.text:
                check(r.error.get("message"), f"a refusal says why: {r.text[:200]}")
        except Exception as e:  # noqa: BLE001 (a timeout or a reset is a finding too)
            self.wrong.setdefault(f"{method} {CONTRACT.operation(method, path)[0]}: {str(e)[:200]}", path[:150])

    def verdict(self):
        check(not self.wrong, f"{len(self.wrong)} kinds of wrong replies:\n" +
              "\n".join(f"  {k}\n    e.g. {v}" for k, v in list(self.wrong.items())[:25]))


def keys_for(p, op):
    """The key an operation is tried with: the most privileged one its summary allows."""
    summary = op.get("summary", "")
    if "(admin" in summary:
        return ADMIN_KEY
    if "integration" in summary and "staff" not in summary:
        return p.integration
    return p.staff


@test
def every_route_refuses_hostile_bodies_parameters_and_path_values_without_a_5xx():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        t = Tally(s)
        for method, template, op in operations():
            key = keys_for(p, op)
            base = {"id": p.id if template.startswith("/v1/practices/") else str(uuid.uuid4()), "vendor": "generic"}
            path = fill(template, base)
            # Query parameters, each hostile in turn.
            for param in (x["name"] for x in op.get("parameters", []) if x.get("in") == "query"):
                for v in HOSTILE_QUERY:
                    t.send(method, f"{path}?{param}={v}", key=key, raw=b"{}" if method != "GET" else None)
            # Path values.
            for name in [x[1:-1] for x in template.split("/") if x.startswith("{")]:
                for v in HOSTILE_PATH:
                    t.send(method, fill(template, {**base, name: v}), key=key,
                           raw=b"{}" if method in ("POST", "PUT", "PATCH") else None)
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            # Bodies that are not what JSON or the schema allows.
            for raw in RAW_BODIES:
                t.send(method, path, key=key, raw=raw)
            for prop in schema_properties(op):
                for v in HOSTILE_VALUES:
                    t.send(method, path, key=key, body={prop: v})
            t.send(method, path, key=key, body={p: "x" for p in schema_properties(op)})
        # The forms of Twilio's webhooks and the CSV import, broken.
        for body in (b"%zz=1", b"=" * 5000, b"a=" + b"%ff" * 1000, b"&" * 5000, b"MessageSid=" + b"x" * 100000):
            for hook in ("/v1/webhooks/twilio/status", "/v1/webhooks/twilio/inbound"):
                t.send("POST", hook, raw=body, content_type="application/x-www-form-urlencoded",
                       headers={"X-Twilio-Signature": "AAAA"})
        for csv in (b"\xff\xfe\x00\x00", b"client_id\n" + b"\"" * 70000, b"a,b\n" * 10 + b"\x00" * 100,
                    b"client_id,performed_at,treatment\n" + b"C,2026-01-05,botox" + b",x" * 200 + b"\n"):
            t.send("POST", "/v1/imports/treatments", raw=csv, key=p.integration, content_type="text/csv")
        eq(s.request("GET", "/healthz").status, 200, "the server is still up")
        t.verdict()
        check(t.sent > 2000, f"{t.sent} requests")
        print(f"     {t.sent} hostile requests over {len(list(operations()))} operations: statuses {t.statuses}")
        log = s.log()
        for what, value in PHI.items():
            check(value not in log, f"the {what} sent in the attacks is not in the log")
    finally:
        s.stop()


def raw_exchange(port, data, read_for=1.5):
    """Sends bytes on a fresh connection and reads until the server closes or read_for passes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=read_for)
    got = b""
    try:
        sock.sendall(data)
        deadline = time.time() + read_for
        while time.time() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        pass
    finally:
        sock.close()
    return got


MHD_PAGE = re.compile(rb"<html><head><title>[A-Za-z ]+</title></head><body>(?:[A-Za-z .,-]|</?b>)+</body></html>")


def statuses_of(reply):
    """The status of every reply in what came back (replies follow each other without a line break)."""
    return [int(code) for code in re.findall(rb"HTTP/1\.[01] (\d{3}) ", reply)]


def leaves(doc, prefix=""):
    """Every dotted path of a JSON document, objects and lists included."""
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    for k, v in items:
        path = f"{prefix}{k}"
        yield path
        yield from leaves(v, path + ".")


@test
def signed_vendor_deliveries_with_any_field_missing_or_wrong_are_refused_by_name():
    """What a PMS sends when its data is incomplete: each field of each real payload removed, nulled or of
    another type, correctly signed. A 4xx naming the field, or a success; never a 5xx."""
    f = fakes()
    s = server(f)
    try:
        p = practice(s, webhook_secret="attack-secret-0123456789")
        t = Tally(s)
        for name in sorted(os.listdir(payloads.FOLDER + "/zenoti")) + sorted(os.listdir(payloads.FOLDER + "/patientnow")):
            vendor = "zenoti" if os.path.exists(f"{payloads.FOLDER}/zenoti/{name}") else "patientnow"
            doc = payloads.load(f"{vendor}/{name[:-5]}")
            for n, path in enumerate(list(leaves(doc))):
                for change in ("drop", None, 7, "", [], {}):
                    body = payloads.load(f"{vendor}/{name[:-5]}")
                    keys = path.rsplit(".", 1)
                    parent = payloads.get(body, keys[0]) if len(keys) == 2 else body
                    last = keys[-1]
                    if change == "drop":
                        if isinstance(parent, list):
                            parent.pop(int(last))
                        else:
                            parent.pop(last)
                    else:
                        payloads.put(body, path, change)
                    for id_key in ("id", "eventId"):  # a new delivery each time, not a replay
                        if isinstance(body.get(id_key), str):
                            body[id_key] = f"attack-{name}-{n}-{change}"
                    raw = json.dumps(body).encode()
                    ts = str(int(time.time()))
                    mac = hmac.new(b"attack-secret-0123456789", ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
                    t.send("POST", f"/v1/webhooks/pms/{vendor}", raw=raw, headers={
                        "X-Cadence-Practice": p.id, "X-Cadence-Timestamp": ts, "X-Cadence-Signature": "sha256=" + mac})
        t.verdict()
        check(t.sent > 500, f"{t.sent} deliveries")
        print(f"     {t.sent} signed deliveries with a field changed: statuses {t.statuses}")
    finally:
        s.stop()


@test
def raw_http_that_no_client_library_sends_is_refused_or_closed():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        auth = f"Authorization: Bearer {p.staff}\r\n".encode()
        cases = {
            "garbage request line": b"GARBAGE\r\n\r\n",
            "unknown method": b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
            "HTTP/2 preface on HTTP/1": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "a future HTTP version": b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
            "a header without a colon": b"GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
            "a NUL in a header": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
            "a 100 KB header": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n",
            "3,000 headers": b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-N: 1\r\n" * 3000 + b"\r\n",
            "a 200 KB URL": b"GET /v1/clients?name=" + b"a" * 200000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            "a negative Content-Length": b"POST /v1/clients HTTP/1.1\r\nHost: x\r\n" + auth +
                                         b"Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}",
            "a Content-Length past 64 bits": b"POST /v1/clients HTTP/1.1\r\nHost: x\r\n" + auth +
                                             b"Content-Length: 99999999999999999999999\r\n\r\n{}",
            "two Content-Lengths": b"POST /v1/clients HTTP/1.1\r\nHost: x\r\n" + auth +
                                   b"Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}",
            "Content-Length and chunked (smuggling)": b"POST /v1/clients HTTP/1.1\r\nHost: x\r\n" + auth +
                b"Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"0\r\n\r\nGET /v1/practices/" + p.id.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            "a chunk size that is not hex": b"POST /v1/clients HTTP/1.1\r\nHost: x\r\n" + auth +
                                            b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "a chunk of 2^64 bytes": b"POST /v1/clients HTTP/1.1\r\nHost: x\r\n" + auth +
                                     b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{}\r\n",
            "a body cut short": b"POST /v1/clients HTTP/1.1\r\nHost: x\r\n" + auth +
                                b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"first_name\":",
            "an absolute URI to another host": b"GET http://evil.example.com/v1/practices HTTP/1.1\r\nHost: evil\r\n\r\n",
            "a folded header": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
            "bare LF line ends": b"GET /healthz HTTP/1.1\nHost: x\n\n",
            "a path with a NUL": b"GET /v1/clients/%00 HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n",
            "dot segments": b"GET /v1/../v1/./practices/" + p.id.encode() + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n",
        }
        wrong = []
        for what, data in cases.items():
            reply = raw_exchange(s.port, data)
            codes = statuses_of(reply)
            print(f"     {what}: {codes}")
            # 505 is HTTP's own answer to a version it does not speak, not a fault of the server.
            if not all(c < 500 or c == 505 for c in codes):
                wrong.append(f"{what}: {codes} {reply[:300]!r}")
            if b"SQL" in reply or b"Traceback" in reply:
                wrong.append(f"{what}: internals in the reply")
            # Cadence's replies carry the browser headers. libmicrohttpd answers what it cannot parse itself
            # with fixed pages Cadence cannot add headers to (README, Deployment): they must reflect nothing.
            if codes and codes[0] >= 400 and b"x-frame-options" not in reply.lower():
                body = reply.split(b"\r\n\r\n")[-1]
                if not MHD_PAGE.fullmatch(body):
                    wrong.append(f"{what}: a {codes[0]} without the browser headers: {reply[-300:]!r}")
            eq(s.request("GET", "/healthz").status, 200, f"up after {what}")
        check(not wrong, "\n".join(wrong))
        eq(statuses_of(raw_exchange(s.port, cases["two Content-Lengths"])), [400], "two lengths: 400, closed")
        # 100 requests pipelined in one write are answered in order, every one.
        many = b"".join(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" for _ in range(100))
        eq(statuses_of(raw_exchange(s.port, many + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                    read_for=10)), [200] * 101)
        # The smuggled request never ran as a second request on that connection with the staff key.
        eq(s.request("GET", "/healthz").status, 200)
    finally:
        s.stop()


@test
def another_practice_cannot_read_or_change_any_resource_of_this_one():
    f = fakes()
    s = server(f)
    try:
        a, b = practice(s), practice(s, name="Other Spa")
        c = client(s, a, email=None)
        inj = s.request("POST", "/v1/injectors", {"name": "Dr. Lee"}, key=a.staff).json
        visit = s.request("POST", "/v1/treatments", {"client_id": c["id"], "performed_at": days_ago_there(c, 5),
                                                     "items": [{"type": "botox", "price_cents": 30000}]},
                          key=a.staff).json
        ids = {"id": c["id"], "flag_id": str(uuid.uuid4()), "perk_id": str(uuid.uuid4()),
               "key_id": str(uuid.uuid4()), "code": "botox", "treatment_type": "botox", "step": "refill_1",
               "channel": "sms", "vendor": "generic", "token": "x", "message_id": str(uuid.uuid4())}
        per_resource = {"/v1/injectors/": inj["id"], "/v1/treatments/": visit["id"], "/v1/practices/": a.id}
        before = [s.request("GET", path, key=a.staff).text for path in
                  (f"/v1/clients/{c['id']}", f"/v1/treatments/{visit['id']}", f"/v1/clients/{c['id']}/loyalty",
                   f"/v1/injectors/{inj['id']}/schedule")]
        tried = 0
        for method, template, op in operations():
            if "{id}" not in template:
                continue
            own = next((v for prefix, v in per_resource.items() if template.startswith(prefix)), c["id"])
            path = fill(template, {**ids, "id": own})
            for key in (b.staff, b.integration, issue_key(s, b.id, "staff") if tried == 0 else b.staff):
                body = {} if method in ("POST", "PUT", "PATCH") else None
                r = s.request(method, path, body=body, key=key)
                tried += 1
                check(r.status in (400, 401, 403, 404, 405, 409, 415, 422), f"{method} {path} with B's key: {r.status}")
                check(c["first_name"] not in r.text or r.status >= 400, f"{method} {path}: A's client in the reply")
        after = [s.request("GET", path, key=a.staff).text for path in
                 (f"/v1/clients/{c['id']}", f"/v1/treatments/{visit['id']}", f"/v1/clients/{c['id']}/loyalty",
                  f"/v1/injectors/{inj['id']}/schedule")]
        eq(after, before, "A's client, visit, loyalty and injector are unchanged")
        check(tried > 60, f"{tried} cross-practice requests")
        # Lists and searches of B never show A's rows.
        for path in ("/v1/clients", f"/v1/clients?phone={c['phone'].replace('+', '%2B')}", "/v1/treatments",
                     "/v1/messages", "/v1/bookings", "/v1/injectors", "/v1/outreach"):
            r = s.request("GET", path, key=b.staff)
            eq(r.status, 200, path)
            check(c["id"] not in r.text and inj["id"] not in r.text, f"{path}: A's ids in B's list")
    finally:
        s.stop()


@test
def only_the_allowed_browser_origins_get_cors_and_every_reply_has_the_browser_headers():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        for origin, allowed in (("https://desk.example.com", True), ("https://evil.example.com", False),
                                ("null", False), ("https://desk.example.com.evil.com", False)):
            pre = s.request("OPTIONS", "/v1/clients", headers={
                "Origin": origin, "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type"}, validate=False)
            got = pre.headers.get("access-control-allow-origin")
            eq(got == origin, allowed, f"preflight from {origin}: {got}")
            check(got != "*", "never a wildcard with credentials")
            r = s.request("GET", "/v1/clients", key=p.staff, headers={"Origin": origin})
            eq(r.headers.get("access-control-allow-origin") == origin, allowed, f"GET from {origin}")
        for path, key in (("/v1/clients", p.staff), ("/v1/clients", None), ("/nope", None),
                          (f"/v1/unsubscribe/{uuid.uuid4()}", None)):
            r = s.request("GET", path, key=key)
            for h in ("content-security-policy", "x-frame-options", "referrer-policy", "x-content-type-options"):
                check(h in r.headers, f"GET {path} ({r.status}) has {h}")
    finally:
        s.stop()
