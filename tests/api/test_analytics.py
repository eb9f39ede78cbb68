"""Retention and loyalty analytics and the weekly report, on small hand-built
datasets whose every figure is worked out in the comments and asserted exactly:
period edges, empty periods, filters, grouping, CSV equal to JSON, practice
isolation, and the report made on Monday and emailed to the fake SendGrid."""
import csv
import datetime as dt
import io
import threading
from zoneinfo import ZoneInfo

from harness import ADMIN_KEY, Practice, check, eq, psql, test
from test_dispatch import fakes, server, wait_for, zone_at

ZONE = zone_at(12)  # local time is 12:xx: steps due today at 10:00 go out at once, and it is past Monday 06:00


def today():
    return dt.datetime.now(ZoneInfo(ZONE)).date()


def practice(s, **fields):
    body = {"time_zone": ZONE, "sms_from": "+15550001111", "email_from": "hello@glow.example.com",
            "booking_url": "https://glow.example.com/book"}
    body.update(fields)
    return Practice(s, **body)


def client(s, p, name, n):
    r = s.request("POST", "/v1/clients", {"first_name": name, "phone": f"+1555888{n:04d}", "time_zone": ZONE,
                                          "consents": {"sms": True}}, key=p.staff)
    eq(r.status, 201, str(r))
    return r.json["id"]


def local_noon(day):
    return dt.datetime.combine(day, dt.time(12), ZoneInfo(ZONE)).isoformat()


def visit(s, p, c, days_ago, items, at=None, **fields):
    """A visit at local noon days_ago days before today; items are (type, dollars)."""
    body = {"client_id": c, "performed_at": at or local_noon(today() - dt.timedelta(days=days_ago)),
            "items": [{"type": t, "price_cents": dollars * 100} for t, dollars in items], **fields}
    r = s.request("POST", "/v1/treatments", body, key=p.staff)
    eq(r.status, 201, str(r))
    return r.json["id"]


def retention(s, p, key=None, accept=None, **q):
    query = "&".join(f"{k}={v}" for k, v in q.items())
    return s.request("GET", "/v1/analytics/retention?" + query, key=key or p.staff,
                     headers={"Accept": accept} if accept else None)


def figures(s, p, **q):
    r = retention(s, p, **q)
    eq(r.status, 200, str(r))
    return {row["group"]: row for row in r.json["rows"]}


def day(n):
    return (today() - dt.timedelta(days=n)).isoformat()


ZERO = {"cohort_size": 0, "rebook_due": 0, "rebooked_90d": 0, "rebook_rate_90d": None, "on_time_due": 0,
        "on_time_returns": 0, "on_time_return_rate": None, "avg_days_to_rebook": None,
        "median_days_to_rebook": None, "step1_sent": 0, "step1_bookings": 0, "step1_response_rate": None,
        "step2_incentive_sent": 0, "step2_incentive_bookings": 0, "step2_incentive_response_rate": None,
        "step2_plain_sent": 0, "step2_plain_bookings": 0, "step2_plain_response_rate": None, "step3_sent": 0,
        "step3_bookings": 0, "step3_response_rate": None, "rebookings_reminder": 0, "rebookings_organic": 0,
        "revenue_reminder_cents": 0, "revenue_organic_cents": 0, "revenue_first_visit_cents": 0,
        "lapsed_clients": 0, "reactivated_clients": 0}


def expect(row, **changes):
    """ZERO with the given figures: every figure of the row is asserted."""
    want = {**ZERO, **changes}
    got = {k: (float(v) if isinstance(v, float) else v) for k, v in row.items() if k != "group"}
    eq(got, want, f"figures of {row['group']}")


