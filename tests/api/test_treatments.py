"""Treatments, the cadence library and planned reminder sequences, through the API."""
import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from harness import Practice, check, eq, psql, shared, test

NY = ZoneInfo("America/New_York")


def add_months(d, n):
    """Independent month arithmetic: clamp to the target month's last day."""
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def due_at(date, zone, hhmm="10:00"):
    """The UTC instant of a local date and time, as the API renders it."""
    h, m = map(int, hhmm.split(":"))
    local = dt.datetime(date.year, date.month, date.day, h, m, tzinfo=ZoneInfo(zone))
    return local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def local_today(zone):
    return dt.datetime.now(ZoneInfo(zone)).date()


def performed(date, zone="America/New_York", hour=15):
    return dt.datetime(date.year, date.month, date.day, hour, 0, tzinfo=ZoneInfo(zone)).isoformat()


def new_client(s, p, **fields):
    body = {"first_name": "Ana", "phone": "+15551234567", "consents": {"sms": True, "email": True}}
    body.update(fields)
    r = s.request("POST", "/v1/clients", body, key=p.staff)
    eq(r.status, 201, str(r))
    return r.json["id"]


def post_treatment(s, p, client_id, date, items, status=201, zone="America/New_York", **extra):
    body = {"client_id": client_id, "performed_at": performed(date, zone), "items": items}
    body.update(extra)
    r = s.request("POST", "/v1/treatments", body, key=p.staff)
    eq(r.status, status, str(r))
    return r.json


def reminders(s, p, client_id):
    r = s.request("GET", f"/v1/clients/{client_id}/reminders", key=p.staff)
    eq(r.status, 200)
    return r.json["data"]


def active(seqs, kind, family=None):
    found = [q for q in seqs if q["kind"] == kind and q["state"] == "active" and (family is None or q["family"] == family)]
    eq(len(found), 1, f"one active {kind} {family}")
    return found[0]


# The domain table: each default type's steps and lapse checkpoint.
DEFAULT_PLANS = {
    "botox": ([("days", 70), ("days", 75), ("days", 82)], ("days", 112)),
    "xeomin": ([("days", 70), ("days", 75), ("days", 82)], ("days", 112)),
    "jeuveau": ([("days", 70), ("days", 75), ("days", 82)], ("days", 112)),
    "dysport": ([("days", 70), ("days", 84), ("days", 91)], ("days", 119)),
    "lip_filler": ([("months", 5), ("months", 6), ("months", 7)], ("months", 9)),
    "cheek_filler": ([("months", 11), ("months", 12), ("months", 13)], ("months", 18)),
    "voluma": ([("months", 15), ("months", 16), ("months", 18)], ("months", 24)),
    "sculptra": ([("months", 3), ("months", 6), ("months", 12)], ("months", 24)),
    "kybella": ([("months", 9), ("months", 11), ("months", 12)], ("months", 15)),
}


def apply(d, off):
    kind, n = off
    return d + dt.timedelta(days=n) if kind == "days" else add_months(d, n)


@test
def each_default_type_plans_the_domain_cadence():
    s = shared()
    p = Practice(s)
    visit = local_today("America/New_York") - dt.timedelta(days=1)
    for code, (steps, lapse) in DEFAULT_PLANS.items():
        c = new_client(s, p)
        item = {"type": code, "series_complete": True} if code in ("sculptra", "kybella") else {"type": code}
        post_treatment(s, p, c, visit, [item])
        seq = active(reminders(s, p, c), "refill")
        eq(seq["treatment_type"], code)
        got = [(st["step"], st["planned_date"], st["due_at"], st["state"], st["incentive"]) for st in seq["steps"]]
        want = [(f"refill_{i + 1}", apply(visit, off).isoformat(), due_at(apply(visit, off), "America/New_York"),
                 "planned", i == 1) for i, off in enumerate(steps)]
        want.append(("lapse", apply(visit, lapse).isoformat(), due_at(apply(visit, lapse), "America/New_York"),
                     "planned", False))
        eq(got, want, f"{code} plan")
        eq([st["channel"] for st in seq["steps"]], ["preferred", "preferred", "alternate", None], code)
        aftercare = [q for q in reminders(s, p, c) if q["kind"] == "aftercare"]
        if seq["family"] == "neuromodulator":
            eq([(st["step"], st["planned_date"], st["promotional"]) for st in aftercare[0]["steps"]],
               [("aftercare_1", (visit + dt.timedelta(days=2)).isoformat(), False),
                ("aftercare_2", (visit + dt.timedelta(days=10)).isoformat(), False)], f"{code} aftercare")
        else:
            eq(aftercare, [], f"{code} has no aftercare")


