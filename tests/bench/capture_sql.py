"""Turns the statements PostgreSQL logged (log_statement = all) for one API
request into a pgbench script, so pgbench runs exactly the SQL the endpoint ran.

usage: capture_sql.py LOGFILE OFFSET > script.sql
Reads the log from byte OFFSET; prepared statements are written with their
parameters inlined as literals.
"""
import re
import sys

# Only lines of the service's own sessions (log_line_prefix carries %a = application_name).
EXEC = re.compile(r"\] cadence LOG:  (?:execute [^:]+|statement): (.*)$")
PARAMS = re.compile(r"\] cadence DETAIL:  parameters: (.*)$")


def parse_params(text):
    """'$1 = 'a''b', $2 = NULL' -> {1: "'a''b'", 2: "NULL"}"""
    out, i = {}, 0
    while i < len(text):
        m = re.match(r"\$(\d+) = ", text[i:])
        if not m:
            raise ValueError(f"cannot parse parameters at {text[i:i + 40]!r}")
        n, i = int(m.group(1)), i + m.end()
        if text.startswith("NULL", i):
            out[n], i = "NULL", i + 4
        else:
            j = i + 1
            while True:
                j = text.index("'", j)
                if text.startswith("''", j):
                    j += 2
                    continue
                break
            out[n], i = text[i:j + 1], j + 1
        if text.startswith(", ", i):
            i += 2
    return out


def inline(sql, params):
    # Longest numbers first so $1 does not eat $10; a space keeps pgbench from reading ':name'.
    for n in sorted(params, reverse=True):
        sql = sql.replace(f"${n}", params[n])
    return sql


UUID = re.compile(r"'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'")


def protect_colons(sql):
    """pgbench reads ':name' as a variable even inside a string literal, so a
    literal holding a colon is written as an escape string with the colon as
    \\x3a: 'a:b' -> E'a\\x3ab', the same untyped constant to PostgreSQL."""
    def fix(m):
        body = m.group(0)[1:-1]
        if ":" not in body:
            return m.group(0)
        return "E'" + body.replace("\\", "\\\\").replace(":", "\\x3a") + "'"
    return re.sub(r"(?<![A-Za-z0-9_])'(?:[^']|'')*'", fix, sql)


def link_returned_ids(statements):
    """A row id an INSERT ... RETURNING id makes is new in every run: the first
    uuid not seen before such an INSERT is that id, so it becomes a pgbench
    variable (set by \\gset) in the statements that follow."""
    seen, subst, pending, out = set(), {}, [], []
    for sql in statements:
        for u in UUID.findall(sql):
            if u in seen or u in subst:
                continue
            if pending:
                i = pending.pop(0)
                out[i] += f" \\gset v{i}_"
                subst[u] = f":v{i}_id"
            else:
                seen.add(u)
        for u, var in subst.items():
            sql = sql.replace(f"'{u}'", var)
        if re.match(r"\s*INSERT\b", sql, re.I) and re.search(r"RETURNING (\w+\.)?id\b", sql):
            pending.append(len(out))
        out.append(sql)
    return out


def main():
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        f.seek(int(sys.argv[2]))
        lines = f.read().splitlines()
    statements = []
    for line in lines:
        m = EXEC.search(line)
        if m:
            statements.append([m.group(1), {}])
            continue
        m = PARAMS.search(line)
        if m and statements:
            statements[-1][1] = parse_params(m.group(1))
    texts = [protect_colons(inline(sql, params)).rstrip(";") for sql, params in statements]
    for text in link_returned_ids(texts):
        print(text if text.endswith("_") else text + ";")


if __name__ == "__main__":
    main()
