"""The image, run as IT would: the container (host network) against a real
PostgreSQL and the fake Twilio. Ready, then a treatment back-dated 70 days
whose reminder reaches Twilio, then SIGTERM and a clean exit within 10 s;
the image's own health check, no curl in it; compose.yaml hardened, brought
up with its two database roles.
Usage: smoke.py IMAGE DATABASE_URL MIGRATION_DATABASE_URL
(prints "docker: N passed, N failed")"""
import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fakes"))
from providers import Providers  # noqa: E402

image, database_url, migration_url = sys.argv[1], sys.argv[2], sys.argv[3]
SECRETS_KEY = "d0c4e7d0c4e7d0c4e7d0c4e7d0c4e7d0c4e7d0c4e7d0c4e7d0c4e7d0c4e7d0c4"
passed = failed = 0


def check(cond, what):
    global passed, failed
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    passed, failed = passed + bool(cond), failed + (not cond)
    return cond


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body=None, key=None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")
    except OSError:
        return 0, None


def wait_for(fn, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    return None


fakes = Providers()
port, admin = free_port(), "docker-smoke-admin-key-0123456789abcdef"
env = {"DATABASE_URL": database_url, "MIGRATION_DATABASE_URL": migration_url, "SECRETS_KEY": SECRETS_KEY,
       "PORT": str(port), "CADENCE_ADMIN_KEY": admin, **fakes.env(), "DISPATCH_WORKERS": "2"}
started = time.time()
# As compose.yaml runs it: a read-only root, no capabilities, no privilege to gain.
container = subprocess.run(["docker", "run", "-d", "--network", "host", "--read-only", "--cap-drop", "ALL",
                            "--security-opt", "no-new-privileges:true", "--health-interval", "1s"] +
                           [a for k, v in env.items() for a in ("-e", f"{k}={v}")] + [image],
                           capture_output=True, text=True, check=True).stdout.strip()
base = f"http://127.0.0.1:{port}"
try:
    ready = wait_for(lambda: request("GET", base + "/readyz")[0] == 200, 60)
    check(ready, f"/readyz answers 200 ({time.time() - started:.1f} s after docker run)")
    with urllib.request.urlopen(base + "/app", timeout=10) as r:
        page = r.read().decode()
    check("/app/assets/app." in page, "the image serves the console with its files (/app)")
    status, p = request("POST", base + "/v1/practices", {"name": "Docker Spa", "time_zone": "UTC",
                                                         "sms_from": "+15550001111"}, admin)
    check(status == 201, "an admin creates a practice")
    health = wait_for(lambda: subprocess.run(["docker", "inspect", "-f", "{{.State.Health.Status}}", container],
                                             capture_output=True, text=True).stdout.strip() == "healthy", 30)
    check(health, "the image's HEALTHCHECK (cadence healthcheck) reports healthy")
    tools = subprocess.run(["docker", "run", "--rm", "--entrypoint", "/bin/sh", image, "-c",
                            "command -v curl wget || echo none"], capture_output=True, text=True).stdout.strip()
    check(tools == "none", f"no curl or wget in the runtime image ({tools})")
    status, k = request("POST", f"{base}/v1/practices/{p['id']}/api-keys", {"role": "staff"}, admin)
    staff = k["key"]
    # The client lives where it is midday now, so quiet hours never hold the reminder back.
    off = (12 - dt.datetime.now(dt.timezone.utc).hour) % 24
    off = off - 24 if off > 14 else off
    zone = "Etc/GMT" if off == 0 else f"Etc/GMT{'-' if off > 0 else '+'}{abs(off)}"
    status, c = request("POST", base + "/v1/clients", {"first_name": "Ana", "phone": "+15551234567",
                                                       "time_zone": zone, "consents": {"sms": True}}, staff)
    check(status == 201, "staff create a client")
    # The visit is noon of a date 70 days ago *there*: its local date is what the plan counts from.
    there = dt.timezone(dt.timedelta(hours=off))
    day = dt.datetime.now(there).date() - dt.timedelta(days=70)
    noon = dt.datetime.combine(day, dt.time(12, 0), there).isoformat()
    status, _ = request("POST", base + "/v1/treatments", {"client_id": c["id"], "performed_at": noon,
                                                          "items": [{"type": "botox"}]}, staff)
    check(status == 201, "a Botox visit 70 days ago is recorded")
    sms = wait_for(lambda: fakes.twilio.messages(), 30)
    check(sms and sms[0]["form"]["To"] == "+15551234567" and "Botox" in sms[0]["form"]["Body"],
          "the day-70 reminder reaches the fake Twilio")
    t0 = time.time()
    subprocess.run(["docker", "stop", "-t", "10", container], capture_output=True, check=True)
    stopped = time.time() - t0
    code = subprocess.run(["docker", "inspect", "-f", "{{.State.ExitCode}}", container], capture_output=True,
                          text=True).stdout.strip()
    check(code == "0" and stopped < 10, f"SIGTERM: exit code {code} after {stopped:.1f} s")
    logs = subprocess.run(["docker", "logs", container], capture_output=True, text=True)
    check('"msg":"stopped"' in logs.stderr and "Ana" not in logs.stderr and "+15551234567" not in logs.stderr,
          "logs on stderr as JSON, no PHI")
finally:
    subprocess.run(["docker", "rm", "-f", container], capture_output=True)

# compose.yaml as IT runs it, with the example settings: valid, loopback-only, health-gated.
root = os.path.join(os.path.dirname(__file__), "..", "..")
cfg = subprocess.run(["docker-compose", "-f", os.path.join(root, "docker", "compose.yaml"), "config"],
                     env={**os.environ, "POSTGRES_PASSWORD": "check", "CADENCE_OWNER_PASSWORD": "check",
                          "CADENCE_APP_PASSWORD": "check", "SECRETS_KEY": SECRETS_KEY,
                          "CADENCE_ENV_FILE": "cadence.env.example"},
                     capture_output=True, text=True)
check(cfg.returncode == 0 and "127.0.0.1" in cfg.stdout and "service_healthy" in cfg.stdout,
      "docker-compose config accepts compose.yaml " + (cfg.stderr.strip()[-200:] if cfg.returncode else ""))

# ...and brought up: PostgreSQL (an image made from the same local base) becomes healthy, then Cadence
# starts, migrates and answers; down stops both cleanly. Host networking through a test-only override.
compose_port, compose_pg = free_port(), free_port()
compose_env = {**os.environ, "POSTGRES_PASSWORD": "compose-smoke-password", "CADENCE_OWNER_PASSWORD": "owner-pw-1",
               "CADENCE_APP_PASSWORD": "app-pw-2", "SECRETS_KEY": SECRETS_KEY, "CADENCE_ENV_FILE": "cadence.env.example",
               "TEST_PORT": str(compose_port), "TEST_PGPORT": str(compose_pg), "TEST_ADMIN_KEY": admin}
# Host networking cannot publish ports: the merged file, less the loopback port binding, is what runs.
import tempfile  # noqa: E402
import yaml  # noqa: E402
merged = subprocess.run(["docker-compose", "-f", os.path.join(root, "docker", "compose.yaml"), "-f",
                         os.path.join(root, "tests", "docker", "compose.hostnet.yaml"), "config"],
                        env=compose_env, capture_output=True, text=True, check=True).stdout
spec = yaml.safe_load(merged)
svc = spec["services"]["cadence"]
check(svc.get("read_only") is True and svc.get("cap_drop") == ["ALL"]
      and "no-new-privileges:true" in svc.get("security_opt", []),
      "compose runs Cadence read-only, without capabilities, with no-new-privileges")
check("cadence_app:" in svc["environment"]["DATABASE_URL"]
      and "cadence_owner:" in svc["environment"]["MIGRATION_DATABASE_URL"],
      "compose serves as cadence_app and migrates as cadence_owner")
spec["services"]["cadence"].pop("ports", None)
spec["services"]["cadence"].pop("build", None)
hostnet = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
yaml.safe_dump(spec, hostnet)
hostnet.close()
compose = ["docker-compose", "-p", "cadence-smoke", "-f", hostnet.name]
started = time.time()
up = subprocess.run(compose + ["up", "-d"], env=compose_env, capture_output=True, text=True)
try:
    ready = up.returncode == 0 and wait_for(
        lambda: request("GET", f"http://127.0.0.1:{compose_port}/readyz")[0] == 200, 90)
    check(ready, f"compose up: PostgreSQL healthy, then Cadence ready ({time.time() - started:.1f} s) "
          + (up.stderr.strip()[-300:] if up.returncode else ""))
    status, _ = request("POST", f"http://127.0.0.1:{compose_port}/v1/practices",
                        {"name": "Compose Spa", "time_zone": "UTC"}, admin)
    check(status == 201, "the composed service writes to its PostgreSQL")
    ps = subprocess.run(compose + ["exec", "-T", "postgres", "psql", "-U", "postgres", "-d", "cadence", "-Atc",
                                   "SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'cadence'"],
                        env=compose_env, capture_output=True, text=True)
    check(ps.stdout.strip() == "cadence_app", f"the composed service connects as cadence_app ({ps.stdout.strip()}"
          f"{ps.stderr.strip()[-200:]})")
finally:
    down = subprocess.run(compose + ["down", "-v", "-t", "10"], env=compose_env, capture_output=True, text=True)
    check(down.returncode == 0, "compose down stops and removes both" + (down.stderr[-200:] if down.returncode else ""))
    os.unlink(hostnet.name)
print(f"docker: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