@test
def retention_figures_of_a_hand_built_practice():
    f = fakes()
    s = server(f, DISPATCH_POLL_MS="100")
    try:
        p, other = practice(s), practice(s)
        inj = s.request("POST", "/v1/injectors", {"name": "Dr Ray"}, key=p.staff).json["id"]
        T = 0  # days ago; Botox: step 1 on day 70, window 84 days (+14: on time by day 98), lapse day 112,
        # rebook window to step 1 + 90 = day 160. Lip filler: window 270 (on time by day 284), step 1 month 5.
        ana, ben, cleo, dee, eve, finn = (client(s, p, n, i) for i, n in enumerate(
            ["Ana", "Ben", "Cleo", "Dee", "Eve", "Finn"]))
        # Ana: Botox 300 days ago ($400) and again 210 days ago ($450), both with Dr Ray.
        #   A1: on time by T-202, returned T-210: on time; rebook window closed T-140, rebooked T-210 after 90 days.
        #   A2: a return (organic), $450; on time by T-112, rebook window closed T-50: neither.
        visit(s, p, ana, 300, [("botox", 400)], injector_id=inj)
        visit(s, p, ana, 210, [("botox", 450)], injector_id=inj)
        # Ben: Botox 250 days ago ($300), back 150 days later (T-100, $320).
        #   B1: on time by T-152: late; rebook window closes T-90: rebooked T-100 in it, after 150 days.
        #   B2: a return (organic); on time by T-2 (closed yesterday... before today): not returned.
        visit(s, p, ben, 250, [("botox", 300)])
        visit(s, p, ben, 100, [("botox", 320)])
        # Cleo: one visit 200 days ago with Botox ($350) and lip filler ($700): two cohort rows.
        #   Botox: on time by T-102 and rebook window closing T-40, her T-120 Botox was refunded: neither.
        #   Lip filler: its windows close in the future: in the cohort only.
        visit(s, p, cleo, 200, [("botox", 350), ("lip_filler", 700)])
        refunded = visit(s, p, cleo, 120, [("botox", 360)])
        eq(s.request("POST", f"/v1/treatments/{refunded}/refund", key=p.staff).status, 200)
        # Dee and Eve: Botox 70 days ago ($380 each): step 1 goes out today. Dee books (starting yesterday)
        # so the booking is step 1's response, and her visit yesterday ($390) was booked by a reminder.
        visit(s, p, dee, 70, [("botox", 380)])
        visit(s, p, eve, 70, [("botox", 380)])
        # Finn: Botox 112 days ago ($300): its lapse checkpoint is today; he comes back today ($310).
        #   F1: on time by T-14: returned today, late. Lapsed today, reactivated today.
        visit(s, p, finn, 112, [("botox", 300)])
        wait_for("step 1 to Dee and Eve", lambda: len(f.twilio.messages()) == 2)
        wait_for("both sent", lambda: psql(f"SELECT count(*) FROM messages WHERE practice_id = '{p.id}' "
                                           "AND state = 'sent'", db=s.db) == "2")
        wait_for("Finn lapsed", lambda: psql(f"SELECT lapsed_at IS NOT NULL FROM clients WHERE id = '{finn}'",
                                             db=s.db) == "t")
        b = s.request("POST", "/v1/bookings", {"client_id": dee, "starts_at": local_noon(today() - dt.timedelta(days=1)),
                                               "duration_minutes": 30, "override_hours": True}, key=p.staff)
        eq(b.status, 201, str(b))
        check(b.json["caused_by_step"], "the booking is attributed to step 1")
        visit(s, p, dee, 1, [("botox", 390)])
        now = dt.datetime.now(ZoneInfo(ZONE)).replace(microsecond=0) - dt.timedelta(minutes=1)
        visit(s, p, finn, 0, [("botox", 310)], at=now.isoformat())
        visit(s, other, client(s, other, "Zed", 99), 300, [("botox", 999)])  # another practice's

        everything = figures(s, p, **{"from": day(400), "to": day(0)})
        eq(list(everything), ["all"])
        # Cohort: A1 A2 B1 B2 C1-botox C1-lip D1 D2 E1 F1 F2 = 11 (the refunded visit counts nowhere).
        # Rebook windows closed before today: A1 (yes), A2, B1 (yes), C1-botox = 2 of 4; days 90 and 150.
        # On-time windows closed before today: A1 (yes), A2, B1, B2, C1-botox, F1 = 1 of 6.
        # Step 1 sent today to Dee and Eve; Dee's booking answers it. Returns: A2, B2, F2 organic, D2 by
        # reminder. First visits: 400+300+350+700+380+380+300 = $2,810.
        expect(everything["all"], cohort_size=11, rebook_due=4, rebooked_90d=2, rebook_rate_90d=0.5,
               on_time_due=6, on_time_returns=1, on_time_return_rate=0.1667, avg_days_to_rebook=120.0,
               median_days_to_rebook=120.0, step1_sent=2, step1_bookings=1, step1_response_rate=0.5,
               rebookings_reminder=1, rebookings_organic=3, revenue_reminder_cents=39000,
               revenue_organic_cents=45000 + 32000 + 31000, revenue_first_visit_cents=281000, lapsed_clients=1,
               reactivated_clients=1)
        # The default period is the 365 days to today: the same figures.
        eq(figures(s, p)["all"], everything["all"])

        # Period edges: A2's day alone; the day after it is empty; A1's on-time window closes on T-202.
        expect(figures(s, p, **{"from": day(210), "to": day(210)})["all"], cohort_size=1, rebookings_organic=1,
               revenue_organic_cents=45000)
        expect(figures(s, p, **{"from": day(209), "to": day(209)})["all"])
        expect(figures(s, p, **{"from": day(202), "to": day(202)})["all"], on_time_due=1, on_time_returns=1,
               on_time_return_rate=1.0)
        expect(figures(s, p, **{"from": day(1000), "to": day(900)})["all"])
        # B2's window closed yesterday (counted); none closing today is (it is not over).
        expect(figures(s, p, **{"from": day(2), "to": day(0)})["all"], cohort_size=2, on_time_due=1,
               on_time_return_rate=0.0,
               step1_sent=2, step1_bookings=1, step1_response_rate=0.5, rebookings_reminder=1,
               rebookings_organic=1, revenue_reminder_cents=39000, revenue_organic_cents=31000, lapsed_clients=1,
               reactivated_clients=1)

        # Filters: Dr Ray's visits (A1, A2); lip filler (C1-lip).
        expect(figures(s, p, **{"from": day(400), "injector_id": inj})["all"], cohort_size=2, rebook_due=2,
               rebooked_90d=1, rebook_rate_90d=0.5, on_time_due=2, on_time_returns=1, on_time_return_rate=0.5,
               avg_days_to_rebook=90.0, median_days_to_rebook=90.0, rebookings_organic=1,
               revenue_organic_cents=45000, revenue_first_visit_cents=40000)
        eq(figures(s, p, **{"from": day(400), "injector": inj}), figures(s, p, **{"from": day(400), "injector_id": inj}),
           "injector is injector_id")
        expect(figures(s, p, **{"from": day(400), "treatment_type": "lip_filler"})["all"], cohort_size=1,
               revenue_first_visit_cents=70000)
        by_type = figures(s, p, **{"from": day(400), "group_by": "type"})
        eq(figures(s, p, **{"from": day(400), "group_by": "treatment_type"}), by_type)
        eq(list(by_type), ["botox", "lip_filler", "all"])
        expect(by_type["lip_filler"], cohort_size=1, revenue_first_visit_cents=70000)
        eq(by_type["all"], {**everything["all"]})
        eq(by_type["botox"]["cohort_size"], 10)
        # By month: each figure in the month of its own date; visits by the month of their day.
        by_month = figures(s, p, **{"from": day(400), "group_by": "month"})
        visit_days = [300, 210, 250, 100, 200, 200, 70, 1, 70, 112, 0]
        months = {}
        for d in visit_days:
            months[day(d)[:7]] = months.get(day(d)[:7], 0) + 1
        eq({m: r["cohort_size"] for m, r in by_month.items() if m != "all" and r["cohort_size"]}, months)
        eq(list(by_month)[-1], "all")
        eq(by_month["all"], everything["all"])
        eq(by_month[day(0)[:7]]["step1_sent"], 2)

        # CSV: the same rows and values as the JSON.
        r = retention(s, p, accept="text/csv", **{"from": day(400), "group_by": "type"})
        eq((r.status, r.headers.get("content-type")), (200, "text/csv; charset=utf-8"))
        rows = list(csv.DictReader(io.StringIO(r.text)))
        js = retention(s, p, **{"from": day(400), "group_by": "type"}).json["rows"]
        eq(len(rows), len(js))
        for c_row, j_row in zip(rows, js):
            eq(set(c_row), set(j_row), "the CSV's columns are the JSON's keys")
            for k, v in j_row.items():
                eq(c_row[k], "" if v is None else str(v), f"{j_row['group']}.{k}")

        # Isolation: the other practice sees only its own visit; one practice's injector is not the other's.
        expect(figures(s, other, **{"from": day(400)})["all"], cohort_size=1, revenue_first_visit_cents=99900,
               rebook_due=1, rebook_rate_90d=0.0, on_time_due=1, on_time_return_rate=0.0)
        eq(retention(s, other, injector_id=inj).status, 404)

        # The set-based rebuild (what the migration ran on existing data, and the benchmark's loader) gives
        # exactly the rows the triggers keep.
        rows = ("SELECT string_agg(r::text, '|' ORDER BY treatment_id, family) FROM retention_visits r "
                f"WHERE practice_id = '{p.id}'")
        kept = psql(rows, db=s.db)
        psql(f"SELECT retention_rebuild('{p.id}')", db=s.db)
        eq(psql(rows, db=s.db), kept, "rebuilt rows")
        check(kept.count("|") == 11, "the 12 rows (the refunded visit's included)")

        # Bad input: 400 naming the parameter, 404 for an unknown type, 403 for an integration key.
        for q, field in [({"from": "2026-13-01"}, "from"), ({"to": "yesterday"}, "to"),
                         ({"from": day(1), "to": day(2)}, "from"), ({"group_by": "week"}, "group_by"),
                         ({"injector_id": "x"}, "injector_id"), ({"from": day(-5)}, "from"),
                         ({"injector": inj, "injector_id": "00000000-0000-4000-8000-000000000000"}, "injector")]:
            r = retention(s, p, **q)
            eq((r.status, r.error["details"]["field"]), (400, field), str(q))
        eq(retention(s, p, treatment_type="nope").status, 404)
        eq(retention(s, p, key=p.integration).status, 403)
    finally:
        s.stop()


