"""The loyalty program through the API: earning with tiers and milestones,
redemptions under their cap and under concurrency, refunds and debt,
expiry oldest first, referrals, the program's settings and the calculator,
and a randomised run checking the ledger's invariants after every step."""
import datetime as dt
import random
import threading

from harness import check, database_url, eq, psql, test
from test_dispatch import fakes, practice, server, wait_for


def member(s, p, name="Ana", n=0):
    r = s.request("POST", "/v1/clients", {"first_name": name, "phone": f"+1555777{n:04d}"}, key=p.staff)
    eq(r.status, 201, str(r))
    return r.json["id"]


def visit(s, p, client, price_cents=30000, days_ago=1, type_="botox", **item):
    day = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago)).replace(microsecond=0)
    r = s.request("POST", "/v1/treatments", {"client_id": client, "performed_at": day.isoformat(),
                                             "items": [{"type": type_, "price_cents": price_cents, **item}]},
                  key=p.staff)
    eq(r.status, 201, str(r))
    return r.json["id"]


def summary(s, p, client):
    r = s.request("GET", f"/v1/clients/{client}/loyalty", key=p.staff)
    eq(r.status, 200, str(r))
    return r.json


def ledger(s, p, client):
    return s.request("GET", f"/v1/clients/{client}/loyalty/ledger?limit=100", key=p.staff).json["data"]


VALIDATE = True


def redeem(s, p, client, key=None, **body):
    headers = {"Idempotency-Key": key} if key else None
    return s.request("POST", f"/v1/clients/{client}/loyalty/redemptions", body, key=p.staff, headers=headers,
                     validate=VALIDATE)


INVARIANT_SQL = """SELECT a.balance,
  (SELECT coalesce(sum(points), 0) FROM loyalty_ledger l WHERE l.practice_id = a.practice_id AND l.client_id = a.client_id),
  (SELECT coalesce(sum(remaining), 0) FROM loyalty_ledger l WHERE l.practice_id = a.practice_id
     AND l.client_id = a.client_id)
FROM loyalty_accounts a WHERE a.practice_id = %s AND a.client_id = %s"""
CONNECTIONS = {}


def close_checks(s):
    if s.db in CONNECTIONS:
        CONNECTIONS.pop(s.db).close()


def invariants(s, p, client):
    """The maintained balance is the ledger's sum and what is left of its awards, and never negative."""
    import psycopg2  # one kept connection: thousands of checks cost milliseconds, not a psql each
    if s.db not in CONNECTIONS:
        CONNECTIONS[s.db] = psycopg2.connect(database_url(s.db))
        CONNECTIONS[s.db].autocommit = True
    with CONNECTIONS[s.db].cursor() as cur:
        cur.execute(INVARIANT_SQL, (p.id, client))
        row = cur.fetchone()
    if not row:
        return 0
    balance, total, remaining = map(int, row)
    eq((balance, remaining), (total, total), "balance = ledger sum = unspent awards")
    check(balance >= 0, f"balance {balance} never negative")
    eq(summary(s, p, client)["balance"], balance)
    return balance


