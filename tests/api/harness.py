"""Black-box test harness: a throwaway database per server, the real server
binary, an HTTP client that validates every reply against openapi.yaml, and a
tiny runner that prints "N passed, N failed".

Environment (set by tests/run.sh):
  CADENCE_BIN   the server binary to test
  PGDATA_DIR    the test cluster's data directory (for restart tests)
  PGPORT        the test cluster's port
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import traceback
import uuid

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADMIN_KEY = "test-admin-key-" + "x" * 32
TMP = os.path.join(ROOT, "tests", ".tmp")


class Failure(AssertionError):
    pass


def check(cond, msg="check failed"):
    if not cond:
        raise Failure(msg)


def eq(got, want, what="value"):
    if got != want:
        raise Failure(f"{what}: got {got!r}, want {want!r}")


# ---------------------------------------------------------------- database

def psql(sql, db="postgres"):
    """Runs SQL on the test cluster and returns stdout (tuples only, unaligned)."""
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", os.environ["PGPORT"], "-U", "cadence", "-d", db,
         "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True, capture_output=True, text=True)
    return out.stdout.strip()


def fresh_database():
    """A database owned by cadence_owner, as README's Database roles describe (pg-local.sh makes the roles)."""
    name = "t_" + uuid.uuid4().hex[:12]
    psql(f"CREATE DATABASE {name} OWNER cadence_owner")
    return name


def database_url(name, role="cadence"):
    """The tests' own connections are the superuser's; the server gets cadence_app and cadence_owner."""
    return f"postgresql://{role}@127.0.0.1:{os.environ['PGPORT']}/{name}"


SECRETS_KEY = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2"


def pg_ctl(action):
    subprocess.run(["sh", os.path.join(ROOT, "scripts", "pg-local.sh"), action,
                    os.environ["PGDATA_DIR"], os.environ["PGPORT"]], check=True)


# ---------------------------------------------------------------- contract

