"""Treatment names as people write them on invoices and at the front desk:
case, accents, trademark signs, repeated spaces, trailing quantities and a
" - area" suffix never decide whether a name maps, wherever a name enters
(treatments, bookings, PMS vendors, CSV imports, templates, the loyalty
program, analytics)."""
import datetime as dt

from harness import Practice, eq, psql, shared, test
from test_imports import finished, upload
from test_treatments import local_today, new_client, post_treatment

# Names as PMS invoices and front desks write them, and the default type each one is.
INVOICE_NAMES = [
    ("BOTOX", "botox"), ("botox", "botox"), ("  Botox   Cosmetic ", "botox"), ("Botox Cosmetic 20u", "botox"),
    ("BOTOX® Cosmetic (50 Units)", "botox"), ("Botox - Forehead & Glabella", "botox"), ("Botox 100 IU", "botox"),
    ("onabotulinumtoxinA", "botox"), ("Dysport 300u", "dysport"), ("Dysport Cosmetic 300 Units", "dysport"),
    ("Xeomin", "xeomin"), ("XEOMIN 50 units", "xeomin"), ("Jeuveau", "jeuveau"), ("#Newtox", "jeuveau"),
    ("Daxxify 40u", "daxxify"), ("DAXXIFY® (daxibotulinumtoxinA-lanm)", None), ("Daxxify - Glabella", "daxxify"),
    ("Letybo 20 units", "letybo"), ("Juvederm Ultra XC", "lip_filler"), ("Juvéderm® Ultra XC 1mL", "lip_filler"),
    ("JUVEDERM VOLBELLA XC 1 ml", "lip_filler"), ("Juvederm Vollure XC", "fold_filler"),
    ("Juvederm Voluma XC 2 syringes", "voluma"), ("Juvederm Ultra Plus XC", "fold_filler"),
    ("Juvederm Ultra+ XC", "fold_filler"), ("Restylane Kysse 1.0 mL", "lip_filler"), ("Restylane Lyft", "cheek_filler"),
    ("Restylane Defyne", "fold_filler"), ("Restylane Refyne x2", "fold_filler"), ("Restylane Silk", "lip_filler"),
    ("Restylane-L", "fold_filler"), ("RHA 2", "fold_filler"), ("RHA® 3 1.2ml", "fold_filler"), ("RHA 4", "fold_filler"),
    ("Sculptra", "sculptra"), ("Sculptra Aesthetic 2 vials", "sculptra"), ("Kybella", "kybella"),
    ("KYBELLA INJECTION", "kybella"), ("lip-filler", "lip_filler"), ("Lip Filler", "lip_filler"),
    ("CHEEK_FILLER", "cheek_filler"),
    # Not treatments Cadence plans from: stay unmapped (listed for staff), never guessed.
    ("Latisse 5ml", None), ("SkinMedica TNS Serum", None), ("Botox Consult", None), ("RHA", None), ("20 units", None),
]


@test
def the_name_key_ignores_case_signs_spacing_and_trailing_quantities():
    s = shared()
    cases = [("Botox Cosmetic 20u", "botox cosmetic"), ("  BOTOX   cosmetic  ", "botox cosmetic"),
             ("Juvéderm® Volbella® XC (1 mL)", "juvederm volbella xc"), ("Dysport - 300 Units", "dysport"),
             ("Restylane Kysse 1.0 ml x2", "restylane kysse"), ("RHA 2", "rha 2"), ("Ultra+ XC", "ultra plus xc"),
             ("Sculptra, 2 vials", "sculptra"), ("Kybella™", "kybella"), ("20u", ""), ("Botox 20u Forehead", "botox 20u forehead"),
             ("Hylenex 150 USP units", "hylenex 150 usp units")]
    for name, key in cases:
        got = psql("SELECT treatment_name_key('" + name.replace("'", "''") + "')", db=s.db)
        eq(got, key, f"key of {name!r}")


