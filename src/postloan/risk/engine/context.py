"""What every rule query can see: the connection, the as-of date, the thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from postloan.risk.engine.thresholds import Thresholds


@dataclass
class Ctx:
    con: object  # duckdb.DuckDBPyConnection
    as_of: date
    th: Thresholds
    available: set[str] = field(default_factory=set)  # inputs provided or derived

    @property
    def D(self) -> str:  # noqa: N802 - the as-of date as a SQL literal, read like the spec's D
        return sql_date(self.as_of)

    def days_before(self, n: int) -> str:
        return f"CAST({self.D} - INTERVAL {int(n)} DAY AS DATE)"

    def days_after(self, n: int) -> str:
        return f"CAST({self.D} + INTERVAL {int(n)} DAY AS DATE)"

    @property
    def last_complete_month(self) -> str:
        """First day of the latest calendar month fully elapsed on the as-of date."""
        return f"CAST(date_trunc('month', {self.D} + INTERVAL 1 DAY) - INTERVAL 1 MONTH AS DATE)"

    def run(self, sql: str) -> None:
        self.con.execute(sql)

    def table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")


def sql_date(value: date) -> str:
    return f"DATE '{value.isoformat()}'"


def num(value: Decimal | int) -> str:
    """An exact numeric SQL literal."""
    if isinstance(value, int):
        return str(value)
    return format(Decimal(value), "f")


def text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"