@test
def visits_written_at_once_are_relinked_off_the_request_path_as_the_rebuild_would():
    """Writers mark clients; the upkeep job relinks them within seconds without any read asking, and the
    rows then equal the set-based rebuild's, though eight writers raced over the same clients."""
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        clients = [client(s, p, f"Rae{i}", 700 + i) for i in range(4)]
        errors = []

        def write(w):
            try:
                c = clients[w % len(clients)]  # two writers per client, recording out of order
                for k, d in enumerate([200 - w, 300 - w, 100 - w, 20 + w]):
                    t = visit(s, p, c, d, [("botox" if (k + w) % 2 else "lip_filler", 300 + k)])
                    if k == 1 and w < 4:
                        eq(s.request("POST", f"/v1/treatments/{t}/refund", key=p.staff).status, 200)
                starts = local_noon(today() + dt.timedelta(days=10 + w))
                r = s.request("POST", "/v1/bookings", {"client_id": c, "starts_at": starts, "duration_minutes": 30,
                                                       "services": ["botox"]}, key=p.staff)
                eq(r.status, 201, str(r))
                if w >= 6:
                    eq(s.request("PATCH", f"/v1/bookings/{r.json['id']}", {"state": "cancelled"},
                                 key=p.staff).status, 200)
            except Exception as e:  # noqa: BLE001 - reported below with the writer's number
                errors.append(f"writer {w}: {e}")

        threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        eq(errors, [])
        pending = f"SELECT count(*) FROM retention_pending WHERE practice_id = '{p.id}'"
        wait_for("the upkeep job to relink every marked client", lambda: psql(pending, db=s.db) == "0", timeout=10)
        lag = [ln for ln in s.metrics().splitlines() if ln.startswith("cadence_analytics_lag_seconds_count ")]
        check(lag and int(lag[0].split()[1]) >= len(clients), f"the job relinked them and measured the lag: {lag}")
        rows = ("SELECT string_agg(r::text, '|' ORDER BY treatment_id, family) FROM retention_visits r "
                f"WHERE practice_id = '{p.id}'")
        kept = psql(rows, db=s.db)
        check(kept.count("|") == 31, "32 visits, one row each")
        check("t,t" in kept or ",t," in kept, "some visits are returns")
        psql(f"SELECT retention_rebuild('{p.id}')", db=s.db)
        eq(psql(rows, db=s.db), kept, "rows kept under concurrent writes equal the rebuild's")
    finally:
        s.stop()