@test
def invoice_names_map_to_their_types_through_the_api_and_the_unmapped_are_refused_by_name():
    s = shared()
    p = Practice(s)
    c = new_client(s, p)
    day = local_today("America/New_York") - dt.timedelta(days=1)
    for i, (name, code) in enumerate(INVOICE_NAMES):
        body = {"client_id": c, "performed_at": f"{day}T15:00:00-05:00", "items": [{"type": name}],
                "external_id": f"names-{i}", "source": "names"}
        r = s.request("POST", "/v1/treatments", body, key=p.staff)
        if code:
            eq(r.status, 201, f"{name}: {r}")
            eq(r.json["items"][0]["type"], code, name)
        else:
            eq((r.status, r.error["details"]["field"]), (422, "items[0].type"), name)


@test
def every_entry_point_takes_any_spelling_of_a_type():
    s = shared()
    p = Practice(s)
    c = new_client(s, p)
    # Bookings: a type in any spelling, or a family the same way.
    starts = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=20)).replace(microsecond=0)
    for i, (service, family) in enumerate([("BOTOX Cosmetic 50u", "neuromodulator"), ("HA Filler", "ha_filler"),
                                           ("Neuromodulator", "neuromodulator")]):
        r = s.request("POST", "/v1/bookings", {"client_id": c, "starts_at": (starts + dt.timedelta(hours=i)).isoformat(),
                                               "duration_minutes": 30, "services": [service]}, key=p.staff)
        eq(r.status, 201, f"{service}: {r}")
        eq(r.json["families"], [family], service)
    # Templates by type: the path may name the type as people write it.
    r = s.request("PUT", "/v1/templates/Botox Cosmetic/refill_1/sms".replace(" ", "%20"),
                  {"body": "Hi {{first_name}}, time for your {{treatment_name}}. {{booking_link}}"}, key=p.staff)
    eq((r.status, r.json["treatment_type"]), (201, "botox"))
    eq(len(s.request("GET", "/v1/templates?treatment_type=BOTOX&step=refill_1", key=p.staff).json["data"]), 1)
    # The loyalty program's flat points, keyed by the type's code whatever the body called it.
    r = s.request("PUT", "/v1/loyalty/program", {"flat_points": {"Botox Cosmetic": 200, "DYSPORT": 150}}, key=p.staff)
    eq((r.status, r.json["flat_points"]), (200, {"botox": 200, "dysport": 150}))
    r = s.request("PUT", "/v1/loyalty/program", {"flat_points": {"Mystery Peel": 10}}, key=p.staff)
    eq((r.status, r.error["details"]["field"]), (422, "flat_points.Mystery Peel"))
    r = s.request("PUT", "/v1/loyalty/program", {"flat_points": {"botox": 10, "Botox Cosmetic": 20}}, key=p.staff)
    eq((r.status, r.error["details"]["field"]), (422, "flat_points.Botox Cosmetic"))
    # Analytics filter by type.
    r = s.request("GET", "/v1/analytics/retention?treatment_type=Botox%20Cosmetic", key=p.staff)
    eq((r.status, r.json["treatment_type"]), (200, "botox"))
    # The cadence library's own path.
    r = s.request("GET", "/v1/treatment-types", key=p.staff)
    botox = [t for t in r.json["data"] if t["code"] == "botox"][0]
    r = s.request("PUT", "/v1/treatment-types/BOTOX", {k: botox[k] for k in botox if k not in ("code", "updated_at")},
                  key=p.staff)
    eq((r.status, r.json["code"]), (200, "botox"))


@test
def csv_imports_map_names_as_invoices_write_them():
    from test_dispatch import fakes, practice, server
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        day = (dt.date.today() - dt.timedelta(days=40)).isoformat()
        csv = ("Client ID,First Name,Performed At,Treatment,Visit ID\r\n"
               f"C-1,Ana,{day},BOTOX® Cosmetic (50 Units),V-1\r\n"
               f"C-2,Bo,{day},Restylane Kysse 1.0 mL,V-2\r\n"
               f"C-3,Cy,{day},Latisse 5ml,V-3\r\n")
        r = upload(s, p, csv)
        eq(r.status, 202, str(r))
        done = finished(s, p, r.json["id"])
        eq((done["treatments_created"], done["refused"], [x["line"] for x in done["refusals"]]), (2, 1, [4]))
        types = psql(f"SELECT string_agg(type_code, ',' ORDER BY type_code) FROM treatment_items "
                     f"WHERE practice_id = '{p.id}'", db=s.db)
        eq(types, "botox,lip_filler")
    finally:
        s.stop()
