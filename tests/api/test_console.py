"""The console at /app, served by the binary: content-hashed assets cached for a year, a page that is never
cached, a strict Content-Security-Policy; and the front desk's day-70 flow in a real Chromium
(tests/browser/console.mjs): sign in, find the client, record a Botox visit back-dated 70 days, see its
reminder reach the fake Twilio and show as sent on the timeline; errors next to their fields; no console
error and no CSP violation on any page. Screenshots go to tests/.artifacts/console/."""
import json
import os
import re
import subprocess

from harness import check, eq, test
from test_dispatch import client, fakes, practice, server, wait_for

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SHOTS = os.path.join(ROOT, "tests", ".artifacts", "console")


@test
def the_console_is_served_with_hashed_assets_a_strict_policy_and_no_cache_on_the_page():
    f = fakes()
    s = server(f)
    try:
        page = s.request("GET", "/app", validate=False)
        eq((page.status, page.headers["content-type"], page.headers["cache-control"]),
           (200, "text/html; charset=utf-8", "no-cache"))
        csp = page.headers["content-security-policy"]
        check("script-src 'self'" in csp and "'unsafe-inline'" not in csp and "default-src 'none'" in csp, csp)
        assets = re.findall(r'(?:href|src)="(/app/assets/[^"]+)"', page.text)
        eq(len(assets), 2, page.text)
        for path in assets:
            r = s.request("GET", path, validate=False)
            eq((r.status, r.headers["cache-control"]), (200, "public, max-age=31536000, immutable"), path)
            check(re.search(r"\.[0-9a-f]{12}\.(js|css)$", path), f"{path} is named by its content")
        app_js = s.request("GET", [a for a in assets if a.endswith(".js")][0], validate=False).text
        vendor = re.search(r'from "(/app/assets/vendor-htm-preact-3\.1\.1\.[0-9a-f]{12}\.js)"', app_js)
        check(vendor, "app.js imports the vendored library by its hashed name")
        eq(s.request("GET", vendor.group(1), validate=False).status, 200)
        eq(s.request("GET", "/app/assets/app.000000000000.js", validate=False).status, 404, "an old build's name")
        eq(s.request("GET", "/app/assets/index.html", validate=False).status, 404)
    finally:
        s.stop()


@test
def the_front_desk_does_the_day_70_flow_in_chromium_without_curl():
    f = fakes()
    s = server(f)
    try:
        p = practice(s, name="Glow Med Spa")
        c = client(s, p, email=None)
        env = {**os.environ, "BASE": f"http://127.0.0.1:{s.port}", "KEY": p.staff, "TZ_ID": c["time_zone"],
               "SHOTS": SHOTS, "NODE_PATH": os.path.join(ROOT, "tests", "node_modules")}
        run = subprocess.run(["node", os.path.join(ROOT, "tests", "browser", "console.mjs")], env=env,
                             capture_output=True, text=True, timeout=240, cwd=os.path.join(ROOT, "tests"))
        lines = [x for x in run.stdout.splitlines() if x.startswith("{")]
        check(lines, f"the browser run printed no result: {run.stdout[-1500:]} {run.stderr[-1500:]}")
        out = json.loads(lines[-1])
        for st in out["steps"]:
            print(f"     {'ok  ' if st['ok'] else 'FAIL'} {st['name']}" + ("" if st["ok"] else f": {st['error']}"))
        for shot in out["shots"]:
            print(f"     screenshot {os.path.relpath(shot, ROOT)}")
        eq(run.returncode, 0, "every browser step passed")
        eq(out["console_errors"], [], "no console errors")
        eq(out["refused_requests"], [401, 422], "only the wrong key and the bad price were refused")
        eq(out["csp_violations"], [], "no Content-Security-Policy violations")
        sms = wait_for("the day-70 reminder at the fake Twilio", lambda: f.twilio.messages())
        eq([m["form"]["To"] for m in sms], [c["phone"]])
        visits = s.request("GET", f"/v1/treatments?client_id={c['id']}", key=p.staff).json["data"]
        eq([(v["items"][0]["type"], v["items"][0]["price_cents"]) for v in visits], [("botox", 35000)],
           "one visit recorded (the refused one wrote nothing)")
    finally:
        s.stop()
