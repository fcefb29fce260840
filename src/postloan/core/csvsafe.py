"""Formula-safe CSV: every CSV the product writes for a person goes through here.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula (and Excel also
after a leading tab or carriage return), so a customer name or an import's bad value such as
`=HYPERLINK("http://…")` or `=cmd|' /C calc'!A0` in a downloaded CSV would be executed on the
reader's desk. Such a text is written with a leading apostrophe (`'=…`), which Excel shows as
the text itself (OWASP, "CSV Injection"). A plain number such as `-1200.50` is a number, not a
formula, and is left as it is; so are values that are not text (Decimal, int, dates).

    writer(out)                csv.writer whose writerow/writerows escape every text cell
    escape(value)              one value
    duckdb_escape(expression)  the same rule as a DuckDB SQL expression (COPY … TO)
"""

from __future__ import annotations

import csv
import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*)(?:\.\d+)?\Z")


def escape(value):
    """`value`, with a leading apostrophe if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, inner) -> None:
        self._inner = inner

    def writerow(self, row):
        return self._inner.writerow([escape(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)

    @property
    def dialect(self):
        return self._inner.dialect


def writer(out, **kwargs) -> _SafeWriter:
    """`csv.writer(out, **kwargs)` whose rows are escaped cell by cell."""
    return _SafeWriter(csv.writer(out, **kwargs))


def duckdb_escape(expression: str) -> str:
    """A DuckDB SQL expression (VARCHAR) with the same escape applied, for `COPY … TO` files."""
    return (
        f"CASE WHEN regexp_matches({expression}, '^[=+\\-@\\t\\r]')"
        f" AND NOT regexp_matches({expression}, '^[+-]?\\d[\\d,]*(\\.\\d+)?$')"
        f" THEN '''' || {expression} ELSE {expression} END"
    )