@test
def loyalty_figures_by_tier_with_liability_perks_and_safety_checks():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        gold, silver, fresh = (client(s, p, n, i) for i, n in enumerate(["Gia", "Sam", "Tia"]))
        # Gia: four $300 visits in the last year: Gold (4 visits); milestone perks on visits 2 and 4.
        gia_visits = [visit(s, p, gold, d, [("botox", 300)]) for d in (300, 200, 100, 10)]
        # Sam: one $500 visit 400 days ago: Silver, dormant (no visit in 180 days), outside the period.
        visit(s, p, silver, 400, [("lip_filler", 500)])
        # Tia: one $200 visit 5 days ago with the two-week safety check: Silver, active.
        visit(s, p, fresh, 5, [("botox", 200)], behaviours=["safety_check"])
        perks = s.request("GET", f"/v1/clients/{gold}/loyalty", key=p.staff).json["perks"]
        eq(len(perks), 2, "two milestone perks")
        eq(s.request("POST", f"/v1/clients/{gold}/perks/{perks[0]['id']}/use", key=p.staff).status, 200)
        balances = sum(s.request("GET", f"/v1/clients/{c}/loyalty", key=p.staff).json["balance"]
                       for c in (gold, silver, fresh))
        r = s.request("GET", f"/v1/analytics/loyalty?from={day(364)}&to={day(0)}", key=p.staff)
        eq(r.status, 200, str(r))
        got = r.json
        eq((got["members"], got["active_members"], got["dormant_members"]), (3, 2, 1))
        eq(got["tiers"], [
            {"tier": "Silver", "members": 2, "active_members": 1, "average_lifetime_value_cents": 35000},
            {"tier": "Gold", "members": 1, "active_members": 1, "average_lifetime_value_cents": 120000},
            {"tier": "Platinum", "members": 0, "active_members": 0, "average_lifetime_value_cents": None}])
        eq((got["points_outstanding"], got["points_liability_cents"]), (balances, balances * 10))
        eq(got["perks"], [{"source": "milestone", "granted": 2, "used": 1}])
        eq((got["perks_granted"], got["perks_used"]), (2, 1))
        # Visits in the period: Gia's four and Tia's one; Tia's had the safety check.
        eq((got["visits"], got["safety_check_visits"], got["safety_check_rate"]), (5, 1, 0.2))
        old = s.request("GET", f"/v1/analytics/loyalty?from={day(500)}&to={day(390)}", key=p.staff).json
        eq((old["visits"], old["perks_granted"], old["members"]), (1, 0, 3), "the period bounds visits and perks")
        r = s.request("GET", "/v1/analytics/loyalty?to=2026-02-30", key=p.staff)
        eq((r.status, r.error["details"]["field"]), (400, "to"), str(r))
        # Each visit keeps the tier it earned at: Gia's first three Silver, her fourth Gold; retention groups
        # and filters by it (Tia's one visit is Silver; Sam's is outside the period).
        eq([s.request("GET", f"/v1/treatments/{t}", key=p.staff).json["tier"] for t in gia_visits],
           ["Silver", "Silver", "Silver", "Gold"])
        period = {"from": day(364), "to": day(0)}
        eq({k: v["cohort_size"] for k, v in figures(s, p, group_by="tier", **period).items()},
           {"Silver": 4, "Gold": 1, "all": 5})
        eq(figures(s, p, tier="Gold", **period)["all"]["cohort_size"], 1)
        eq(figures(s, p, tier="none", **period)["all"]["cohort_size"], 0, "no visit from before tiers were kept")
        r = retention(s, p, group_by="loyalty")
        eq((r.status, r.error["details"]["field"]), (400, "group_by"))
    finally:
        s.stop()


