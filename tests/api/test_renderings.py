"""The words patients read: every default template, for every type, step and
channel, rendered by the server with every optional part and without each one,
is kept in tests/renderings/default-messages.txt (reviewed by a person when it
changes) and checked here for sentence punctuation, doubled words or names,
empty placeholders and the SMS segment count.

The file is regenerated on every run and compared: a difference fails with the
new version written to tests/.tmp/default-messages.txt; when the change is
intended, `make renderings` (CADENCE_UPDATE_RENDERINGS=1) writes it in place."""
import difflib
import os
import re

from harness import Practice, check, eq, shared, test

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REVIEWED = os.path.join(ROOT, "tests", "renderings", "default-messages.txt")

PRACTICE = {"name": "Glow Med Spa", "time_zone": "America/New_York", "address": "1 Main St, Springfield",
            "parking_text": "Parking is behind the building", "check_in_text": "Check in at the front desk.",
            "booking_url": "https://glow.example.com/book", "intake_url": "https://glow.example.com/intake",
            "photo_url": "https://portal.example.com/patients/{external_id}/photos"}
REFILL = ["refill_1", "refill_2", "refill_3", "nurture"]
AFTERCARE = ["aftercare_1", "aftercare_2"]
CONFIRMATIONS = ["confirmation_booked", "confirmation_48h", "confirmation_24h", "confirmation_morning"]
# The optional parts each step can have, turned off one at a time for the default type.
PARTS = ["booking_link", "open_slots", "incentive", "injector", "address", "parking", "check_in", "intake_link",
         "photo_link", "first_sms"]
STEP_PARTS = {"refill_1": ["booking_link", "open_slots", "photo_link", "injector"],
              "refill_2": ["booking_link", "incentive"], "refill_3": ["booking_link", "injector"],
              "nurture": ["booking_link"], "aftercare_1": ["injector"], "aftercare_2": ["booking_link", "photo_link"],
              "confirmation_booked": ["injector"], "confirmation_48h": [],
              "confirmation_24h": ["intake_link"], "confirmation_morning": ["address", "parking", "check_in"]}
MAX_SEGMENTS = {"refill_1": 3}  # step 1 carries the slots and a signed link; every other SMS at most 2


def preview(s, p, step, channel, type_code="default", parts=None):
    body = {"treatment_type": type_code, "step": step, "channel": channel}
    if parts is not None:
        body["parts"] = parts
    r = s.request("POST", "/v1/templates/preview", body, key=p.staff)
    eq(r.status, 200, f"{type_code} {step} {channel}: {r}")
    return r.json


def renderings(s):
    """Every rendering, in a fixed order: (title, subject, body, sms_estimate)."""
    practice = Practice(s, **PRACTICE)
    by_injector = Practice(s, **dict(PRACTICE, name="Bloom Aesthetics", sender_mode="injector"))
    types = s.request("GET", "/v1/treatment-types", key=practice.staff).json["data"]
    out = []
    for t in types:
        steps = REFILL + (AFTERCARE if t["aftercare"] else [])
        for step in steps:
            for channel in ("sms", "email"):
                out.append((f"{t['code']} / {step} / {channel}", preview(s, practice, step, channel, t["code"])))
    everything_off = {k: False for k in PARTS}
    for step in REFILL + AFTERCARE + CONFIRMATIONS:
        for channel in ("sms", "email"):
            base = f"default / {step} / {channel}"
            if step in CONFIRMATIONS:
                out.append((base, preview(s, practice, step, channel)))
            for part in STEP_PARTS[step] + (["first_sms"] if channel == "sms" else []):
                out.append((f"{base} / without {part}", preview(s, practice, step, channel, parts={part: False})))
            out.append((f"{base} / without any optional part", preview(s, practice, step, channel, parts=everything_off)))
            out.append((f"{base} / sent by the injector", preview(s, by_injector, step, channel)))
    return out


def as_text(items):
    lines = ["# The default messages as patients read them, rendered by the server (tests/api/test_renderings.py).",
             "# Sample client Alexandra, visit March 16, appointment Tuesday, March 17 at 2:00 PM; the practice",
             "# Glow Med Spa with an address, parking and check-in texts, a booking page, an intake form and a",
             "# photo page. Review every change of this file before committing it (make renderings).", ""]
    for title, r in items:
        lines.append(f"=== {title}")
        if r["subject"] is not None:
            lines.append(f"Subject: {r['subject']}")
        lines.append(r["body"])
        if "sms_estimate" in r:
            e = r["sms_estimate"]
            lines.append(f"--- {e['units']} characters, {e['segments']} segment(s), {e['encoding']}")
        lines.append("")
    return "\n".join(lines)


URL = re.compile(r"https?://\S+")


