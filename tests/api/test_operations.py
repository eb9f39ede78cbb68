"""Health, readiness, metrics, the served contract, routing, limits, CORS, request ids."""
import json
import time

from harness import ADMIN_KEY, Practice, Server, check, eq, fresh_database, psql, shared, test


@test
def health_and_readiness():
    s = shared()
    eq(s.request("GET", "/healthz").json, {"status": "ok"})
    eq(s.request("GET", "/readyz").json, {"status": "ready"})


@test
def serves_its_own_contract():
    s = shared()
    r = s.request("GET", "/openapi.yaml")
    eq(r.status, 200)
    with open("openapi.yaml") as f:
        check(r.text == f.read(), "the served document is openapi.yaml byte for byte")


@test
def unknown_path_is_404_and_wrong_method_is_405():
    s = shared()
    r = s.request("GET", "/v1/nothing-here")
    eq(r.status, 404)
    eq(r.error["code"], "not_found")
    r = s.request("DELETE", "/v1/clients", key=ADMIN_KEY)
    eq(r.status, 405)
    check("GET" in r.headers.get("allow", ""), "405 carries Allow")


@test
def request_id_is_echoed_or_generated():
    s = shared()
    r = s.request("GET", "/healthz", headers={"X-Request-Id": "abc-123.x"})
    eq(r.headers["x-request-id"], "abc-123.x")
    r = s.request("GET", "/healthz", headers={"X-Request-Id": "bad id with spaces"})
    check(r.headers["x-request-id"] != "bad id with spaces", "unsafe request id replaced")
    eq(len(r.headers["x-request-id"]), 32)
    line = [l for l in s.log().splitlines() if r.headers["x-request-id"] in l]
    eq(len(line), 1, "one access-log line carries the request id")
    entry = json.loads(line[0])
    eq((entry["route"], entry["status"], entry["method"]), ("/healthz", 200, "GET"))


@test
def oversized_body_is_413_and_changes_nothing():
    s = shared()
    p = Practice(s)
    big = {"first_name": "A" * 10, "last_name": "x" * (1024 * 1024 + 10)}
    r = s.request("POST", "/v1/clients", big, key=p.staff)
    eq(r.status, 413)
    eq(r.error["code"], "payload_too_large")
    eq(s.request("GET", "/v1/clients", key=p.staff).json["data"], [], "no client written")


@test
def chunked_oversized_body_is_413():
    import http.client
    s = shared()
    p = Practice(s)
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    chunk = b"x" * 65536

    def gen():
        yield b'{"first_name":"'
        for _ in range(20):  # 1.25 MiB without a Content-Length
            yield chunk
        yield b'"}'
    conn.request("POST", "/v1/clients", body=gen(), encode_chunked=True,
                 headers={"Authorization": f"Bearer {p.staff}", "Content-Type": "application/json",
                          "Transfer-Encoding": "chunked"})
    r = conn.getresponse()
    eq(r.status, 413)
    r.read()
    conn.close()


@test
def every_reply_carries_the_browser_headers():
    s = shared()
    p = Practice(s)
    for r in (s.request("GET", "/healthz"), s.request("GET", "/v1/clients", key=p.staff),
              s.request("GET", "/v1/nothing-here"), s.request("POST", "/v1/clients", {"x": 1}, key=p.staff)):
        eq(r.headers.get("content-security-policy"), "default-src 'none'; frame-ancestors 'none'", str(r))
        eq((r.headers.get("x-frame-options"), r.headers.get("referrer-policy"), r.headers.get("x-content-type-options")),
           ("DENY", "no-referrer", "nosniff"))


