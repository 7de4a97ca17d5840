"""Exit 0 when the PostgreSQL server in the given URL answers, 1 otherwise (used by `make test`)."""

import sys

import psycopg

url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/test"
try:
    with psycopg.connect(url, connect_timeout=3) as conn:
        conn.execute("SELECT 1")
except Exception as exc:  # any failure means "not reachable" for the optional PG pass
    print(f"PostgreSQL not reachable: {exc.__class__.__name__}", file=sys.stderr)
    sys.exit(1)
sys.exit(0)