@test
def visits_earn_points_with_welcome_tiers_and_milestone_perks():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = member(s, p)
        visit(s, p, c, days_ago=40)  # $300 at 0.6 points per dollar, plus the 50-point welcome
        eq([(e["kind"], e["points"]) for e in reversed(ledger(s, p, c))], [("welcome", 50), ("earn", 180)])
        visit(s, p, c, days_ago=30)
        visit(s, p, c, days_ago=20)
        sm = summary(s, p, c)
        eq((sm["balance"], sm["value_cents"], sm["tier"]["name"], sm["visits_12_months"]), (590, 5900, "Silver", 3))
        eq([x["name"] for x in sm["perks"]], ["Complimentary skin analysis"], "the 2nd visit's perk")
        eq(sm["next_tier"], {"name": "Gold", "visits_needed": 1, "spend_needed_cents": 110000})
        visit(s, p, c, days_ago=10)  # the 4th visit in 12 months reaches Gold: x1.25
        eq(ledger(s, p, c)[0]["points"], 225)
        sm = summary(s, p, c)
        eq((sm["tier"]["name"], sm["tier"]["benefits"], sm["multipliers"]), ("Gold", "10% off a Botox + filler combo",
                                                                            {"tier": 1.25}))
        eq(len(sm["perks"]), 2, "and the 4th visit's perk")
        perk = sm["perks"][0]["id"]
        r = s.request("POST", f"/v1/clients/{c}/perks/{perk}/use", key=p.staff)
        eq((r.status, r.json["used_at"] is not None), (200, True))
        eq(s.request("POST", f"/v1/clients/{c}/perks/{perk}/use", key=p.staff).status, 409, "used once")
        eq(s.request("POST", f"/v1/clients/{c}/perks/{perk}/use", key=p.integration).status, 403)
        # An ineligible item earns nothing; the tier falls when visits leave the 12-month window.
        old = member(s, p, "Bo", 1)
        for days in (500, 480, 460, 440):
            visit(s, p, old, days_ago=days)
        eq(ledger(s, p, old)[0]["points"], 225, "Gold at its 4th visit, then")
        visit(s, p, old, days_ago=1)
        eq(ledger(s, p, old)[0]["points"], 180, "a year later those visits no longer count: Silver")
        eq(summary(s, p, old)["tier"]["name"], "Silver")
        before = summary(s, p, old)["balance"]
        visit(s, p, old, days_ago=0, points_eligible=False)
        eq(summary(s, p, old)["balance"], before, "an ineligible item earns nothing")
        other = practice(s)
        eq(s.request("GET", f"/v1/clients/{c}/loyalty", key=other.staff).status, 404)
    finally:
        close_checks(s)
        s.stop()


