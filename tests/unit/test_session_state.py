"""The gateway's pool gives connections back without asyncpg's reset query
(services/gateway/reading/read_pool.py), which is right only while no gateway code leaves state in a
PostgreSQL session: a setting changed without LOCAL, a session-level advisory lock, LISTEN, a cursor
declared or a statement prepared by hand, a temporary table, a listener on the connection."""
from __future__ import annotations

import re
from pathlib import Path

GATEWAY = Path(__file__).resolve().parents[2] / "services" / "gateway"
SESSION_STATE = [
    (re.compile(r"""["']\s*SET\s+(?!LOCAL\b)\w[\w.]*\s*(TO\b|=)"""), "a setting changed for the session (not SET LOCAL)"),
    (re.compile(r"\bset_config\s*\(", re.I), "set_config (session-wide unless is_local)"),
    (re.compile(r"\bpg_(try_)?advisory_(un)?lock(_shared)?\s*\(", re.I), "a session-level advisory lock"),
    (re.compile(r"""["']\s*(UN)?LISTEN\b""", re.I), "LISTEN"),
    (re.compile(r"""["']\s*(DECLARE|PREPARE)\b""", re.I), "a cursor or statement made by hand"),
    (re.compile(r"\bCREATE\s+TEMP(ORARY)?\b", re.I), "a temporary table"),
    (re.compile(r"\.add_(log_)?listener\s*\("), "a listener on the connection"),
]


def test_no_gateway_code_leaves_state_in_a_session():
    found = []
    for path in sorted(GATEWAY.rglob("*.py")):
        if path.name == "read_pool.py":
            continue  # it names what it does not undo
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in SESSION_STATE:
                if pattern.search(line):
                    found.append(f"{path.relative_to(GATEWAY)}:{number}: {what}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_check_sees_what_it_looks_for():
    samples = ['"SET synchronous_commit TO off"', "f'SET search_path = {schema}'", "'LISTEN course_events'", "SELECT pg_advisory_lock(1)",
               "'DECLARE c CURSOR FOR SELECT 1'", "CREATE TEMP TABLE t (x int)", "conn.add_listener('c', f)",
               "SELECT set_config('a.b', 'c', false)"]
    allowed = ['"SET LOCAL synchronous_commit TO off"', "SELECT pg_advisory_xact_lock(hashtext($1))",
               '"UPDATE x SET a = 1"', "ON CONFLICT DO UPDATE SET title = EXCLUDED.title"]
    seen = lambda line: any(p.search(line) for p, _ in SESSION_STATE)  # noqa: E731
    assert all(seen(s) for s in samples)
    assert not any(seen(a) for a in allowed)
