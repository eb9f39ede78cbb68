"""CSV imports of treatments: streamed uploads, per-line refusals, the same
visits as webhooks record them, progress polled, cancel, and nothing kept
from an upload that is refused or never completes."""
import datetime as dt
import socket
import time

from harness import check, eq, psql, test
from test_dispatch import fakes, practice, server, wait_for


def upload(s, p, text, **kw):
    data = text.encode() if isinstance(text, str) else text
    return s.request("POST", "/v1/imports/treatments", raw=data, key=p.integration, content_type="text/csv", **kw)


def finished(s, p, import_id):
    return wait_for("the import to finish", lambda: (lambda r: r if r["state"] in ("done", "cancelled") else None)(
        s.request("GET", f"/v1/imports/{import_id}", key=p.staff).json), timeout=60)


def imports_kept(s):
    return int(psql("SELECT count(*) FROM imports", db=s.db)), int(psql("SELECT count(*) FROM import_rows", db=s.db))


@test
def a_csv_import_records_visits_and_refuses_bad_lines_by_line_and_column():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        day = (dt.date.today() - dt.timedelta(days=40)).isoformat()
        us_day = (dt.date.today() - dt.timedelta(days=30)).strftime("%m/%d/%Y")
        csv = (
            "Client ID,First Name,Phone,SMS Consent,Performed At,Treatment,Units,Price,Visit ID,Injector,Room\r\n"
            f"C-1,Ana,(555) 100-0001,yes,{day},Botox Cosmetic,20,$280.00,V-1,Dr. Rivera,2\r\n"  # 2: created
            f"C-2,Bo,555-100-0002,no,{us_day} 14:30,lip_filler,,650,V-2,,1\r\n"                  # 3: created
            "C-3,Cy,,,2026-02-30,botox,,,V-3,,1\r\n"                                            # 4: bad date
            f"C-4,Di,,,{day},Mystery Peel,,,V-4,,1\r\n"                                         # 5: unmapped
            f",Ed,,,{day},botox,,,V-5,,1\r\n"                                                   # 6: no client_id
            f"C-6,\"Fa, Jr.\",,,{day},botox,-3,,V-6,,1\r\n"                                      # 7: bad units
            f"C-7,\"Two\nLines\",,,{day},botox,,,V-7,,1\r\n"                                     # 8-9: created
            f"C-8,Gi,,,{day},botox,1,,\"V-8,,1\r\n")                                             # 10: bad quotes
        r = upload(s, p, csv)
        eq((r.status, r.json["rows_received"]), (202, 8), str(r))
        done = finished(s, p, r.json["id"])
        eq((done["state"], done["rows_processed"], done["treatments_created"], done["duplicates"], done["refused"]),
           ("done", 8, 3, 0, 5))
        eq([(x["line"], x["field"]) for x in done["refusals"]],
           [(4, "performed_at"), (5, "treatment"), (6, "client_id"), (7, "units"), (10, None)])
        check("Mystery Peel" in done["refusals"][1]["reason"], done["refusals"][1]["reason"])
        ana = s.request("GET", "/v1/clients?q=Ana", key=p.staff).json["data"][0]
        eq((ana["phone"], ana["consents"]["sms"], ana["external_ids"]),
           ("+15551000001", True, [{"system": "import", "id": "C-1"}]))
        t = s.request("GET", f"/v1/treatments?client_id={ana['id']}", key=p.staff).json["data"][0]
        eq((t["source"], t["external_id"], t["items"][0]["type"], t["items"][0]["units"], t["items"][0]["price_cents"]),
           ("csv", "V-1:Botox Cosmetic", "botox", 20, 28000))
        steps = s.request("GET", f"/v1/clients/{ana['id']}/reminders", key=p.staff).json["data"]
        check(any(q["kind"] == "refill" for q in steps), "the imported visit plans its reminders")
        unmapped = s.request("GET", "/v1/integrations/unmapped", key=p.staff).json["data"]
        eq([(u["vendor"], u["name"]) for u in unmapped], [("csv", "Mystery Peel")])
        eq(psql(f"SELECT count(*) FROM clients WHERE practice_id = '{p.id}'", db=s.db), "3",
           "refused lines create no client")
        # The same export again: every visit is found by its visit id; nothing new.
        again = finished(s, p, upload(s, p, csv).json["id"])
        eq((again["treatments_created"], again["duplicates"], again["refused"]), (0, 3, 5))
        eq(imports_kept(s)[1], 0, "rows are deleted once applied")
        other = practice(s)
        eq(s.request("GET", f"/v1/imports/{r.json['id']}", key=other.staff).status, 404)
    finally:
        s.stop()