@test
def a_declared_oversized_body_is_refused_before_it_is_sent():
    import socket
    s = shared()
    p = Practice(s)
    # Announced with Expect: 100-continue (curl does for large bodies), or too large to be worth reading.
    for length, expect in ((1024 * 1024 + 1, "Expect: 100-continue\r\n"), (100 * 1024 * 1024, "")):
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        sock.sendall((f"POST /v1/clients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {p.staff}\r\n{expect}"
                      f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{\"first").encode())
        head = sock.recv(4096).decode(errors="replace")  # the rest of the body is never sent
        sock.close()
        check(head.startswith("HTTP/1.1 413"), f"413 from the head alone ({length} bytes declared): {head[:80]!r}")
        check("payload_too_large" in head, head)


@test
def wrong_media_type_is_415():
    s = shared()
    p = Practice(s)
    r = s.request("POST", "/v1/clients", raw=b"first_name=Ana", key=p.staff,
                  content_type="application/x-www-form-urlencoded")
    eq(r.status, 415)
    eq(r.error["code"], "unsupported_media_type")
    r = s.request("POST", "/v1/clients", raw=b'{"first_name":"Ana"}', key=p.staff, content_type=None)
    eq(r.status, 415, "a body without Content-Type")


@test
def malformed_json_is_400():
    s = shared()
    p = Practice(s)
    for raw in [b'{"first_name": "Ana"', b"", b"nonsense", b'{"first_name":"a\\u0000b"}',
                b'{"first_name":"A","first_name":"B"}', b"\xff\xfe"]:
        r = s.request("POST", "/v1/clients", raw=raw, key=p.staff)
        eq(r.status, 400, f"body {raw!r}")
        eq(r.error["code"], "malformed_json", f"body {raw!r}")
    r = s.request("POST", "/v1/clients", raw=b"[1,2]", key=p.staff)
    eq((r.status, r.error["code"]), (400, "invalid_body"))
    eq(s.request("GET", "/v1/clients", key=p.staff).json["data"], [], "nothing written")


@test
def cors_preflight_and_simple_requests():
    s = shared()
    p = Practice(s)
    ok = {"Origin": "https://desk.example.com", "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "authorization, content-type"}
    r = s.request("OPTIONS", "/v1/clients", headers=ok)
    eq(r.status, 204)
    eq(r.headers["access-control-allow-origin"], "https://desk.example.com")
    check("POST" in r.headers["access-control-allow-methods"])
    check("Authorization" in r.headers["access-control-allow-headers"])
    check("Idempotency-Key" in r.headers["access-control-allow-headers"])
    r = s.request("OPTIONS", "/v1/clients", headers={**ok, "Origin": "https://evil.example.com"})
    eq(r.status, 403)
    check("access-control-allow-origin" not in r.headers)
    r = s.request("GET", "/v1/clients", key=p.staff, headers={"Origin": "https://desk.example.com"})
    eq(r.status, 200)
    eq(r.headers["access-control-allow-origin"], "https://desk.example.com")
    check("X-Request-Id" in r.headers["access-control-expose-headers"])
    r = s.request("GET", "/v1/clients", key=p.staff, headers={"Origin": "https://evil.example.com"})
    check("access-control-allow-origin" not in r.headers, "no CORS grant to other origins")


@test
def metrics_count_routes_statuses_and_pool():
    s = shared()
    p = Practice(s)
    s.request("GET", "/v1/clients/00000000-0000-0000-0000-000000000001", key=p.staff)
    text = s.metrics()
    check('cadence_http_requests_total{route="/v1/clients/{id}",status="404"}' in text, "404 counted by route")
    check('cadence_http_request_duration_seconds_bucket{route="/v1/practices",le="+Inf"}' in text)
    check("cadence_db_pool_size 4" in text)
    check("cadence_db_pool_in_use " in text)


@test
def metrics_are_not_served_to_anyone_on_the_api_port():
    s = shared()
    r = s.request("GET", "/metrics")
    eq((r.status, r.error["code"]), (404, "not_found"), "only on METRICS_ADDRESS without METRICS_TOKEN")
    token = "metrics-token-" + "m" * 32
    t = Server(env={"METRICS_TOKEN": token, "METRICS_ADDRESS": "off"})
    try:
        eq(t.request("GET", "/metrics").status, 404, "no token")
        eq(t.request("GET", "/metrics", headers={"Authorization": "Bearer " + "x" * 46}).status, 404, "a wrong one")
        r = t.request("GET", "/metrics", headers={"Authorization": "Bearer " + token})
        check(r.status == 200 and "cadence_http_requests_total" in r.text, "the token opens it")
    finally:
        t.stop()


@test
def the_contract_lists_exactly_the_routes_the_server_has():
    import re
    import yaml
    with open("api/routes.c") as f:
        routes = set(re.findall(r'\{"(GET|POST|PUT|PATCH|DELETE)", "([^"]+)"', f.read()))
    with open("openapi.yaml") as f:
        doc = yaml.safe_load(f)
    documented = {(m.upper(), p) for p, item in doc["paths"].items() for m in item
                  if m in ("get", "post", "put", "patch", "delete")}
    check(len(routes) > 30, "the route table was read")
    eq(routes - documented, set(), "routes missing from openapi.yaml")
    eq(documented - routes, set(), "documented operations the server does not have")


@test
def the_janitor_deletes_what_is_kept_only_for_a_while_and_nothing_else():
    """Provider event ids, PMS delivery ids, events and ended event deliveries after 30 days, idempotency keys
    after 24 hours: the janitor runs at start, then hourly."""
    db = fresh_database()
    s = Server(db=db)
    p = Practice(s)
    s.stop()
    old, recent = "now() - interval '31 days'", "now() - interval '29 days'"
    psql(f"INSERT INTO provider_events (practice_id, provider, event_key, received_at) VALUES "
         f"('{p.id}', 'twilio', 'old', {old}), ('{p.id}', 'twilio', 'recent', {recent})", db=db)
    psql(f"INSERT INTO webhook_events (practice_id, vendor, event_id, event_type, received_at) VALUES "
         f"('{p.id}', 'zenoti', 'old', 'x', {old}), ('{p.id}', 'zenoti', 'recent', 'x', {recent})", db=db)
    psql(f"INSERT INTO idempotency_keys (practice_id, key, request_hash, created_at) VALUES "
         f"('{p.id}', 'old', 'h', now() - interval '25 hours'), ('{p.id}', 'recent', 'h', now() - interval '23 hours')",
         db=db)
    # Events after 30 days, with their ended deliveries; one a pending delivery still needs stays.
    psql(f"INSERT INTO webhook_endpoints (practice_id, id, url) VALUES ('{p.id}', gen_random_uuid(), "
         f"'https://hooks.example.com/x'); "
         f"INSERT INTO events (practice_id, seq, type, data, created_at) VALUES "
         f"('{p.id}', 1, 'flag.raised', '{{\"n\": \"old\"}}', {old}), "
         f"('{p.id}', 2, 'flag.raised', '{{\"n\": \"pending\"}}', {old}), "
         f"('{p.id}', 3, 'flag.raised', '{{\"n\": \"recent\"}}', {recent}); "
         f"INSERT INTO webhook_deliveries (practice_id, endpoint_id, event_id, state, created_at, next_attempt_at) "
         f"SELECT e.practice_id, w.id, e.id, CASE WHEN e.seq = 2 THEN 'pending' ELSE 'delivered' END, e.created_at, "
         f"now() + interval '1 day' FROM events e, webhook_endpoints w WHERE e.practice_id = '{p.id}'", db=db)
    s = Server(db=db)
    try:
        left = lambda: psql("SELECT (SELECT string_agg(event_key, ',') FROM provider_events) || '|' || "
                            "(SELECT string_agg(event_id, ',') FROM webhook_events) || '|' || "
                            "(SELECT string_agg(key, ',') FROM idempotency_keys) || '|' || "
                            "(SELECT string_agg(data->>'n', ',' ORDER BY seq) FROM events) || '|' || "
                            "(SELECT count(*) FROM webhook_deliveries)", db=db)
        deadline = time.time() + 10
        while left() != "recent|recent|recent|pending,recent|2" and time.time() < deadline:
            time.sleep(0.1)
        eq(left(), "recent|recent|recent|pending,recent|2")
    finally:
        s.stop()


@test
def every_error_code_has_one_status_and_is_in_the_contract():
    """The registry (service/util/error.c) owns each code's status; openapi.yaml's ErrorCode lists the same
    codes with the same statuses, and every error reply's code is one of them (the harness validates it)."""
    import os
    import re
    import yaml
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    registry = re.findall(r'\{"([a-z_]+)", (\d{3}), "', open(os.path.join(root, "service", "util", "error.c")).read())
    schema = yaml.safe_load(open(os.path.join(root, "openapi.yaml")))["components"]["schemas"]["ErrorCode"]
    eq(schema["enum"], [c for c, _ in registry], "the same codes, in the same order")
    documented = dict(re.findall(r"`([a-z_]+)` \((\d{3})\)", schema["description"]))
    eq(documented, dict(registry), "each with its status")
    eq(len({c for c, _ in registry}), len(registry), "no code twice")
    # Sources name codes that exist: a code the registry lacks would answer 500.
    used = set()
    for folder in ("service", "api"):
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for n in names:
                if n.endswith(".c"):
                    text = open(os.path.join(dirpath, n)).read()
                    used |= set(re.findall(r'(?:cad_fail|reply_fail)\([^,"]+, "([a-z_]+)"', text))
    check(used <= {c for c, _ in registry}, f"codes used but not registered: {used - {c for c, _ in registry}}")