@test
def dates_follow_the_clients_zone_across_dst():
    s = shared()
    p = Practice(s)
    # New York springs forward on 2026-03-08: day 70 of Jan 5 is due at 10:00 EDT (14:00 UTC).
    c = new_client(s, p)
    post_treatment(s, p, c, dt.date(2026, 1, 5), [{"type": "botox"}])
    st = active(reminders(s, p, c), "refill")["steps"]
    eq((st[0]["planned_date"], st[0]["due_at"]), ("2026-03-16", "2026-03-16T14:00:00+00:00"))
    eq(st[0]["state"], "skipped", "a date already past when recorded is skipped, not sent")
    check("passed" in st[0]["reason"])
    # London moves to BST on 2026-03-29: the client's own zone wins over the practice's.
    c = new_client(s, p, time_zone="Europe/London")
    post_treatment(s, p, c, dt.date(2026, 1, 20), [{"type": "botox"}], zone="Europe/London")
    st = active(reminders(s, p, c), "refill")["steps"]
    eq((st[0]["planned_date"], st[0]["due_at"]), ("2026-03-31", "2026-03-31T09:00:00+00:00"))
    # New York falls back on 2026-11-01: 10:00 EST is 15:00 UTC.
    c = new_client(s, p)
    post_treatment(s, p, c, dt.date(2026, 8, 25), [{"type": "botox"}])
    st = active(reminders(s, p, c), "refill")["steps"]
    eq((st[0]["planned_date"], st[0]["due_at"]), ("2026-11-03", "2026-11-03T15:00:00+00:00"))
    # A visit late in the evening local time is already the next day in UTC: the local date counts.
    c = new_client(s, p)
    body = {"client_id": c, "performed_at": "2026-01-05T23:30:00-05:00", "items": [{"type": "botox"}]}
    eq(s.request("POST", "/v1/treatments", body, key=p.staff).status, 201)
    eq(active(reminders(s, p, c), "refill")["steps"][0]["planned_date"], "2026-03-16")


@test
def calendar_months_clamp_to_month_end():
    s = shared()
    p = Practice(s)
    c = new_client(s, p)
    # Lip filler on Aug 31: months 5, 6, 7 are Jan 31, Feb 28 (2027 is not leap), Mar 31.
    post_treatment(s, p, c, dt.date(2026, 8, 31), [{"type": "lip_filler"}])
    st = active(reminders(s, p, c), "refill")["steps"]
    eq([x["planned_date"] for x in st], ["2027-01-31", "2027-02-28", "2027-03-31", "2027-05-31"])


@test
def a_new_treatment_supersedes_its_family_only():
    s = shared()
    p = Practice(s)
    c = new_client(s, p)
    d0 = local_today("America/New_York") - dt.timedelta(days=30)
    first = post_treatment(s, p, c, d0, [{"type": "botox"}, {"type": "lip_filler", "volume_ml": 1}])
    seqs = reminders(s, p, c)
    eq(sorted(q["family"] for q in seqs if q["kind"] == "refill"), ["ha_filler", "neuromodulator"],
       "two items of two families start two cycles")
    # Switching from Botox to Dysport ends the Botox cycle; the filler cycle goes on.
    second = post_treatment(s, p, c, d0 + dt.timedelta(days=20), [{"type": "Dysport Cosmetic"}])
    seqs = reminders(s, p, c)
    old = [q for q in seqs if q["treatment_id"] == first["id"] and q["family"] == "neuromodulator"]
    for q in old:
        eq((q["state"], q["end_reason"]), ("ended", "superseded"), q["kind"])
        for st in q["steps"]:
            check(st["state"] in ("cancelled", "skipped"), f"old step {st['step']} is {st['state']}")
        if q["kind"] == "refill":
            check(any(st["state"] == "cancelled" and "superseded" in st["reason"] for st in q["steps"]))
    eq(active(seqs, "refill", "neuromodulator")["treatment_type"], "dysport")
    eq(active(seqs, "refill", "neuromodulator")["treatment_id"], second["id"])
    eq(active(seqs, "refill", "ha_filler")["treatment_id"], first["id"], "filler cycle untouched")
    # A visit recorded late (older than the open cycle's) leaves the newer cycle alone.
    post_treatment(s, p, c, d0 - dt.timedelta(days=10), [{"type": "botox"}])
    eq(active(reminders(s, p, c), "refill", "neuromodulator")["treatment_id"], second["id"])