def problems(title, r):
    """What is wrong with one rendering, in words."""
    found = []
    texts = [r["body"]] + ([r["subject"]] if r["subject"] else [])
    for text in texts:
        if "{{" in text or "}}" in text or "{external_id}" in text:
            found.append("an unfilled placeholder")
        plain = URL.sub("LINK", text)
        for bad in (" .", " ,", "..", ": .", ":.", ",.", ". .", "  ", " :", "( ", " )"):
            if bad in plain:
                found.append(f"{bad!r} (a part left out badly)")
        for m in re.finditer(r"\b(\w+)\s+\1\b", plain, re.IGNORECASE):
            found.append(f"a doubled word {m.group(1)!r}")
        for m in re.finditer(r"([A-Z][\w .'-]{1,40}), \1\b", plain):
            found.append(f"a name said twice: {m.group(0)!r}")
        for m in re.finditer(r"[.!?] ([a-z])", plain):
            found.append(f"a sentence starting in lower case: {m.group(0)!r}")
        for m in re.finditer(r"[a-z] (Reply|Book|Open|Your|Upload|Please|We|See|Check|Parking)\b", plain):
            found.append(f"two sentences run on without a stop: {m.group(0)!r}")
        if re.search(r"one (tap|click)\b(?![^.\n]*LINK)", plain):
            found.append("'one tap' without a link")
    lines = [x.strip() for x in URL.sub("LINK", r["body"]).split("\n") if x.strip()]
    if "sms_estimate" not in r and r["subject"] is not None:
        lines = lines[:-1]  # an email's last line is its signature
    for line in lines:
        if not (line[-1] in ".!?," or line.endswith("LINK")):
            found.append(f"a line without its full stop: {line!r}")
    if "sms_estimate" in r:
        e = r["sms_estimate"]
        step = title.split(" / ")[1]
        if e["encoding"] != "GSM-7":
            found.append("an SMS that needs UCS-2 (costs more than twice as much)")
        if e["segments"] > MAX_SEGMENTS.get(step, 2):
            found.append(f"{e['segments']} segments")
    return [f"{title}: {p}" for p in found]


@test
def every_default_message_reads_as_correct_english_and_matches_the_reviewed_file():
    s = shared()
    items = renderings(s)
    wrong = [p for title, r in items for p in problems(title, r)]
    check(not wrong, "\n".join(wrong[:40]))
    text = as_text(items)
    if os.environ.get("CADENCE_UPDATE_RENDERINGS"):
        os.makedirs(os.path.dirname(REVIEWED), exist_ok=True)
        with open(REVIEWED, "w") as f:
            f.write(text)
    with open(REVIEWED) as f:
        reviewed = f.read()
    if text != reviewed:
        fresh = os.path.join(ROOT, "tests", ".tmp", "default-messages.txt")
        with open(fresh, "w") as f:
            f.write(text)
        diff = "".join(list(difflib.unified_diff(reviewed.splitlines(True), text.splitlines(True), "reviewed",
                                                 "rendered now"))[:60])
        raise AssertionError(f"the renderings changed; review {fresh} (make renderings to accept):\n{diff}")


@test
def the_checks_catch_what_they_are_for():
    """The checks above, against renderings with each kind of mistake (a check that cannot fail is none)."""
    bad = {"P1, P1": "a name said twice", "Book in one tap: reply to this message Reply STOP.": "run on",
           "Hi {{first_name}}.": "placeholder", "Your Botox on .": "left out badly",
           "Book here: the the link.": "doubled word", "Hello. you are booked.": "lower case"}
    for text, what in bad.items():
        found = problems("x / refill_2 / email", {"subject": None, "body": text})
        check(any(what in p for p in found), f"{text!r} should be found ({what}): {found}")
    long_sms = {"subject": None, "body": "A" * 400 + ".", "sms_estimate": {"units": 401, "segments": 3,
                                                                            "encoding": "GSM-7"}}
    check(problems("x / refill_2 / sms", long_sms), "three segments on step 2")
    eq(problems("x / refill_1 / sms", long_sms), [], "step 1 may take three")


OLD_REFILL_2_SMS = ("Hi {{first_name}}, {{practice_name}} here: you are in the refresh window for your {{treatment_name}}. "
                    "{{incentive}} Book here: {{booking_link}} {{opt_out}}")


@test
def practices_keep_their_own_wording_and_untouched_defaults_take_the_new_one():
    from harness import psql
    s = shared()
    p = Practice(s)
    where = f"practice_id = '{p.id}' AND treatment_type = 'default' AND channel = 'sms'"
    new_refill_2 = psql(f"SELECT body FROM templates WHERE {where} AND step = 'refill_2'", db=s.db)
    # As a practice made before migration 0019 has them: the old default text, and one the practice edited.
    psql(f"UPDATE templates SET body = $$" + OLD_REFILL_2_SMS + f"$$ WHERE {where} AND step = 'refill_2'; "
         f"UPDATE templates SET body = 'Our own words. {{{{booking_link}}}}' WHERE {where} AND step = 'refill_3'; "
         f"SELECT refresh_default_templates('{p.id}')", db=s.db)
    eq(psql(f"SELECT body FROM templates WHERE {where} AND step = 'refill_2'", db=s.db), new_refill_2,
       "the old default takes the new wording")
    eq(psql(f"SELECT body FROM templates WHERE {where} AND step = 'refill_3'", db=s.db),
       "Our own words. {{booking_link}}", "an edited template is the practice's")
