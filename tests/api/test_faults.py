"""Providers that drop a kept-alive connection mid-request: the message is
`unknown` and reached the provider once, never resent (libcurl retries such a
request on a fresh connection by itself unless it is stopped)."""
import time

from harness import check, eq, test
from test_dispatch import client, fakes, messages, practice, server, visit, wait_for

DROPS = ("close-after-read", "close-mid-body", "close-mid-answer")


def arrivals(fake, address):
    """How many requests for address reached the fake, whole or in part."""
    n = 0
    for m in fake.messages():
        if "partial" in m:
            n += address.replace("+", "%2B") in m["partial"] or address in m["partial"]
        else:
            n += (m.get("form", {}).get("To") or m.get("to")) == address
    return n


def a_dropped_connection_never_sends_twice(channel):
    f = fakes()
    fake = f.twilio if channel == "sms" else f.sendgrid
    s = server(f, DISPATCH_WORKERS="1", DISPATCH_CONCURRENCY="1")
    try:
        p = practice(s)
        pref = {"channel_preference": channel}
        for mode in DROPS:
            fake.clear()
            # The first request is answered (the connection stays alive); the second meets the drop.
            fake.fail_next("ok", mode)
            psql_pause(s, p, True)
            a = client(s, p, phone=f"+1555600{DROPS.index(mode)}001", email=f"a{DROPS.index(mode)}@example.com", **pref)
            b = client(s, p, phone=f"+1555600{DROPS.index(mode)}002", email=f"b{DROPS.index(mode)}@example.com", **pref)
            visit(s, p, a, 70)
            visit(s, p, b, 70)
            psql_pause(s, p, False)
            done = wait_for(f"both decided ({mode})", lambda: (lambda ms: ms if len(ms) == 2 and all(
                m["state"] in ("sent", "unknown") for m in ms) else None)(
                [m for m in messages(s, p) if m["client_id"] in (a["id"], b["id"])]))
            time.sleep(0.5)  # a resend would arrive within milliseconds
            key = "phone" if channel == "sms" else "email"
            for c in (a, b):
                eq(arrivals(fake, c[key]), 1, f"{channel} {mode}: the message to {c[key]} reached the provider once")
            states = sorted(m["state"] for m in done)
            eq(states, ["sent", "unknown"], f"{channel} {mode}")
            lost = [m for m in done if m["state"] == "unknown"][0]
            eq(lost["attempts"], 1, f"{channel} {mode}: one attempt, not resent")
            check(lost["last_error"], f"{channel} {mode}: the cause is kept")
    finally:
        s.stop()


def psql_pause(s, p, paused):
    from harness import psql
    if paused:
        psql(f"UPDATE practices SET paused = true WHERE id = '{p.id}'", db=s.db)
    else:
        psql(f"UPDATE practices SET paused = false WHERE id = '{p.id}'; "
             f"UPDATE steps SET state = 'planned', due_at = now() WHERE practice_id = '{p.id}' "
             f"AND step_key = 'refill_1' AND state IN ('planned', 'deferred'); "
             f"SELECT pg_notify('cadence_due', '')", db=s.db)


@test
def an_sms_whose_connection_drops_mid_request_is_never_sent_twice():
    a_dropped_connection_never_sends_twice("sms")


@test
def an_email_whose_connection_drops_mid_request_is_never_sent_twice():
    a_dropped_connection_never_sends_twice("email")