@test
def one_cycle_per_family_per_visit_and_series():
    s = shared()
    p = Practice(s)
    c = new_client(s, p)
    d0 = local_today("America/New_York") - dt.timedelta(days=3)
    post_treatment(s, p, c, d0, [{"type": "cheek_filler"}, {"type": "lip_filler"}])
    refills = [q for q in reminders(s, p, c) if q["kind"] == "refill"]
    eq(len(refills), 1, "lip and cheek filler share a family: one cycle")
    eq(refills[0]["treatment_type"], "lip_filler", "the item that wears off first sets the plan")
    # A Sculptra session that does not complete the series plans nothing.
    c2 = new_client(s, p)
    post_treatment(s, p, c2, d0, [{"type": "sculptra"}])
    eq(reminders(s, p, c2), [])
    post_treatment(s, p, c2, d0 + dt.timedelta(days=1), [{"type": "sculptra", "series_complete": True}])
    eq(active(reminders(s, p, c2), "refill")["steps"][0]["planned_date"], add_months(d0 + dt.timedelta(days=1), 3).isoformat())


@test
def away_dates_push_steps_past_them():
    s = shared()
    p = Practice(s)
    visit = local_today("America/New_York") - dt.timedelta(days=1)
    day70, day75 = visit + dt.timedelta(days=70), visit + dt.timedelta(days=75)
    away_end = day75 + dt.timedelta(days=1)
    c = new_client(s, p, away_periods=[{"from": (day70 - dt.timedelta(days=2)).isoformat(), "to": away_end.isoformat()}])
    post_treatment(s, p, c, visit, [{"type": "botox"}])
    st = active(reminders(s, p, c), "refill")["steps"]
    after = (away_end + dt.timedelta(days=1)).isoformat()
    eq([x["planned_date"] for x in st[:3]], [after, after, (visit + dt.timedelta(days=82)).isoformat()])


@test
def flags_pause_promotion_and_resume_without_a_burst():
    s = shared()
    p = Practice(s)
    c = new_client(s, p, first_name="Flora")
    visit = local_today("America/New_York") - dt.timedelta(days=1)
    post_treatment(s, p, c, visit, [{"type": "botox"}])
    r = s.request("POST", f"/v1/clients/{c}/flags", {"kind": "complication", "note": "bruising"}, key=p.staff)
    eq(r.status, 201)
    flag = r.json
    seqs = reminders(s, p, c)
    refill, care = active(seqs, "refill"), active(seqs, "aftercare")
    eq({st["state"] for st in refill["steps"]}, {"paused"}, "promotional steps pause")
    check(all("complication" in st["reason"] for st in refill["steps"]))
    eq({st["state"] for st in care["steps"]}, {"planned"}, "aftercare is care, not promotion")
    out = s.request("GET", "/v1/outreach", key=p.staff).json["data"]
    eq([(o["client"]["id"], [f["kind"] for f in o["flags"]]) for o in out], [(c, ["complication"])])
    # A treatment recorded while flagged plans its promotional steps paused.
    c2 = new_client(s, p)
    s.request("POST", f"/v1/clients/{c2}/flags", {"kind": "dissatisfied"}, key=p.staff)
    post_treatment(s, p, c2, visit, [{"type": "botox"}])
    eq({st["state"] for st in active(reminders(s, p, c2), "refill")["steps"]}, {"paused"})
    # Time passes while paused: steps 1 and 2 fall due (simulated by moving their dates back).
    psql(f"UPDATE steps SET planned_date = planned_date - 80, due_at = due_at - interval '80 days' "
         f"WHERE client_id = '{c}' AND state = 'paused'", db=s.db)
    before = {st["step"]: dt.date.fromisoformat(st["planned_date"]) for st in active(reminders(s, p, c), "refill")["steps"]}
    r = s.request("DELETE", f"/v1/clients/{c}/flags/{flag['id']}", key=p.staff)
    eq(r.status, 200)
    check(r.json["resolved_at"] is not None)
    steps = active(reminders(s, p, c), "refill")["steps"]
    eq({st["state"] for st in steps}, {"planned"})
    today = local_today("America/New_York")
    first = dt.date.fromisoformat(steps[0]["planned_date"])
    check(first in (today, today + dt.timedelta(days=1)), f"the overdue step lands on the next send time, not {first}")
    shift = first - before["refill_1"]
    eq([dt.date.fromisoformat(st["planned_date"]) - before[st["step"]] for st in steps], [shift] * 4,
       "the sequence keeps its spacing (no burst of overdue steps)")
    days = shift.days
    eq(steps[0]["reason"], f"moved {days} day{'s' if days != 1 else ''} later: the sequence was paused by a flag",
       "a moved planned step says why (README, openapi.yaml)")
    eq(s.request("GET", "/v1/outreach", key=p.staff).json["data"][0]["client"]["id"], c2, "c resolved, c2 still listed")
    eq(s.request("DELETE", f"/v1/clients/{c}/flags/{flag['id']}", key=p.staff).status, 200, "resolving twice")
    s.request("POST", f"/v1/clients/{c}/flags", {"kind": "dissatisfied", "note": "called back"}, key=p.staff)
    listed = s.request("GET", f"/v1/clients/{c}/flags", key=p.staff).json["data"]
    eq([(x["kind"], x["resolved_at"] is None) for x in listed], [("dissatisfied", True), ("complication", False)],
       "the open flag first, then the resolved one")
    eq(s.request("GET", f"/v1/clients/{c}/flags", key=Practice(s).staff).status, 404, "another practice's client")
    eq(s.request("GET", "/v1/clients/not-a-uuid/flags", key=p.staff).status, 404)
    eq(s.request("DELETE", f"/v1/clients/{c2}/flags/{flag['id']}", key=p.staff).status, 404, "flag of another client")
    r = s.request("POST", f"/v1/clients/{c}/flags", {"kind": "grumpy"}, key=p.staff)
    eq((r.status, r.error["details"]["field"]), (422, "kind"))