@test
def the_weekly_report_is_made_on_monday_kept_and_emailed_with_its_alarm():
    f = fakes()
    s = server(f, REPORT_CHECK_INTERVAL_S="1")
    try:
        p = practice(s, report_email="owner@glow.example.com")
        quiet = practice(s)  # no report_email: its report is kept, not emailed
        monday = today() - dt.timedelta(days=today().weekday())
        last = monday - dt.timedelta(days=7)

        def ago(d):
            return (today() - d).days

        # Last week: W1's on-time window (visit + 98 days) closes on last Monday; W1 never came back: 0 of 1.
        # The week before: W2's closes the Sunday before; W2 came back in time: 1 of 1. The alarm: 0% < 65%.
        w1, w2 = client(s, p, "Wes", 1), client(s, p, "Wil", 2)
        visit(s, p, w1, ago(last - dt.timedelta(days=98)), [("botox", 300)])
        visit(s, p, w2, ago(last - dt.timedelta(days=99)), [("botox", 300)])
        visit(s, p, w2, ago(last - dt.timedelta(days=20)), [("botox", 300)])
        eq(s.request("GET", "/v1/analytics/reports", key=p.staff).json["data"], [], "not due: new practice")
        # The email goes through the message outbox: a 500 is retried like any message's.
        f.sendgrid.fail_next("500")
        for x in (p, quiet):  # practices that existed before last week ended are due from Monday 06:00
            psql(f"UPDATE practices SET created_at = now() - interval '30 days' WHERE id = '{x.id}'", db=s.db)
        mail = wait_for("the report email", lambda: [m for m in f.sendgrid.messages() if m["mode"] == "ok"])
        got = f.sendgrid.messages()
        eq([m["mode"] for m in got], ["500", "ok"], "only the practice with a report_email, retried once")
        eq(got[0]["json"], got[1]["json"], "the same email each time")
        body = mail[0]["json"]
        eq(body["from"], {"email": "hello@glow.example.com", "name": "Cadence"})
        eq(mail[0]["to"], "owner@glow.example.com")
        eq(body["subject"], f"ALARM: Weekly retention report, {last} to {monday - dt.timedelta(days=1)}")
        text = body["content"][0]["value"]
        check(text.startswith("ALARM: On-time return rate 0.0% is under the alarm threshold of 65%"), text)
        check("On-time return rate" in text and "-100.0 pts" in text, text)
        check("headers" not in body and "Unsubscribe" not in text, "a report has no unsubscribe link")
        reports = wait_for("sent", lambda: [r for r in s.request("GET", "/v1/analytics/reports", key=p.staff)
                                            .json["data"] if r["email"]["state"] == "sent"])
        eq(len(reports), 1)
        rep = reports[0]
        eq((rep["week_start"], rep["week"]["from"], rep["previous_week"]["to"]),
           (last.isoformat(), last.isoformat(), (last - dt.timedelta(days=1)).isoformat()))
        eq((rep["figures"]["on_time_due"], rep["figures"]["on_time_returns"], rep["figures"]["on_time_return_rate"]),
           (1, 0, 0.0))
        eq((rep["previous"]["on_time_due"], rep["previous"]["on_time_return_rate"]), (1, 1.0))
        eq(rep["changes"]["on_time_return_rate"], -1.0)
        eq(rep["alarm"], "On-time return rate 0.0% is under the alarm threshold of 65%")
        eq((rep["email"]["error"], rep["email"]["delivery"]), (None, None))
        check(rep["email"]["sent_at"] is not None, "sent_at")
        eq(s.request("GET", f"/v1/analytics/reports/{rep['id']}", key=p.staff).json, rep)
        eq([m for m in s.request("GET", "/v1/messages?channel=email", key=p.staff).json["data"]
            if m["to"] == "owner@glow.example.com"], [], "the report's email is not a client's message")
        q = wait_for("the quiet practice's report", lambda: s.request("GET", "/v1/analytics/reports",
                                                                        key=quiet.staff).json["data"])
        eq((len(q), q[0]["email"]["state"], q[0]["alarm"]), (1, "none", None))
        eq(s.request("GET", f"/v1/analytics/reports/{rep['id']}", key=quiet.staff).status, 404, "isolation")
        import time
        time.sleep(2.5)
        eq(len(s.request("GET", "/v1/analytics/reports", key=p.staff).json["data"]), 1, "one report a week")
        eq(len(f.sendgrid.messages()), 2, "emailed once (after one 500)")

        # On request: the week before is made (201), last week made again (200, not emailed again).
        r = s.request("POST", "/v1/analytics/reports", {"week_start": (last - dt.timedelta(days=7)).isoformat()},
                      key=p.staff)
        eq((r.status, r.json["figures"]["on_time_return_rate"], r.json["alarm"]), (201, 1.0, None))
        r = s.request("POST", "/v1/analytics/reports", {}, key=p.staff)
        eq((r.status, r.json["week_start"], r.json["email"]["state"]), (200, last.isoformat(), "sent"))
        listed = s.request("GET", "/v1/analytics/reports?limit=1", key=p.staff).json
        eq(listed["data"][0]["week_start"], last.isoformat(), "newest week first")
        nxt = s.request("GET", f"/v1/analytics/reports?limit=1&cursor={listed['next_cursor']}", key=p.staff).json
        eq((nxt["data"][0]["week_start"], nxt["next_cursor"]), ((last - dt.timedelta(days=7)).isoformat(), None))
        for week in (monday.isoformat(), (last + dt.timedelta(days=1)).isoformat(), "2026-02-30"):
            r = s.request("POST", "/v1/analytics/reports", {"week_start": week}, key=p.staff)
            eq((r.status, r.error["details"]["field"]), (422, "week_start"), week)
        eq(s.request("POST", "/v1/analytics/reports", {"week": "x"}, key=p.staff).status, 400)
        # The alarm threshold is the practice's: at 0% nothing is under it.
        eq(s.request("PATCH", f"/v1/practices/{p.id}", {"report_alarm_percent": 0}, key=ADMIN_KEY).status, 200)
        eq(s.request("POST", "/v1/analytics/reports", {}, key=p.staff).json["alarm"], None)
        r = s.request("PATCH", f"/v1/practices/{p.id}", {"report_alarm_percent": 101}, key=ADMIN_KEY)
        eq((r.status, r.error["details"]["field"]), (422, "report_alarm_percent"))
    finally:
        s.stop()


