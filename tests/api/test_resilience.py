"""Runtime behaviour: database restart, pool exhaustion, graceful stop, concurrent migrations."""
import os
import signal
import subprocess
import threading
import time

from harness import ADMIN_KEY, Practice, Server, check, eq, fresh_database, pg_ctl, psql, test


def hold_row_lock(db, table, row_id, seconds):
    """Holds a row lock from another session so a request touching the row waits."""
    sql = f"BEGIN; SELECT 1 FROM {table} WHERE id = '{row_id}' FOR UPDATE; SELECT pg_sleep({seconds}); COMMIT;"
    proc = subprocess.Popen(["psql", "-h", "127.0.0.1", "-p", os.environ["PGPORT"], "-U", "cadence", "-d", db,
                             "-X", "-q", "-c", sql], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 5
    while time.time() < deadline:  # wait until the lock is really held
        held = psql(f"SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    f"WHERE c.relname = '{table}' AND l.mode = 'RowShareLock' AND l.pid <> pg_backend_pid()", db=db)
        if int(held) > 0:
            return proc
        time.sleep(0.02)
    raise AssertionError("lock not taken")


@test
def survives_a_database_restart():
    s = Server()
    try:
        p = Practice(s)
        c = s.request("POST", "/v1/clients", {"first_name": "Ana"}, key=p.staff).json
        path = f"/v1/clients/{c['id']}"
        pg_ctl("stop")
        try:
            r = s.request("GET", path, key=p.staff)
            eq((r.status, r.error["code"]), (503, "database_unavailable"))
            eq(s.request("GET", "/readyz").status, 503)
            eq(s.request("GET", "/healthz").status, 200, "alive while the database is away")
        finally:
            pg_ctl("start")
        deadline, status = time.time() + 15, None
        while time.time() < deadline and status != 200:
            status = s.request("GET", path, key=p.staff).status
            time.sleep(0.1)
        eq(status, 200, "recovered without a restart")
        eq(s.request("GET", "/readyz").status, 200)
        check("cadence_db_reconnects_total 0" not in s.metrics(), "reconnect counted")
        eq(s.stop(), 0)
    finally:
        s.stop()


@test
def an_exhausted_pool_answers_503_busy():
    s = Server(env={"DB_POOL_SIZE": "1", "DB_ACQUIRE_TIMEOUT_MS": "300"})
    try:
        p = Practice(s)
        lock = hold_row_lock(s.db, "practices", p.id, 2)
        result = {}
        t = threading.Thread(target=lambda: result.update(
            r=s.request("PATCH", f"/v1/practices/{p.id}", {"name": "Slow"}, key=ADMIN_KEY)))
        t.start()
        time.sleep(0.5)  # the PATCH now holds the only connection, waiting for the lock
        r = s.request("GET", "/v1/clients", key=p.staff)
        eq((r.status, r.error["code"]), (503, "busy"))
        t.join()
        lock.wait()
        eq(result["r"].status, 200, "the waiting request completed")
        eq(s.request("GET", "/v1/clients", key=p.staff).status, 200, "served again once free")
        check("cadence_db_pool_timeouts_total 1" in s.metrics())
    finally:
        s.stop()


@test
def sigterm_finishes_in_flight_requests_then_exits_0():
    s = Server()
    p = Practice(s)
    lock = hold_row_lock(s.db, "practices", p.id, 1.5)
    result = {}
    t = threading.Thread(target=lambda: result.update(
        r=s.request("PATCH", f"/v1/practices/{p.id}", {"name": "Renamed"}, key=ADMIN_KEY)))
    t.start()
    time.sleep(0.4)
    t0 = time.time()
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    try:  # no new connections once stopping
        s.request("GET", "/healthz", timeout=2)
        refused = False
    except OSError:
        refused = True
    check(refused, "new connections are refused while draining")
    eq(s.proc.wait(15), 0, "exit code")
    t.join()
    lock.wait()
    eq(result["r"].status, 200, "the in-flight request got its answer")
    check(time.time() - t0 < 10, "stopped promptly")
    eq(psql(f"SELECT name FROM practices WHERE id = '{p.id}'", db=s.db), "Renamed", "and it was committed")


@test
def concurrent_starts_migrate_once():
    db = fresh_database()
    servers = [Server(db=db, wait=False) for _ in range(3)]
    try:
        for s in servers:
            s.wait_ready()
        eq(psql("SELECT count(*) FROM schema_migrations", db=db),
           str(len([f for f in os.listdir("service/sql/migrations") if f.endswith(".sql")])))
        logs = "".join(s.log() for s in servers)
        eq(logs.count('"migration applied"'), len([f for f in os.listdir("service/sql/migrations")
                                                   if f.endswith(".sql")]), "each migration applied by one process")
        eq(logs.count('"functions applied"'), 1, "the functions applied once, by one process")
    finally:
        for s in servers:
            s.stop()


@test
def each_function_of_the_schema_is_one_file_and_its_live_definition():
    """service/sql/functions holds every SQL function of the schema, one file each named after it; what runs
    is what the files say (a start applies them when they differ from the last applied, and only then)."""
    folder = os.path.join("service", "sql", "functions")
    files = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".sql"))
    s = Server()
    try:
        live = psql("SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p "
                    "WHERE p.pronamespace = 'public'::regnamespace AND NOT EXISTS "
                    "(SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')", db=s.db).split(",")
        eq(live, files, "the schema's functions are the files")
        for name in files:
            with open(os.path.join(folder, name + ".sql")) as f:
                check(f"FUNCTION {name}(" in f.read(), f"{name}.sql defines {name}")
        # A function changed behind the service's back is put back at the next start of a new version only:
        # the same version, with the same digest recorded, does not touch the schema again.
        psql("CREATE OR REPLACE FUNCTION default_incentive_text() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$",
             db=s.db)
    finally:
        s.stop()
    s = Server(db=s.db)
    try:
        check('"functions applied"' not in s.log(), "an unchanged set is not re-applied")
        eq(psql("SELECT default_incentive_text()", db=s.db), "x")
        psql("DELETE FROM schema_functions", db=s.db)
    finally:
        s.stop()
    s = Server(db=s.db)
    try:
        check('"functions applied"' in s.log(), "a different digest re-applies them all")
        check(psql("SELECT default_incentive_text()", db=s.db) != "x", "the file's definition is back")
    finally:
        s.stop()


