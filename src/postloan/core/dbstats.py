"""Keeping the query planner's statistics current after bulk writes (imports, screenings).

Without statistics SQLite picks indexes by shape alone and can sort a whole table where a
matching index would stop after a page (the 检查 inbox did, at scale M). `refresh()` runs a
sampled `ANALYZE` on SQLite (`analysis_limit`: a few hundred rows per index, well under a
second even for tens of millions of rows) and `ANALYZE` of the given tables on PostgreSQL
(which samples too). Call it once the write has committed.
"""

from __future__ import annotations

from django.db import connection

SQLITE_ANALYSIS_LIMIT = 400  # rows sampled per index


def refresh(tables: list[str] | tuple[str, ...] = ()) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            for table in tables or [""]:
                cur.execute(f"ANALYZE {quote(table)}" if table else "ANALYZE")
        elif connection.vendor == "postgresql":
            for table in tables:
                cur.execute(f"ANALYZE {quote(table)}")