@test
def redemptions_respect_the_cap_the_balance_retries_and_concurrency():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = member(s, p)
        visit(s, p, c)  # 230 points
        r = redeem(s, p, c, points=100, ticket_cents=30000, key="checkout-1")
        eq((r.status, r.json["kind"], r.json["points"], r.json["balance"]), (201, "redeem", -100, 130))
        again = redeem(s, p, c, points=100, ticket_cents=30000, key="checkout-1")
        eq((again.status, again.json["id"]), (201, r.json["id"]), "a retried redemption spends once")
        eq(summary(s, p, c)["balance"], 130)
        r = redeem(s, p, c, points=200, ticket_cents=30000)
        eq((r.status, r.error["details"]["field"]), (409, "points"))
        check("130" in r.error["message"], r.error["message"])
        r = redeem(s, p, c, amount_cents=5000, ticket_cents=10000)  # $50 on a $100 ticket: the cap is $20
        eq((r.status, r.error["code"], r.error["details"]["field"]), (422, "over_redemption_cap", "amount_cents"))
        check("200 points" in r.error["message"], r.error["message"])
        for body, field in (({"ticket_cents": 100}, "points"), ({"points": 5}, "ticket_cents"),
                            ({"points": 5, "amount_cents": 5, "ticket_cents": 100}, "points"),
                            ({"points": 0, "ticket_cents": 100}, "points")):
            r = redeem(s, p, c, **body)
            eq((r.status, r.error["details"].get("field")), (422, field), str(body))
        # Ten checkouts at once for 20 points each on 130: six succeed, four are refused, nothing below zero.
        replies = []
        gate = threading.Barrier(10)

        def checkout():
            gate.wait()
            replies.append(redeem(s, p, c, points=20, ticket_cents=30000).status)
        threads = [threading.Thread(target=checkout) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        eq(sorted(replies), [201] * 6 + [409] * 4)
        eq(invariants(s, p, c), 10)
        r = s.request("POST", f"/v1/clients/{c}/loyalty/adjustments", {"points": -20, "reason": "x"}, key=p.staff)
        eq(r.status, 409, "an adjustment cannot go below zero either")
        r = s.request("POST", f"/v1/clients/{c}/loyalty/adjustments", {"points": 100, "reason": "goodwill"},
                      key=p.staff)
        eq((r.status, r.json["kind"], r.json["balance"]), (201, "adjust", 110))
        check("goodwill" in r.json["reason"], r.json["reason"])
        r = s.request("POST", f"/v1/clients/{c}/loyalty/adjustments", {"points": 5}, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (422, "reason"))
        eq(s.request("POST", f"/v1/clients/{c}/loyalty/adjustments", {"points": 5, "reason": "x"},
                     key=p.integration).status, 403, "staff only")
    finally:
        close_checks(s)
        s.stop()


@test
def a_refund_takes_the_points_back_and_leaves_a_debt_later_points_settle():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = member(s, p)
        a = visit(s, p, c, days_ago=5)  # welcome 50 + 180
        eq(redeem(s, p, c, points=200, ticket_cents=100000).status, 201)  # from the welcome 50, then 150 of the 180
        r = s.request("POST", f"/v1/treatments/{a}/refund", key=p.staff)
        eq((r.status, r.json["points_reversed"], r.json["points_owed"]), (200, 30, 150))
        sm = summary(s, p, c)
        eq((sm["balance"], sm["points_owed"], sm["visits_total"]), (0, 150, 0))
        eq(s.request("POST", f"/v1/treatments/{a}/refund", key=p.staff).status, 409)
        visit(s, p, c, days_ago=1)  # 180 earned: 150 settle the debt
        sm = summary(s, p, c)
        eq((sm["balance"], sm["points_owed"]), (30, 0))
        eq([e["kind"] for e in ledger(s, p, c)][:2], ["reverse", "earn"])
        invariants(s, p, c)
        eq(s.request("POST", "/v1/treatments/00000000-0000-0000-0000-000000000000/refund", key=p.staff).status, 404)
    finally:
        close_checks(s)
        s.stop()


@test
def points_expire_oldest_first_by_the_background_job():
    f = fakes()
    s = server(f, LOYALTY_EXPIRY_INTERVAL_S="1")
    try:
        p = practice(s)
        c = member(s, p)
        visit(s, p, c)  # welcome 50 (older entry) + earn 180
        psql(f"UPDATE loyalty_ledger SET expires_at = now() - interval '1 minute' WHERE client_id = '{c}' "
             f"AND kind = 'welcome'", db=s.db)
        wait_for("the welcome points to expire", lambda: summary(s, p, c)["balance"] == 180)
        e = ledger(s, p, c)[0]
        eq((e["kind"], e["points"]), ("expire", -50))
        invariants(s, p, c)
    finally:
        close_checks(s)
        s.stop()


@test
def a_referral_rewards_the_friend_and_boosts_exactly_three_visits():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        referrer, friend, other = member(s, p, "Ref", 1), member(s, p, "Friend", 2), member(s, p, "Other", 3)
        visit(s, p, referrer, days_ago=60)
        eq(s.request("POST", "/v1/referrals", {"referrer_id": referrer, "referred_id": referrer},
                     key=p.staff).error["details"]["field"], "referred_id")
        eq(s.request("POST", "/v1/referrals", {"referrer_id": friend, "referred_id": referrer},
                     key=p.staff).status, 422, "the referred client must be new")
        r = s.request("POST", "/v1/referrals", {"referrer_id": referrer, "referred_id": friend}, key=p.staff)
        eq((r.status, r.json["converted_at"]), (201, None))
        eq(s.request("POST", "/v1/referrals", {"referrer_id": other, "referred_id": friend}, key=p.staff).status, 409)
        visit(s, p, friend, days_ago=50)
        eq(sorted((e["kind"], e["points"]) for e in ledger(s, p, friend)),
           [("earn", 180), ("referral", 100), ("welcome", 50)])
        eq(summary(s, p, referrer)["multipliers"]["referral"], {"multiplier": 2.0, "visits_left": 3})
        earned = []
        for days in (40, 30, 20, 10):
            visit(s, p, referrer, days_ago=days)
            earned.append(ledger(s, p, referrer)[0]["points"])
        # x2 on the next three visits (the third of them is the 4th in 12 months: Gold x1.25), then Gold alone.
        eq(earned, [360, 360, 450, 225])
        check("referral" not in summary(s, p, referrer)["multipliers"], "the boost is used up")
    finally:
        close_checks(s)
        s.stop()


@test
def the_program_is_validated_applies_to_later_visits_and_drives_the_calculator():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        prog = s.request("GET", "/v1/loyalty/program", key=p.integration).json
        eq((prog["point_value_cents"], prog["redemption_cap_percent"], prog["expiry_months"]), (10, 20, 12))
        cases = [({"earn_per_dollar": -1}, 422, "earn_per_dollar"),
                 ({"tiers": [{"name": "Gold", "min_visits": 3, "min_spend_cents": 0, "multiplier": 1}]}, 422,
                  "tiers[0].min_visits"),
                 ({"tiers": [{"name": "A", "min_visits": 0, "min_spend_cents": 0, "multiplier": 1},
                             {"name": "B", "min_visits": 0, "min_spend_cents": 0, "multiplier": 2}]}, 422,
                  "tiers[1].min_visits"),
                 ({"milestones": [{"visit": 2, "perk": "", "valid_days": 9}]}, 422, "milestones[0].perk"),
                 ({"referral": {"referred_bonus": 1}}, 422, "referral.referrer_multiplier"),
                 ({"flat_points": {"botox": -1}}, 422, "flat_points"),
                 ({"points_per_visit": 3}, 400, "points_per_visit")]
        for body, status, field in cases:
            r = s.request("PUT", "/v1/loyalty/program", body, key=p.staff)
            eq((r.status, r.error["details"].get("field")), (status, field), str(body))
        c = member(s, p)
        visit(s, p, c, days_ago=3)
        r = s.request("PUT", "/v1/loyalty/program", {"earn_per_dollar": 1.0, "flat_points": {"botox": 200}},
                      key=p.staff)
        eq((r.status, r.json["earn_per_dollar"], r.json["welcome_bonus"]), (200, 1.0, 50))
        visit(s, p, c, days_ago=1)
        eq([e["points"] for e in ledger(s, p, c) if e["kind"] == "earn"], [500, 180],
           "the new rate applies from now on; the earlier entry is kept")
        eq(s.request("PUT", "/v1/loyalty/program", {}, key=p.integration).status, 403)
        s.request("PUT", "/v1/loyalty/program", {"earn_per_dollar": 0.6, "flat_points": {}}, key=p.staff)
        r = s.request("GET", "/v1/loyalty/calculator?visits_per_year=4&average_ticket_cents=60000", key=p.staff)
        eq((r.json["tier"], r.json["points_per_year"], r.json["value_cents_per_year"], r.json["percent_back"],
            r.json["within_target"]), ("Gold", 1800, 18000, 7.5, True))
        r = s.request("GET", "/v1/loyalty/calculator?visits_per_year=2&average_ticket_cents=60000&tier=Silver",
                      key=p.staff)
        eq((r.json["points_per_year"], r.json["percent_back"], r.json["within_target"]), (720, 6.0, True))
        for q, field in (("average_ticket_cents=100", "visits_per_year"),
                         ("visits_per_year=4&average_ticket_cents=x", "average_ticket_cents"),
                         ("visits_per_year=4&average_ticket_cents=60000&tier=Diamond", "tier")):
            r = s.request("GET", "/v1/loyalty/calculator?" + q, key=p.staff)
            eq((r.status, r.error["details"]["field"]), (400, field), q)
    finally:
        close_checks(s)
        s.stop()


@test
def behaviour_bonuses_multiply_and_a_lapsed_client_is_welcomed_back():
    import test_dispatch
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        c = member(s, p)
        visit(s, p, c, days_ago=200)
        day = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=150)).isoformat()
        r = s.request("POST", "/v1/treatments", {"client_id": c, "performed_at": day, "behaviours": ["prebooked", "x"],
                                                 "items": [{"type": "botox", "price_cents": 30000}]}, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (422, "behaviours[1]"))
        r = s.request("POST", "/v1/treatments", {"client_id": c, "performed_at": day,
                                                 "behaviours": ["prebooked", "safety_check"],
                                                 "items": [{"type": "botox", "price_cents": 30000}]}, key=p.staff)
        eq((r.status, r.json["behaviours"]), (201, ["prebooked", "safety_check"]))
        eq(ledger(s, p, c)[0]["points"], 247, "180 x 1.25 x 1.1, rounded down")
        # The lapse checkpoint (day 112 of Botox) tags the client; a booking later would not hide it.
        lapsing = test_dispatch.client(s, p, phone="+15557770099", email=None)
        test_dispatch.visit(s, p, lapsing, 112)
        wait_for("the lapse", lambda: psql(f"SELECT last_lapsed_at IS NOT NULL FROM clients WHERE id = "
                                           f"'{lapsing['id']}'", db=s.db) == "t")
        starts = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)).replace(microsecond=0).isoformat()
        eq(s.request("POST", "/v1/bookings", {"client_id": lapsing["id"], "starts_at": starts, "duration_minutes": 30},
                     key=p.staff).status, 201)
        visit(s, p, lapsing["id"], days_ago=0)
        eq(sorted(x["source"] for x in summary(s, p, lapsing["id"])["perks"]), ["milestone", "welcome_back"],
           "the 2nd visit's milestone, and the welcome back")
        eq(psql(f"SELECT count(*) FROM reactivations WHERE client_id = '{lapsing['id']}'", db=s.db), "1")
        visit(s, p, lapsing["id"], days_ago=0, type_="lip_filler")
        eq(len(summary(s, p, lapsing["id"])["perks"]), 2, "welcomed back once, not on every later visit")
    finally:
        close_checks(s)
        s.stop()