@test
def a_report_email_whose_answer_is_lost_is_unknown_and_never_resent():
    f = fakes()
    s = server(f, REPORT_CHECK_INTERVAL_S="1")
    try:
        p = practice(s, report_email="owner@glow.example.com")
        f.sendgrid.fail_next("hang")
        psql(f"UPDATE practices SET created_at = now() - interval '30 days' WHERE id = '{p.id}'", db=s.db)
        rep = wait_for("unknown", lambda: [r for r in s.request("GET", "/v1/analytics/reports", key=p.staff)
                                           .json["data"] if r["email"]["state"] == "unknown"], timeout=20)[0]
        check("transport" in rep["email"]["error"], rep["email"]["error"])
        import time
        time.sleep(4)  # longer than a lease, a retry and a report check
        eq(len(f.sendgrid.messages()), 1, "never resent")
        eq(s.request("GET", f"/v1/analytics/reports/{rep['id']}", key=p.staff).json["email"]["state"], "unknown")
    finally:
        s.stop()


@test
def analytics_take_any_period_and_refuse_bad_input_by_name():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        visit(s, p, client(s, p, "Ana", 1), 10, [("botox", 300)])
        for q in ("from=1900-01-01&to=9999-12-31", "from=1900-01-01&to=9999-12-31&group_by=month",
                  "from=2000-01-01&to=9999-12-31&group_by=type"):
            r = s.request("GET", "/v1/analytics/retention?" + q, key=p.staff)
            eq((r.status, r.json["rows"][-1]["cohort_size"]), (200, 1), q)
        r = s.request("GET", "/v1/analytics/loyalty?from=1900-01-01&to=9999-12-31", key=p.staff)
        eq((r.status, r.json["visits"]), (200, 1))
        for q, field in (("treatment_type=" + "x" * 65, "treatment_type"), ("from=", "from"), ("group_by=", "group_by"),
                         ("injector=not-a-uuid", "injector_id")):
            r = s.request("GET", "/v1/analytics/retention?" + q, key=p.staff)
            eq((r.status, r.error["details"]["field"]), (400, field), q)
        eq(s.request("POST", "/v1/analytics/reports", {"week_start": "1900-01-01"}, key=p.staff).status, 201)
        for body in ({"week_start": 5}, {"week_start": "9999-12-27"}):
            r = s.request("POST", "/v1/analytics/reports", body, key=p.staff)
            eq((r.status, r.error["details"]["field"]), (422, "week_start"), str(body))
        eq(s.request("GET", "/v1/analytics/reports/not-a-uuid", key=p.staff).status, 404)
        r = s.request("GET", "/v1/analytics/reports?cursor=garbage", key=p.staff)
        eq((r.status, r.error["details"]["field"]), (400, "cursor"))
    finally:
        s.stop()
