"""The console at /app, served by the binary: content-hashed assets cached for a year, a page that is never
cached, a strict Content-Security-Policy; and the front desk's day-70 flow in a real Chromium
(tests/browser/console.mjs): from the admin key, set up a practice and its front desk's key, add a client,
find them, record a Botox visit back-dated 70 days, book from the slot picker, redeem points over and then
within the cap, see its
reminder reach the fake Twilio and show as sent on the timeline; errors next to their fields; no console
error and no CSP violation on any page. Screenshots go to tests/.artifacts/console/."""
import json
import os
import re
import subprocess

from harness import ADMIN_KEY, check, eq, psql, test
from test_dispatch import fakes, server, wait_for, zone_at

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
def a_newcomer_sets_up_a_practice_and_does_the_day_70_flow_in_chromium_without_curl():
    f = fakes()
    s = server(f)
    try:
        zone = zone_at(12)  # where it is about noon now: the day-70 reminder (10:00 there) is due
        env = {**os.environ, "BASE": f"http://127.0.0.1:{s.port}", "ADMIN_KEY": ADMIN_KEY, "TZ_ID": zone,
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
        eq(sorted(out["refused_requests"]), [401] + [422] * 7,
           "only the wrong key, the unknown zone, the bad phone, the bad price, the redemption over the cap, "
           "the template about wrinkles, the reminder before the one it follows and the cap over 100% were refused")
        eq(out["csp_violations"], [], "no Content-Security-Policy violations")
        sms = wait_for("the day-70 reminder and the booking's confirmation at the fake Twilio",
                       lambda: len(f.twilio.messages()) >= 2 and f.twilio.messages())
        eq({(m["form"]["To"], m["form"]["From"]) for m in sms}, {("+15551234567", "+15550001111")})
        eq(len([m for m in sms if "refresh window" in m["form"]["Body"]]), 1, "the day-70 refill reminder, once")
        eq(psql("SELECT p.name || '|' || p.time_zone || '|' || count(t.*) || '|' || min(i.price_cents) FROM practices p "
                "JOIN treatments t ON t.practice_id = p.id JOIN treatment_items i ON i.treatment_id = t.id "
                "GROUP BY p.name, p.time_zone", db=s.db), f"Glow Med Spa|{zone}|1|35000",
           "one practice, one visit (the refused ones wrote nothing)")
        eq(psql("SELECT count(*) || '|' || min(source) FROM bookings", db=s.db), "1|reminder", "the booking, caused by the reminder sent today")
        eq(psql("SELECT string_agg(points::text, ',') FROM loyalty_ledger WHERE kind = 'redeem'", db=s.db), "-10",
           "one redemption, within the cap")
        check("✨" in psql("SELECT body FROM templates WHERE step = 'refill_1' AND channel = 'sms' "
                           "ORDER BY updated_at DESC LIMIT 1", db=s.db), "the saved template")
    finally:
        s.stop()