class Contract:
    """Finds the operation of a request in openapi.yaml and validates replies."""

    def __init__(self, path):
        with open(path) as f:
            self.doc = yaml.safe_load(f)
        self.resolver = jsonschema.RefResolver.from_schema(self.doc)
        self.routes = []
        for template, item in self.doc["paths"].items():
            regex = "^" + re.sub(r"\{[^}]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")) + "$"
            self.routes.append((re.compile(regex), template, item))

    def operation(self, method, path):
        path = path.split("?")[0]
        for regex, template, item in self.routes:
            if regex.match(path):
                return template, item.get(method.lower())
        return None, None

    def validate(self, method, path, status, headers, body_text):
        template, op = self.operation(method, path)
        if op is None:
            # No such operation: the reply must still be the documented error shape.
            check(status in (404, 405) or method == "OPTIONS",
                  f"{method} {path} answered {status} but is not in openapi.yaml")
            if body_text:
                self._schema({"$ref": "#/components/schemas/Error"}, json.loads(body_text), f"{method} {path}")
            return
        responses = op.get("responses", {})
        spec = responses.get(str(status)) or responses.get("default")
        check(spec is not None, f"{method} {template}: status {status} is not documented")
        if "$ref" in spec:
            spec = self._deref(spec["$ref"])
        content = spec.get("content")
        if not content:
            check(not body_text, f"{method} {template} {status}: undocumented body")
            return
        ctype = (headers.get("content-type") or "").split(";")[0].strip()
        check(ctype in content, f"{method} {template} {status}: content type {ctype!r} not documented")
        if ctype == "application/json":
            self._schema(content[ctype]["schema"], json.loads(body_text), f"{method} {template} {status}")

    def _deref(self, ref):
        node = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node

    def _schema(self, schema, instance, where):
        validator = jsonschema.Draft202012Validator(
            schema, resolver=self.resolver, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            raise Failure(f"{where}: reply does not match openapi.yaml at {list(e.path)}: {e.message}")


CONTRACT = Contract(os.path.join(ROOT, "openapi.yaml"))


# ---------------------------------------------------------------- server

class Reply:
    def __init__(self, status, headers, text):
        self.status = status
        self.headers = headers
        self.text = text

    @property
    def json(self):
        return json.loads(self.text)

    @property
    def error(self):
        return self.json["error"]

    def __repr__(self):
        return f"<{self.status} {self.text[:300]}>"


class Server:
    """The real binary on a free port against its own fresh database."""

    def __init__(self, env=None, db=None, wait=True):
        self.db = db or fresh_database()
        self.port = free_port()
        self.metrics_port = free_port()
        os.makedirs(TMP, exist_ok=True)
        self.log_path = os.path.join(TMP, f"server-{self.port}.log")
        self.out_path = os.path.join(TMP, f"server-{self.port}.out")
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATABASE_URL": database_url(self.db, "cadence_app"),
            "MIGRATION_DATABASE_URL": database_url(self.db, "cadence_owner"),
            "SECRETS_KEY": SECRETS_KEY,
            "PORT": str(self.port),
            "CADENCE_ADMIN_KEY": ADMIN_KEY,
            "HTTP_THREADS": "4",
            "DB_POOL_SIZE": "4",
            "CORS_ORIGINS": "https://desk.example.com",
            "SHUTDOWN_GRACE_S": "10",
            "METRICS_ADDRESS": f"127.0.0.1:{self.metrics_port}",
        }
        # Sanitizer settings, and the faked clock of tests/at-every-hour.sh, reach the server too.
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "LD_PRELOAD", "FAKETIME",
                  "FAKETIME_NO_CACHE"):
            if k in os.environ:
                full_env[k] = os.environ[k]
        for k, v in (env or {}).items():
            if v is None:
                full_env.pop(k, None)
            else:
                full_env[k] = v
        self.proc = subprocess.Popen([os.environ["CADENCE_BIN"]], env=full_env,
                                     stdout=open(self.out_path, "w"), stderr=open(self.log_path, "w"))
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            check(self.proc.poll() is None, f"server exited with {self.proc.returncode}: {self.log()[-2000:]}")
            try:
                if self.request("GET", "/readyz", validate=False).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise Failure("server did not become ready")

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stdout(self):
        with open(self.out_path) as f:
            return f.read()

    def request(self, method, path, body=None, key=None, headers=None, raw=None,
                content_type="application/json", validate=True, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if key:
            h["Authorization"] = f"Bearer {key}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None and content_type and "Content-Type" not in h:
            h["Content-Type"] = content_type
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        text = resp.read().decode()
        headers_out = {k.lower(): v for k, v in resp.getheaders()}
        conn.close()
        reply = Reply(resp.status, headers_out, text)
        if validate:
            CONTRACT.validate(method, path, reply.status, headers_out, text)
        return reply

    def metrics(self):
        """The Prometheus text from the metrics listener (METRICS_ADDRESS)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=10)
        conn.request("GET", "/metrics")
        resp = conn.getresponse()
        text = resp.read().decode()
        conn.close()
        check(resp.status == 200, f"metrics answered {resp.status}")
        return text

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure("server did not stop within %ss" % timeout)
        return self.proc.returncode


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------- fixtures

class Practice:
    """A practice with a staff and an integration key, made through the API."""

    def __init__(self, server, **fields):
        body = {"name": "Glow Med Spa", "time_zone": "America/New_York"}
        body.update(fields)
        r = server.request("POST", "/v1/practices", body, key=ADMIN_KEY)
        eq(r.status, 201, f"create practice {r}")
        self.json = r.json
        self.id = r.json["id"]
        self.staff = issue_key(server, self.id, "staff")
        self.integration = issue_key(server, self.id, "integration")


def issue_key(server, practice_id, role):
    r = server.request("POST", f"/v1/practices/{practice_id}/api-keys", {"role": role, "name": role}, key=ADMIN_KEY)
    eq(r.status, 201, f"issue key {r}")
    return r.json["key"]


# ---------------------------------------------------------------- runner

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def run(modules):
    for m in modules:
        __import__(m)
    only = [x for x in os.environ.get("TEST_ONLY", "").split(",") if x]
    skip = [x for x in os.environ.get("TEST_SKIP", "").split(",") if x]
    passed = failed = 0
    for fn in TESTS:
        name = f"{fn.__module__}.{fn.__name__}"
        if (only and not any(x in name for x in only)) or any(x in name for x in skip):
            continue
        t0 = time.time()
        try:
            fn()
            passed += 1
            print(f"ok   {name} ({time.time() - t0:.1f}s)", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {name}", flush=True)
            traceback.print_exc(file=sys.stdout)
    print(f"api: {passed} passed, {failed} failed", flush=True)
    return failed == 0


_SHARED = []


def shared():
    """One server for the tests that need no special configuration."""
    if not _SHARED or _SHARED[0].proc.poll() is not None:
        _SHARED[:] = [Server()]
    return _SHARED[0]


def stop_shared():
    """Stops the shared server and checks it exits cleanly (0, and clean under sanitizers)."""
    if _SHARED:
        code = _SHARED[0].stop()
        eq(code, 0, "shared server exit code")