@test
def a_refused_or_broken_upload_keeps_nothing():
    f = fakes()
    s = server(f, IMPORT_MAX_BYTES="4096")
    try:
        p = practice(s)
        r = upload(s, p, "client_id,performed_at,units\nC-1,2026-01-05,3\n")
        eq((r.status, r.error["details"]["field"]), (422, "treatment"))
        r = upload(s, p, "")
        eq((r.status, r.error["details"]["field"]), (422, "header"))
        r = s.request("POST", "/v1/imports/treatments", body={"rows": []}, key=p.staff)
        eq(r.status, 415)
        r = upload(s, p, "client_id,performed_at,treatment,price\nC-1,2026-01-05,botox,1e400\n")
        eq(r.status, 202)
        bad = finished(s, p, r.json["id"])
        eq(([(x["line"], x["field"]) for x in bad["refusals"]], bad["treatments_created"]), ([(2, "price")], 0),
           "an absurd price is refused, not converted")
        big = "client_id,performed_at,treatment\n" + "C-1,2026-01-05,botox\n" * 400
        eq(upload(s, p, big).status, 413, "over IMPORT_MAX_BYTES")
        eq(upload(s, p, (x.encode() for x in big.splitlines(True))).status, 413, "chunked, over the limit")
        # A client that goes away mid-upload.
        sock = socket.create_connection(("127.0.0.1", s.port))
        sock.sendall(f"POST /v1/imports/treatments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {p.staff}\r\n"
                     "Content-Type: text/csv\r\nContent-Length: 3000\r\n\r\n"
                     "client_id,performed_at,treatment\nC-1,2026-01-05,botox\n".encode())
        time.sleep(0.3)
        sock.close()
        wait_for("the abandoned upload discarded", lambda: imports_kept(s) == (1, 0))  # the one finished above
        eq(s.request("GET", "/healthz").status, 200)
    finally:
        s.stop()


@test
def a_100k_line_export_streams_in_and_can_be_followed_and_cancelled():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        day = (dt.date.today() - dt.timedelta(days=20)).isoformat()

        def lines():  # generated as it is sent: the test holds no file either
            yield b"client_id,first_name,performed_at,treatment,visit_id\n"
            yield f"C-0,Bad,{day},Unknown Thing,V-0\n".encode()  # line 2: refused
            yield b"C-1,Bad,yesterday,botox,V-1\n"                 # line 3: refused
            for start in range(2, 100_000, 1000):
                yield "".join(f"C-{i},Row{i},{day},botox,V-{i}\n" for i in range(start, min(start + 1000, 100_000))
                              ).encode()

        r = upload(s, p, lines(), timeout=120)
        eq((r.status, r.json["rows_received"]), (202, 100_000), str(r))
        imp = r.json["id"]
        seen = wait_for("progress", lambda: (lambda x: x if x["rows_processed"] >= 200 else None)(
            s.request("GET", f"/v1/imports/{imp}", key=p.staff).json), timeout=60)
        eq(seen["state"], "running")
        eq([(x["line"], x["field"]) for x in seen["refusals"]], [(2, "treatment"), (3, "performed_at")])
        check(seen["treatments_created"] >= 150, str(seen))
        c = s.request("DELETE", f"/v1/imports/{imp}", key=p.staff)
        eq((c.status, c.json["state"]), (200, "cancelled"))
        eq(s.request("DELETE", f"/v1/imports/{imp}", key=p.staff).status, 409)
        time.sleep(0.5)
        final = s.request("GET", f"/v1/imports/{imp}", key=p.staff).json
        check(final["state"] == "cancelled" and final["rows_processed"] < 100_000, str(final))
        eq(imports_kept(s)[1], 0, "a cancelled import's rows are dropped")
    finally:
        s.stop()


