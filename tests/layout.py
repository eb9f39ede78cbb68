"""Checks that the repository keeps the layout README "Layout" describes: every route's code is found from
its URL by file name (api/<a segment of the URL>.c, api/webhooks_<vendor>.c, api/ops.c outside /v1), and
that file's head comment names the route; SQL text is only in service/db/queries and service/sql; only the
db layer includes libpq-fe.h. Prints "layout: N passed, N failed"."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
passed = failed = 0


def result(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)


routes = re.findall(r'\{"([A-Z]+)",\s*"([^"]+)",\s*([a-z_0-9]+)', open(os.path.join(ROOT, "api", "routes.c")).read())
defined = {}
for name in os.listdir(os.path.join(ROOT, "api")):
    if name.endswith(".c"):
        text = open(os.path.join(ROOT, "api", name)).read()
        for fn in re.findall(r"^void ([a-z_0-9]+)\(http_req \*r\) \{", text, re.M):
            defined[fn] = (name[:-2], text[:text.index("*/")])
for method, path, handler in routes:
    stem, head = defined.get(handler, (None, ""))
    segments = [s.replace("-", "_") for s in path.split("/") if s and not s.startswith("{")]
    if path == "/app" or path.startswith("/app/"):
        expected = {"console"}
    elif not path.startswith("/v1/"):
        expected = {"ops"}
    elif path.startswith("/v1/webhooks/"):
        expected = {"webhooks_" + segments[2]}
    else:
        expected = {s for seg in segments[1:] for s in (seg, seg + "s", seg.rstrip("s"))}
    result(stem in expected, f"{method} {path}: {handler} is in api/{stem}.c, not a file named after the URL "
                             f"({', '.join(sorted(expected))})")
    # The head comment names the route: its path, or its last part after a path it named before.
    tail = path.rsplit("/", 1)[-1]
    result(path in head or f"/{tail}" in head or tail in head,
           f"{method} {path}: not named in the head comment of api/{stem}.c")
# SQL text lives in service/db/queries (statements) and service/sql (functions, migrations): a string
# literal with a statement in it anywhere else fails, transaction control (BEGIN, SAVEPOINT, ...) aside.
SQL = re.compile(r'"[^"\n]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|WITH [a-z_]+ AS \()')
for folder in ("service/domain", "service/jobs", "service/http", "service/util", "api"):
    for name in sorted(os.listdir(os.path.join(ROOT, folder))):
        if name.endswith(".c"):
            text = open(os.path.join(ROOT, folder, name)).read()
            hits = [m.group(0)[:60] for m in SQL.finditer(text)]
            result(not hits, f"{folder}/{name} holds SQL text ({hits[:1]}); statements go in service/db/queries/")
# Only the db layer includes libpq's header.
for folder, _, names in os.walk(ROOT):
    rel = os.path.relpath(folder, ROOT)
    if rel.split(os.sep)[0] in ("service", "include", "api"):
        for name in names:
            if name.endswith((".c", ".h")) and "libpq-fe.h" in open(os.path.join(folder, name)).read():
                result(rel in ("service/db", "include/db"), f"{rel}/{name} includes libpq-fe.h outside the db layer")
print(f"layout: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