@test
def memberships_bank_monthly_credit_roll_it_over_and_record_payments():
    f = fakes()
    s = server(f, LOYALTY_EXPIRY_INTERVAL_S="1")
    try:
        p = practice(s)
        c = member(s, p)
        plan = {"name": "Glow Club", "monthly_fee_cents": 9900, "monthly_credit_cents": 10000, "rollover_months": 6,
                "member_discount_percent": 10, "vip_perk": "VIP: complimentary hydrafacial"}
        for bad, field in (({**plan, "rollover_months": 30}, "rollover_months"), ({**plan, "name": ""}, "name"),
                           ({**plan, "monthly_fee_cents": 0}, "monthly_fee_cents")):
            r = s.request("POST", "/v1/loyalty/membership-plans", bad, key=p.staff)
            eq((r.status, r.error["details"]["field"]), (422, field))
        pl = s.request("POST", "/v1/loyalty/membership-plans", plan, key=p.staff)
        eq(pl.status, 201)
        eq(s.request("POST", "/v1/loyalty/membership-plans", plan, key=p.staff).status, 409, "names are unique")
        # Two visits: the upgrade offer.
        eq(summary(s, p, c)["membership_offer"], False)
        visit(s, p, c, days_ago=20)
        visit(s, p, c, days_ago=10)
        eq(summary(s, p, c)["membership_offer"], True, "a points member is offered a membership after two visits")
        r = s.request("POST", f"/v1/clients/{c}/membership", {"plan_id": pl.json["id"]}, key=p.staff)
        eq((r.status, r.json["credit_cents"], r.json["member_discount_percent"]), (201, 10000, 10), str(r))
        eq(s.request("POST", f"/v1/clients/{c}/membership", {"plan_id": pl.json["id"]}, key=p.staff).status, 409)
        sm = summary(s, p, c)
        eq((sm["membership"]["plan"], sm["membership_offer"]), ("Glow Club", False))
        eq([x["name"] for x in sm["perks"] if x["source"] == "membership"], ["VIP: complimentary hydrafacial"])
        # Two months pass: the job banks both, once; the quarter's perk is not granted twice.
        psql(f"UPDATE memberships SET next_bank_on = current_date - interval '1 month' WHERE client_id = '{c}'",
             db=s.db)
        wait_for("two more months banked", lambda: summary(s, p, c)["membership"]["credit_cents"] == 30000)
        eq(len([x for x in summary(s, p, c)["perks"] if x["source"] == "membership"]), 1)
        r = s.request("POST", f"/v1/clients/{c}/membership/credit-uses", {"amount_cents": 15000}, key=p.staff)
        eq((r.status, r.json["credit_cents"]), (201, 15000))
        r = s.request("POST", f"/v1/clients/{c}/membership/credit-uses", {"amount_cents": 20000}, key=p.staff)
        eq((r.status, r.error["code"], r.error["details"]["field"]), (409, "insufficient_credit", "amount_cents"))
        # Rollover: the oldest bank left (5,000 of the second month) expires first.
        psql(f"UPDATE membership_credits SET expires_at = now() - interval '1 second' WHERE id = (SELECT min(id) "
             f"FROM membership_credits WHERE remaining > 0)", db=s.db)
        wait_for("the old credit to expire", lambda: summary(s, p, c)["membership"]["credit_cents"] == 10000)
        r = s.request("POST", f"/v1/clients/{c}/membership/payments", {"amount_cents": 9900, "reference": "stripe-1"},
                      key=p.integration)
        eq((r.status, r.json["paid_cents"]), (201, 9900))
        r = s.request("POST", f"/v1/clients/{c}/membership/cancel", {"reason": "moving away"}, key=p.staff)
        eq((r.status, r.json["state"], r.json["cancel_reason"], r.json["credit_cents"]),
           (200, "cancelled", "moving away", 10000))
        eq(s.request("POST", f"/v1/clients/{c}/membership/payments", {"amount_cents": 1}, key=p.staff).status, 409)
        eq(summary(s, p, c)["membership"]["state"], "cancelled")
    finally:
        close_checks(s)
        s.stop()