@test
def treatment_validation_errors_write_nothing():
    s = shared()
    p = Practice(s)
    c = new_client(s, p)
    ok_item = [{"type": "botox"}]
    now = dt.datetime.now(dt.timezone.utc)
    future = (now + dt.timedelta(hours=1)).isoformat()
    past = (now - dt.timedelta(days=3)).isoformat()
    cases = [
        ({"client_id": c, "performed_at": past, "items": []}, 422, "items"),
        ({"client_id": c, "performed_at": past}, 422, "items"),
        ({"client_id": c, "items": ok_item}, 422, "performed_at"),
        ({"client_id": c, "performed_at": "2026-01-05 10:00", "items": ok_item}, 422, "performed_at"),
        ({"client_id": c, "performed_at": future, "items": ok_item}, 422, "performed_at"),
        ({"client_id": c, "performed_at": past, "items": [{"type": "Botox Deluxe 9000"}]}, 422, "items[0].type"),
        ({"client_id": c, "performed_at": past, "items": [{"type": "botox"}, {"type": "nope"}]}, 422, "items[1].type"),
        ({"client_id": c, "performed_at": past, "items": [{"type": "botox", "units": 0}]}, 422, "items[0].units"),
        ({"client_id": c, "performed_at": past, "items": [{"type": "botox", "units": -5}]}, 422, "items[0].units"),
        ({"client_id": c, "performed_at": past, "items": [{"type": "lip_filler", "volume_ml": -1}]}, 422,
         "items[0].volume_ml"),
        ({"client_id": c, "performed_at": past, "items": [{"type": "botox", "units": "20"}]}, 422, "items[0].units"),
        ({"client_id": c, "performed_at": past, "items": [{"type": "botox", "price_cents": -1}]}, 422,
         "items[0].price_cents"),
        ({"client_id": c, "performed_at": past, "items": [{"type": "botox", "colour": "x"}]}, 400, "items[0].colour"),
        ({"performed_at": past, "items": ok_item}, 422, "client_id"),
        ({"client_id": c, "client": {"external_id": {"system": "z", "id": "1"}}, "performed_at": past,
          "items": ok_item}, 422, "client_id"),
        ({"client_id": "00000000-0000-0000-0000-000000000000", "performed_at": past, "items": ok_item}, 422,
         "client_id"),
        ({"client": {"first_name": "X"}, "performed_at": past, "items": ok_item}, 422, "client.external_id"),
        ({"client": {"external_id": {"system": "z", "id": "9"}, "phone": "12"}, "performed_at": past,
          "items": ok_item}, 422, "client.phone"),
        ({"client_id": c, "injector_id": "00000000-0000-0000-0000-000000000000", "performed_at": past,
          "items": ok_item}, 422, "injector_id"),
    ]
    count = lambda t: int(psql(f"SELECT count(*) FROM {t} WHERE practice_id = '{p.id}'", db=s.db))
    before = {t: count(t) for t in ("treatments", "sequences", "steps", "clients")}
    for body, status, field in cases:
        r = s.request("POST", "/v1/treatments", body, key=p.staff)
        eq((r.status, r.error["details"].get("field")), (status, field), str(body))
    eq({t: count(t) for t in before}, before, "nothing written")