@test
def one_bad_byte_costs_its_line_and_a_declared_charset_is_read():
    f = fakes()
    s = server(f)
    try:
        p = practice(s)
        day = (dt.date.today() - dt.timedelta(days=30)).isoformat()
        head = b"client_id,first_name,last_name,performed_at,treatment,notes\r\n"
        body = (head
                + f"C-1,Ana,Ok,{day},botox,fine\r\n".encode()               # 2: created
                + f"C-2,Bo,Bad\xff,{day},botox,\r\n".encode("latin-1")       # 3: not UTF-8 in last_name
                + f"C-3,Cy,Ok,{day},botox,a\x00b\r\n".encode()              # 4: a NUL in notes
                + f"C-4,Di,\"Two \xc3\",{day},botox,\r\n".encode("latin-1")  # 5: a cut sequence, quoted
                + f"C-5,Ed,Ok,{day},botox,\r\n".encode())                   # 6: created
        r = upload(s, p, body)
        eq((r.status, r.json["rows_received"]), (202, 5), str(r))
        done = finished(s, p, r.json["id"])
        eq((done["treatments_created"], done["refused"]), (2, 3))
        eq([(x["line"], x["field"]) for x in done["refusals"]], [(3, "last_name"), (4, "notes"), (5, "last_name")])
        check("not text" in done["refusals"][0]["reason"], done["refusals"][0]["reason"])
        eq(psql(f"SELECT count(*) FROM clients WHERE practice_id = '{p.id}'", db=s.db), "2")
        # A relay retrying the same upload gets the same answer, not a 503 forever.
        again = finished(s, p, upload(s, p, body).json["id"])
        eq((again["treatments_created"], again["duplicates"], again["refused"]), (0, 2, 3), str(again))
        # Bad bytes in the header refuse the upload, naming it.
        r = upload(s, p, b"client_id,performed_at,treat\xffment\n")
        eq((r.status, r.error["details"]["field"]), (422, "header"))

        # A Windows export: é is 0xE9, the curly apostrophe 0x92 and the trademark sign 0x99 in windows-1252.
        cp = (b"client_id,first_name,last_name,performed_at,treatment\r\n"
              + f"W-1,Jos\xe9,O\x92Brien,{day},Botox\x99 Cosmetic\r\n".encode("latin-1"))
        r = s.request("POST", "/v1/imports/treatments", raw=cp, key=p.integration,
                      content_type="text/csv; charset=windows-1252")
        eq(r.status, 202, str(r))
        eq((finished(s, p, r.json["id"])["treatments_created"]), 1)
        c = s.request("GET", "/v1/clients?q=W-1", key=p.staff).json["data"]
        c = [x for x in s.request("GET", "/v1/clients?limit=100", key=p.staff).json["data"]
             if x["external_ids"] == [{"system": "import", "id": "W-1"}]]
        eq([(x["first_name"], x["last_name"]) for x in c], [("José", "O\u2019Brien")])
        # Latin-1 reads the same é; a charset Cadence does not read is refused before anything is kept.
        r = s.request("POST", "/v1/imports/treatments", key=p.integration, content_type='text/csv; charset="ISO-8859-1"',
                      raw=f"client_id,first_name,performed_at,treatment\nL-1,Ren\xe9e,{day},botox\n".encode("latin-1"))
        eq(r.status, 202, str(r))
        eq(finished(s, p, r.json["id"])["treatments_created"], 1)
        kept = imports_kept(s)
        r = s.request("POST", "/v1/imports/treatments", raw=cp, key=p.integration,
                      content_type="text/csv; charset=shift_jis")
        eq((r.status, r.error["details"]["field"]), (415, "charset"))
        eq(imports_kept(s), kept, "nothing kept from a refused charset")
    finally:
        s.stop()