@test
def random_operations_keep_the_ledger_and_balance_in_step():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        rng = random.Random(7)
        clients = [member(s, p, f"P{i}", 10 + i) for i in range(3)]
        for c in clients:
            invariants(s, p, c)  # opens the checking connection
        visits = {c: [] for c in clients}
        counts = {}
        for step in range(2000):
            c = rng.choice(clients)
            op = rng.choices(["visit", "redeem", "refund", "adjust", "expire", "burst"], [30, 30, 8, 15, 7, 10])[0]
            if op == "visit":
                visits[c].append(visit(s, p, c, price_cents=rng.randrange(0, 120000), days_ago=rng.randrange(0, 300)))
            elif op == "redeem":
                r = redeem(s, p, c, points=rng.randrange(1, 400), ticket_cents=rng.randrange(1000, 200000))
                check(r.status in (201, 409, 422), str(r))
            elif op == "refund" and visits[c]:
                r = s.request("POST", f"/v1/treatments/{visits[c].pop(rng.randrange(len(visits[c])))}/refund",
                              key=p.staff)
                eq(r.status, 200, str(r))
            elif op == "adjust":
                r = s.request("POST", f"/v1/clients/{c}/loyalty/adjustments",
                              {"points": rng.choice([-1, 1]) * rng.randrange(1, 300), "reason": "random"}, key=p.staff)
                check(r.status in (201, 409), str(r))
            elif op == "expire":  # the oldest award reaches its date; the job's own function runs
                with CONNECTIONS[s.db].cursor() as cur:
                    cur.execute("UPDATE loyalty_ledger SET expires_at = now() - interval '1 second' WHERE id = "
                                "(SELECT min(id) FROM loyalty_ledger WHERE client_id = %s AND remaining > 0); "
                                "SELECT loyalty_expire(NULL)", (c,))
            elif op == "burst":
                threads = [threading.Thread(target=redeem, args=(s, p, c), kwargs={"points": 30,
                                                                                    "ticket_cents": 50000})
                           for _ in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            counts[op] = counts.get(op, 0) + 1
            invariants(s, p, c)
        check(counts.get("refund", 0) > 20 and counts.get("burst", 0) > 50, str(counts))
    finally:
        close_checks(s)
        s.stop()


@test
def the_tier_rule_is_one_sql_function_and_holds_at_its_thresholds():
    """loyalty_tier_of, asked by earning, the summary, the calculator and the analytics: visits alone or
    spend alone reach a tier, exactly at its threshold; the first tier is everyone's; a spend threshold of
    0 is no threshold."""
    f = fakes()
    s = server(f)
    try:
        settings = ('{"tiers": [{"min_visits": 0, "min_spend_cents": 0}, {"min_visits": 4, "min_spend_cents": 200000}, '
                    '{"min_visits": 8, "min_spend_cents": 500000}, {"min_visits": 20, "min_spend_cents": 0}]}')
        cases = [((0, 0), 0), ((3, 199999), 0), ((4, 0), 1), ((1, 200000), 1), ((7, 499999), 1), ((8, 0), 2),
                 ((0, 500000), 2), ((19, 99999999), 2), ((20, 0), 3)]
        for (visits, spend), want in cases:
            got = psql(f"SELECT loyalty_tier_of(th.min_visits, th.min_spend, {visits}, {spend}) "
                       f"FROM loyalty_tier_thresholds('{settings}') th", db=s.db)
            eq(int(got), want, f"{visits} visits, {spend} cents")
        one = '{"tiers": [{"min_visits": 0, "min_spend_cents": 0}]}'
        eq(psql(f"SELECT loyalty_tier_of(th.min_visits, th.min_spend, 100, 10000000) FROM loyalty_tier_thresholds('{one}') th",
                db=s.db), "0", "one tier: everyone's")
        # The window is one function too: a visit exactly 12 months before does not count.
        eq(psql("SELECT loyalty_window_start('2026-12-02 10:00+00') = '2025-12-02 10:00+00'", db=s.db), "t")
    finally:
        s.stop()