@test
def pms_client_matching_and_external_id_idempotency():
    s = shared()
    p = Practice(s)
    d = local_today("America/New_York") - dt.timedelta(days=2)
    body = {"client": {"external_id": {"system": "zenoti", "id": "G-100"}, "first_name": "Pat", "phone": "+15550100100"},
            "performed_at": performed(d), "source": "zenoti", "external_id": "INV-1",
            "items": [{"type": "Botox Cosmetic", "units": 24, "areas": ["glabella", "forehead"], "price_cents": 36000,
                       "lot_number": "C1234", "product": "Botox 100U"}]}
    r1 = s.request("POST", "/v1/treatments", body, key=p.integration)
    eq(r1.status, 201)
    t = r1.json
    eq((t["items"][0]["type"], t["items"][0]["given_name"], t["items"][0]["areas"], t["items"][0]["units"]),
       ("botox", "Botox Cosmetic", ["glabella", "forehead"], 24))
    client = s.request("GET", f"/v1/clients/{t['client_id']}", key=p.staff).json
    eq((client["first_name"], client["external_ids"]), ("Pat", [{"system": "zenoti", "id": "G-100"}]))
    r2 = s.request("POST", "/v1/treatments", body, key=p.integration)
    eq((r2.status, r2.json["id"]), (200, t["id"]), "re-delivery returns the first treatment")
    changed = dict(body, items=[{"type": "botox", "units": 30}])
    r3 = s.request("POST", "/v1/treatments", changed, key=p.integration)
    eq((r3.status, r3.error["code"], r3.error["details"]["field"]), (409, "conflict", "external_id"))
    # Another invoice of the same guest matches the existing client.
    body2 = dict(body, external_id="INV-2", performed_at=performed(d + dt.timedelta(days=1)))
    r4 = s.request("POST", "/v1/treatments", body2, key=p.integration)
    eq((r4.status, r4.json["client_id"]), (201, t["client_id"]))
    eq(int(psql(f"SELECT count(*) FROM treatments WHERE practice_id = '{p.id}'", db=s.db)), 2)
    eq(int(psql(f"SELECT count(*) FROM clients WHERE practice_id = '{p.id}'", db=s.db)), 1)


@test
def list_and_read_treatments_with_isolation():
    s = shared()
    p, other = Practice(s), Practice(s)
    inj = s.request("POST", "/v1/injectors", {"name": "Dr. Rivera", "email": "rivera@example.com"}, key=p.staff).json
    c1, c2 = new_client(s, p), new_client(s, p)
    made = []
    for i in range(5):
        made.append(post_treatment(s, p, c1 if i % 2 == 0 else c2, dt.date(2026, 5, 1) + dt.timedelta(days=i),
                                   [{"type": "botox"}], injector_id=inj["id"] if i < 2 else None)["id"])
    ids = lambda q: [t["id"] for t in s.request("GET", "/v1/treatments" + q, key=p.staff).json["data"]]
    eq(ids(""), made[::-1], "newest first")
    eq(ids(f"?client_id={c1}"), [made[4], made[2], made[0]])
    eq(ids(f"?injector_id={inj['id']}"), [made[1], made[0]])
    eq(ids("?from=2026-05-02&to=2026-05-03"), [made[2], made[1]], "dates are inclusive days in the practice zone")
    page = s.request("GET", "/v1/treatments?limit=2", key=p.staff).json
    eq([t["id"] for t in page["data"]], [made[4], made[3]])
    nxt = s.request("GET", f"/v1/treatments?limit=2&cursor={page['next_cursor']}", key=p.staff).json
    eq([t["id"] for t in nxt["data"]], [made[2], made[1]])
    eq(s.request("GET", "/v1/treatments?from=yesterday", key=p.staff).error["details"]["field"], "from")
    eq(s.request("GET", f"/v1/treatments/{made[0]}", key=p.staff).json["injector_id"], inj["id"])
    eq(s.request("GET", f"/v1/treatments/{made[0]}", key=other.staff).status, 404)
    eq(s.request("GET", "/v1/treatments", key=other.staff).json["data"], [])
    eq(s.request("GET", f"/v1/clients/{c1}/reminders", key=other.staff).status, 404)
    r = s.request("POST", "/v1/treatments", {"client_id": c1, "performed_at": performed(dt.date(2026, 5, 1)),
                                             "items": [{"type": "botox"}]}, key=other.staff)
    eq((r.status, r.error["details"]["field"]), (422, "client_id"), "another practice's client is not found")
