"""Local fakes of Twilio's Messages API and SendGrid's v3 mail send that speak
their wire protocol: paths, HTTP Basic / Bearer auth, form and JSON bodies,
status codes and error bodies, 429 with Retry-After (Twilio) or
X-RateLimit-Reset (SendGrid). A test scripts failures with fail_next()."""
import base64
import json
import secrets
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "twilio-auth-token-for-tests"
SENDGRID_KEY = "SG.test-key-for-tests"


class Fake:
    """Shared state: received requests and the scripted failures to answer with."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []
        # modes for the next requests: ok, 500, 429, 429-retry-after, hang, 21610, 400, and the ways a peer
        # drops a kept-alive connection: close-after-read (reads the request, closes without answering),
        # close-mid-body (reads half the body, closes), close-mid-answer (sends part of its answer, closes)
        self.script = []
        self.delay = 0.0  # seconds each request takes, to keep sends in flight

    def fail_next(self, *modes):
        with self.lock:
            self.script.extend(modes)

    def next_mode(self):
        with self.lock:
            return self.script.pop(0) if self.script else "ok"

    def peek_mode(self):
        with self.lock:
            return self.script[0] if self.script else "ok"

    def record(self, item):
        with self.lock:
            self.received.append(item)

    def messages(self):
        with self.lock:
            return list(self.received)

    def clear(self):
        with self.lock:
            self.received.clear()
            self.script.clear()
            self.delay = 0.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body leave in two writes: without TCP_NODELAY, Nagle and the
        # client's delayed ACK would add 40 ms to every reply.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, status, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        try:
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the "hang" mode): that is the point

    def drop(self):
        """Closes the connection at once, whatever the client expects next."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        fake = self.server.twilio if self.path.startswith("/2010") else self.server.sendgrid
        if fake.peek_mode() == "close-mid-body":
            raw = self.rfile.read(length // 2)
            fake.next_mode()
            fake.record({"partial": raw.decode(errors="replace"), "mode": "close-mid-body", "at": time.time()})
            return self.drop()
        raw = self.rfile.read(length)
        if self.path.startswith("/2010-04-01/Accounts/"):
            self.twilio(raw)
        elif self.path == "/v3/mail/send":
            self.sendgrid(raw)
        else:
            self.reply(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})

    # Twilio: POST /2010-04-01/Accounts/{AccountSid}/Messages.json
    def twilio(self, raw):
        fake = self.server.twilio
        parts = self.path.split("/")
        auth = self.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        if auth != expected:
            return self.reply(401, {"code": 20003, "message": "Authenticate", "more_info":
                                    "https://www.twilio.com/docs/errors/20003", "status": 401})
        if len(parts) != 5 or parts[3] != TWILIO_SID or parts[4] != "Messages.json":
            return self.reply(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self.reply(400, {"code": 21601, "message": "Body must be form encoded", "status": 400})
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}
        if not form.get("To") or not (form.get("From") or form.get("MessagingServiceSid")) or not form.get("Body"):
            return self.reply(400, {"code": 21604, "message": "A 'To', 'From' and 'Body' are required",
                                    "status": 400})
        mode = fake.next_mode()
        fake.record({"form": form, "mode": mode, "at": time.time()})
        self.scripted(mode, lambda: self.reply(201, {
            "sid": "SM" + secrets.token_hex(16), "account_sid": TWILIO_SID, "to": form["To"],
            "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"), "body": form["Body"],
            "status": "queued", "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
            "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()), "error_code": None,
            "error_message": None, "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/SMx.json"}))

    # SendGrid: POST /v3/mail/send
    def sendgrid(self, raw):
        fake = self.server.sendgrid
        if self.headers.get("Authorization") != f"Bearer {SENDGRID_KEY}":
            return self.reply(401, {"errors": [{"field": None, "message": "The provided authorization grant is "
                                                "invalid, expired, or revoked", "help": None}]})
        try:
            body = json.loads(raw)
            to = body["personalizations"][0]["to"][0]["email"]
            assert body["from"]["email"] and body["subject"] and body["content"]
        except (ValueError, KeyError, IndexError, TypeError, AssertionError):
            return self.reply(400, {"errors": [{"field": "personalizations", "message": "invalid request",
                                                "help": None}]})
        mode = fake.next_mode()
        fake.record({"json": body, "to": to, "mode": mode, "at": time.time()})
        self.scripted(mode, lambda: self.reply(202, None, {"X-Message-Id": secrets.token_urlsafe(16)}))

    def scripted(self, mode, ok):
        fake = self.server.twilio if self.path.startswith("/2010") else self.server.sendgrid
        if fake.delay:
            time.sleep(fake.delay)
        if mode == "ok":
            ok()
        elif mode == "500":
            self.reply(500, {"code": 20500, "message": "Internal Server Error", "status": 500})
        elif mode == "503":
            self.reply(503, {"errors": [{"message": "Service Unavailable", "field": None, "help": None}]})
        elif mode == "429":
            self.reply(429, {"code": 20429, "message": "Too Many Requests", "status": 429})
        elif mode == "429-retry-after":
            self.reply(429, {"code": 20429, "message": "Too Many Requests", "status": 429}, {"Retry-After": "2"})
        elif mode == "429-rate-reset":
            self.reply(429, {"errors": [{"message": "too many requests", "field": None, "help": None}]},
                       {"X-RateLimit-Reset": str(int(time.time()) + 2)})
        elif mode == "hang":
            time.sleep(3)  # past the client's timeout: the request reached us, the answer is lost
            ok()
        elif mode == "close-after-read":
            self.drop()
        elif mode == "close-mid-answer":
            self.wfile.write(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"sid\"")
            self.drop()
        elif mode == "21610":
            self.reply(400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
                             "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400})
        elif mode == "400":
            self.reply(400, {"code": 21211, "message": "The 'To' number is not a valid phone number.",
                             "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})


class Providers:
    """Both fakes on one local port."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.twilio = Fake()
        self.server.sendgrid = Fake()
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def twilio(self):
        return self.server.twilio

    @property
    def sendgrid(self):
        return self.server.sendgrid

    def env(self, twilio_url=None, sendgrid_url=None):
        """Settings that point Cadence at these fakes (or at proxies in front of them)."""
        return {"TWILIO_BASE_URL": twilio_url or self.url, "TWILIO_ACCOUNT_SID": TWILIO_SID,
                "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "SENDGRID_BASE_URL": sendgrid_url or self.url,
                "SENDGRID_API_KEY": SENDGRID_KEY}


class Prism:
    """Stoplight Prism as a validating proxy: a request that the vendor's own
    OpenAPI description does not accept is answered 422 and never forwarded."""

    def __init__(self, spec, upstream):
        import os
        import subprocess
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(root, ".tmp", f"prism-{self.port}.log")
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.proc = subprocess.Popen(
            [os.path.join(root, "node_modules", ".bin", "prism"), "proxy", spec, upstream, "--host", "127.0.0.1",
             "--port", str(self.port), "--errors"],
            stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=60):
        import http.client
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("prism did not start")

    def violations(self):
        """Requests Prism refused as invalid for the vendor's API."""
        with open(self.log_path) as f:
            return [line for line in f if "Invalid request" in line or "violation" in line.lower()]

    def forwarded(self):
        """How many requests Prism found valid and passed on to the fake."""
        with open(self.log_path) as f:
            return sum("Forwarding" in line for line in f)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