@test
def bad_configuration_stops_startup_with_a_message():
    s = Server(env={"PORT": "99999"}, wait=False)
    code = s.proc.wait(10)
    eq(code, 2)
    check("PORT must be an integer" in s.log())
    s = Server(env={"DATABASE_URL": None}, wait=False)
    eq(s.proc.wait(10), 2)
    check("DATABASE_URL is required" in s.log())


@test
def a_statement_timeout_is_503_with_retry_after_not_500():
    s = Server(env={"DB_STATEMENT_TIMEOUT_MS": "300"})
    try:
        p = Practice(s)
        lock = hold_row_lock(s.db, "practices", p.id, 2)
        r = s.request("PATCH", f"/v1/practices/{p.id}", {"name": "Slow"}, key=ADMIN_KEY)
        eq((r.status, r.error["code"]), (503, "statement_timeout"))
        check(int(r.headers["retry-after"]) > 0, "Retry-After tells when")
        lock.wait()
        eq(s.request("PATCH", f"/v1/practices/{p.id}", {"name": "Fine"}, key=ADMIN_KEY).status, 200)
        check('"statement_timeout"' not in s.log() or "database statement timed out" in s.log(), "logged as such")
    finally:
        s.stop()


@test
def one_practice_cannot_take_every_analytics_slot_from_the_others():
    import psycopg2
    from harness import database_url
    s = Server(env={"ANALYTICS_CONCURRENCY": "2"})
    try:
        busy, other = Practice(s), Practice(s)
        # Two long analytics calls of `busy` are running (their slots held, as those calls hold them).
        conn = psycopg2.connect(database_url(s.db))
        cur = conn.cursor()
        for slot in (1, 2):
            cur.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (f"{busy.id}:analytics:{slot}",))
        for path in ("/v1/analytics/retention", "/v1/analytics/loyalty"):
            r = s.request("GET", path, key=busy.staff)
            eq((r.status, r.error["code"]), (429, "analytics_busy"), path)
            check(int(r.headers["retry-after"]) > 0)
            eq(s.request("GET", path, key=other.staff).status, 200, "another practice is served")
        r = s.request("POST", "/v1/analytics/reports", {}, key=busy.staff)
        eq(r.status, 429, "making a report counts too")
        cur.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (f"{busy.id}:analytics:2",))
        eq(s.request("GET", "/v1/analytics/retention", key=busy.staff).status, 200, "a slot free again")
        conn.close()
    finally:
        s.stop()


@test
def thousands_of_slow_or_idle_connections_from_one_address_leave_the_others_served():
    import resource
    import socket
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    s = Server()
    held = []
    stop = threading.Event()
    try:
        # 2,000 connections from 127.0.0.1: half idle, half sending a header line every second (slowloris).
        for i in range(2000):
            try:
                c = socket.create_connection(("127.0.0.1", s.port), timeout=2)
            except OSError:
                continue  # refused past the per-address limit: the point
            if i % 2:
                try:
                    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                except OSError:
                    pass
            held.append((c, i % 2))

        def drip():
            while not stop.wait(1):
                for c, slow in held:
                    if slow:
                        try:
                            c.sendall(b"X-Slow: 1\r\n")
                        except OSError:
                            pass
        threading.Thread(target=drip, daemon=True).start()
        # Requests from another address are answered (the attacker holds at most its per-address share).
        answered = 0
        for _ in range(20):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=5, source_address=("127.0.0.2", 0))
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answered += c.recv(64).startswith(b"HTTP/1.1 200")
            c.close()
        eq(answered, 20, "every request from 127.0.0.2 answered")
        check(s.proc.poll() is None, "the server is still up")
    finally:
        stop.set()
        for c, _ in held:
            c.close()
        s.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
