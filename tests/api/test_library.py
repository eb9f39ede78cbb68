"""The cadence library (treatment types), templates and injectors."""
import datetime as dt

from harness import Practice, check, eq, shared, test
from test_treatments import local_today, new_client, post_treatment, reminders, active

BOTOX = {"name": "Botox", "family": "neuromodulator", "typical_duration": "10-12 weeks", "window_days": 84,
         "steps": [{"offset": {"days": 63}}, {"offset": {"days": 70}, "incentive": True},
                   {"offset": {"days": 77}, "channel": "alternate"}],
         "lapse": {"days": 105}, "aftercare": [{"offset": {"days": 2}}],
         "aliases": ["Botox Cosmetic", "Botox 20u"]}


@test
def default_library_is_seeded_per_practice():
    s = shared()
    p = Practice(s)
    types = s.request("GET", "/v1/treatment-types", key=p.staff).json["data"]
    eq([t["code"] for t in types],
       ["botox", "cheek_filler", "daxxify", "dysport", "fold_filler", "jeuveau", "kybella", "letybo", "lip_filler",
        "sculptra", "voluma", "xeomin"])
    botox = types[0]
    eq(botox["steps"][0], {"offset": {"days": 70}, "channel": "preferred", "incentive": False})
    check("Botox Cosmetic" in botox["aliases"])
    tpls = s.request("GET", "/v1/templates?treatment_type=default&channel=sms", key=p.staff).json["data"]
    eq(sorted(t["step"] for t in tpls), ["aftercare_1", "aftercare_2", "confirmation_24h", "confirmation_48h",
                                         "confirmation_booked", "confirmation_morning", "nurture", "refill_1",
                                         "refill_2", "refill_3"])


@test
def a_practice_can_change_offsets_for_later_treatments():
    s = shared()
    p = Practice(s)
    visit = local_today("America/New_York") - dt.timedelta(days=1)
    c_before = new_client(s, p)
    post_treatment(s, p, c_before, visit, [{"type": "botox"}])
    r = s.request("PUT", "/v1/treatment-types/botox", BOTOX, key=p.staff)
    eq(r.status, 200)
    eq(r.json["steps"][0]["offset"], {"days": 63})
    eq(sorted(r.json["aliases"]), ["Botox 20u", "Botox Cosmetic"])
    c = new_client(s, p)
    post_treatment(s, p, c, visit, [{"type": "botox 20U"}])  # aliases match case-insensitively
    eq(active(reminders(s, p, c), "refill")["steps"][0]["planned_date"], (visit + dt.timedelta(days=63)).isoformat())
    eq(active(reminders(s, p, c_before), "refill")["steps"][0]["planned_date"],
       (visit + dt.timedelta(days=70)).isoformat(), "history is not rewritten")
    # A new type of the practice's own, named in the path as people write it.
    r = s.request("PUT", "/v1/treatment-types/Relfydess", dict(BOTOX, name="Relfydess", aliases=["Relfydess Inj"]),
                  key=p.staff)
    eq((r.status, r.json["code"]), (201, "relfydess"))
    c2 = new_client(s, p)
    post_treatment(s, p, c2, visit, [{"type": "RELFYDESS INJ 50 units"}])
    eq(active(reminders(s, p, c2), "refill")["treatment_type"], "relfydess")


@test
def treatment_type_validation():
    s = shared()
    p = Practice(s)

    def put(code, **changes):
        body = dict(BOTOX, aliases=[])
        body.update(changes)
        return s.request("PUT", f"/v1/treatment-types/{code}", body, key=p.staff)
    cases = [
        (put("bad.code"), 422, "code"),
        (put("x", family="potion"), 422, "family"),
        (put("x", steps=[]), 422, "steps"),
        (put("x", steps=[{"offset": {"days": 70}}, {"offset": {"days": 70}}]), 422, "steps[1].offset"),
        (put("x", steps=[{"offset": {"days": 70}}, {"offset": {"months": 2}}]), 422, "steps[1].offset"),
        (put("x", steps=[{"offset": {"days": 0}}]), 422, "steps[0].offset"),
        (put("x", steps=[{"offset": {"weeks": 10}}]), 422, "steps[0].offset"),
        (put("x", steps=[{"offset": {"days": 70}, "channel": "fax"}]), 422, "steps[0].channel"),
        (put("x", lapse={"days": 75}), 422, "lapse"),
        (put("x", window_days=0), 422, "window_days"),
        (put("x", nurture={"every_months": 0, "max_messages": 6}), 422, "nurture.every_months"),
        (put("x", aliases=["Same", "same"]), 422, "aliases[1]"),
        (put("x", aliases=["Same Thing", "SAME  thing 20u"]), 422, "aliases[1]"),
        (put("x", aliases=["20 units"]), 422, "aliases[0]"),
        (put("x", aliases=["Dysport Cosmetic"]), 409, "aliases[0]"),
        (put("x", aliases=["DYSPORT"]), 409, "aliases[0]"),
        (put("x", steps=[{"offset": {"days": 60}}, {"offset": {"days": 65}}, {"offset": {"days": 70}},
                         {"offset": {"days": 75}}]), 422, "steps[3]"),
        (put("x", colour="red"), 400, "colour"),
        (put("x", aftercare=[{"offset": {"days": 2}, "incentive": True}]), 400, "aftercare[0].incentive"),
    ]
    for i, (r, status, field) in enumerate(cases):
        eq(r.status, status, f"case {i}: {r.text}")
        eq(r.error["details"].get("field"), field, f"case {i}")
    eq([t["code"] for t in s.request("GET", "/v1/treatment-types", key=p.staff).json["data"]].count("x"), 0,
       "no refused type was stored")
    # With a template for the fourth step on both channels, the four-step plan is accepted.
    for ch, extra in (("sms", {}), ("email", {"subject": "Still thinking about it?"})):
        r = s.request("PUT", f"/v1/templates/default/refill_4/{ch}",
                      dict(extra, body="Hi {{first_name}}, book: {{booking_link}} {{opt_out}}"), key=p.staff)
        eq(r.status, 201)
    r = put("x", steps=[{"offset": {"days": 60}}, {"offset": {"days": 65}}, {"offset": {"days": 70}},
                        {"offset": {"days": 75}}])
    eq(r.status, 201)


@test
def templates_are_checked_and_measured():
    s = shared()
    p = Practice(s)
    r = s.request("PUT", "/v1/templates/botox/refill_1/sms",
                  {"body": "Hi {{first_name}}, your {{treatment_name}} from {{treatment_date}} is due a refresh. "
                           "{{booking_link}} {{opt_out}}"}, key=p.staff)
    eq(r.status, 201)
    # Measured as a first SMS to a number: with the sample booking link and the opt-out sentence.
    eq((r.json["sms_estimate"]["encoding"], r.json["sms_estimate"]["segments"]), ("GSM-7", 2))
    r = s.request("PUT", "/v1/templates/botox/refill_1/sms", {"body": "Hi {{first_name}} \U0001F60A " + "x" * 80},
                  key=p.staff)
    eq((r.status, r.json["sms_estimate"]["encoding"], r.json["sms_estimate"]["segments"]), (200, "UCS-2", 2))
    eq(len(s.request("GET", "/v1/templates?treatment_type=botox", key=p.staff).json["data"]), 1, "replaced, not added")
    cases = [
        ("/v1/templates/botox/refill_1/sms", {"body": "Hi {{nickname}}"}, "body", "nickname"),
        ("/v1/templates/botox/refill_1/sms", {"body": "Your wrinkles are coming back!"}, "body", "wrinkle"),
        ("/v1/templates/botox/refill_1/sms", {"body": "You seem TIRED-LOOKING lately"}, "body", "tired-looking"),
        ("/v1/templates/botox/refill_1/email", {"subject": "Lines are back?", "body": "Hi"}, "subject", "lines are back"),
        ("/v1/templates/botox/refill_1/email", {"body": "Hi"}, "subject", "subject"),
        ("/v1/templates/botox/refill_1/sms", {"subject": "x", "body": "Hi"}, "subject", "subject"),
        ("/v1/templates/botox/refill_1/sms", {"body": "Hi {{first_name"}, "body", "{{"),
        ("/v1/templates/potion/refill_1/sms", {"body": "Hi"}, "treatment_type", "potion"),
        ("/v1/templates/botox/step_9/sms", {"body": "Hi"}, "step", "refill_N"),
        ("/v1/templates/botox/refill_1/fax", {"body": "Hi"}, "channel", "sms"),
        ("/v1/templates/botox/refill_1/sms", {"body": "Hi", "injector_id": "00000000-0000-0000-0000-000000000000"},
         "injector_id", "injector"),
    ]
    for path, body, field, words in cases:
        r = s.request("PUT", path, body, key=p.staff)
        eq((r.status, r.error["details"]["field"]), (422, field), f"{path} {body}")
        check(words.lower() in r.error["message"].lower(), f"message names {words!r}: {r.error['message']}")
    # The deny-list is the practice's to change.
    s.request("PATCH", f"/v1/practices/{p.id}", {"appearance_phrases": ["glow up"]}, key=__import__("harness").ADMIN_KEY)
    eq(s.request("PUT", "/v1/templates/botox/refill_2/sms", {"body": "Time for a glow up!"}, key=p.staff).status, 422)
    eq(s.request("PUT", "/v1/templates/botox/refill_2/sms", {"body": "No wrinkle talk here"}, key=p.staff).status, 201)
    # Injector-specific versions live beside the shared one.
    inj = s.request("POST", "/v1/injectors", {"name": "Jo"}, key=p.staff).json
    r = s.request("PUT", "/v1/templates/botox/refill_2/sms", {"body": "Jo here!", "injector_id": inj["id"]}, key=p.staff)
    eq((r.status, r.json["injector_id"]), (201, inj["id"]))
    eq(len(s.request("GET", "/v1/templates?treatment_type=botox&step=refill_2", key=p.staff).json["data"]), 2)


@test
def injectors_are_managed_by_staff():
    s = shared()
    p, other = Practice(s), Practice(s)
    r = s.request("POST", "/v1/injectors", {"name": "Dr. Lee", "phone": "+15557770000"}, key=p.staff)
    eq(r.status, 201)
    i = r.json
    eq(s.request("PATCH", f"/v1/injectors/{i['id']}", {"active": False, "phone": None}, key=p.staff).json["active"], False)
    eq([x["id"] for x in s.request("GET", "/v1/injectors", key=p.staff).json["data"]], [i["id"]])
    eq(s.request("GET", "/v1/injectors", key=other.staff).json["data"], [])
    eq(s.request("PATCH", f"/v1/injectors/{i['id']}", {"name": "X"}, key=other.staff).status, 404)
    for body, field in (({}, "name"), ({"name": ""}, "name"), ({"name": "A", "email": "x"}, "email"),
                        ({"name": "A", "phone": "555"}, "phone")):
        eq(s.request("POST", "/v1/injectors", body, key=p.staff).error["details"]["field"], field)
    eq(s.request("POST", "/v1/injectors", {"name": "Z"}, key=p.integration).status, 403)
