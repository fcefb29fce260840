"""个贷批量监管: vintage curves (账龄分析) and roll rates (迁徙率) of the retail portfolio, set-based
in DuckDB.

The loans are the retail customers' loans (`customers.type = retail`); the instalments read are
only those ever late (paid after their due date, or not yet paid) — the rest never make a loan
past due. The big `repayments` come from the analytical copy when there is one (the screening's
source), else from the database (`risk.snapshot_io`: COPY / the sqlite3 shell / the cursor).

Days past due at a month end E: E − the earliest due date of an instalment due by E and not
fully paid by E (`paid_off_date` empty or later than E); 0 when there is none. The month ends
are those of the last `MONTHS` months up to the as-of date (the as-of date itself for its own
month).

Vintage (账龄分析): a cohort is the loans originated in one calendar quarter; months on book
(MOB) at E = whole months from the origination month to E's month. Its 30+ (90+) rate at MOB m
= the 发放金额 of its loans 30+ (90+) days past due at that month end ÷ the cohort's 发放金额
(金额口径), with the loan count beside it.

Roll rates (迁徙率): each loan's bucket at consecutive month ends — M0 未逾期, M1 1–30天,
M2 31–60天, M3+ 61天以上, 结清 (no longer outstanding: matured and fully paid) — counted from one
month end to the next, as a share of the loans in the starting bucket.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext_lazy

from postloan.analytics import store
from postloan.risk import copy
from postloan.risk.snapshot_io import bounded_duckdb, load_all

MONTHS = 36
BUCKETS = ("M0", "M1", "M2", "M3+")
BUCKET_LABELS = {
    "M0": gettext_lazy("M0 未逾期"),
    "M1": gettext_lazy("M1 逾期1–30天"),
    "M2": gettext_lazy("M2 逾期31–60天"),
    "M3+": gettext_lazy("M3+ 逾期61天以上"),
    "closed": gettext_lazy("结清"),
}
TO_STATES = (*BUCKETS, "closed")


@dataclass(frozen=True)
class Filters:
    product: str = ""
    branch_path: str = ""  # the unit's materialised path; "" = the whole bank


@dataclass
class VintagePoint:
    mob: int
    loans: int
    amount: int  # fen: the cohort's 发放金额
    dpd30_amount: int
    dpd90_amount: int
    dpd30_loans: int
    dpd90_loans: int

    @property
    def rate30(self) -> Decimal | None:
        return _rate(self.dpd30_amount, self.amount)

    @property
    def rate90(self) -> Decimal | None:
        return _rate(self.dpd90_amount, self.amount)


@dataclass
class Cohort:
    key: str  # 2025Q3
    loans: int
    amount: int
    points: list[VintagePoint] = field(default_factory=list)

    @property
    def amount_yuan(self) -> Decimal:
        return Decimal(self.amount) / 100

    def at(self, mob: int) -> VintagePoint | None:
        for p in self.points:
            if p.mob == mob:
                return p
        return None


@dataclass
class RollMatrix:
    month: dt.date  # the later month end
    counts: dict = field(default_factory=dict)  # (from, to) -> loans
    amounts: dict = field(default_factory=dict)  # (from, to) -> 发放金额 fen

    def rows(self):
        for a in BUCKETS:
            n = sum(self.counts.get((a, b), 0) for b in TO_STATES)
            yield {
                "from": a,
                "label": str(BUCKET_LABELS[a]),
                "loans": n,
                "cells": [
                    (self.counts.get((a, b), 0), _rate(self.counts.get((a, b), 0), n))
                    for b in TO_STATES
                ],
            }

    def rate(self, a: str, b: str) -> Decimal | None:
        n = sum(self.counts.get((a, x), 0) for x in TO_STATES)
        return _rate(self.counts.get((a, b), 0), n)


@dataclass
class RetailBatch:
    as_of: dt.date
    filters: Filters
    cohorts: list[Cohort] = field(default_factory=list)
    rolls: list[RollMatrix] = field(default_factory=list)  # oldest first
    loans: int = 0

    def roll(self, month: dt.date | None = None) -> RollMatrix | None:
        if not self.rolls:
            return None
        if month is None:
            return self.rolls[-1]
        for r in self.rolls:
            if (r.month.year, r.month.month) == (month.year, month.month):
                return r
        return None

    @property
    def max_mob(self) -> int:
        return max((p.mob for c in self.cohorts for p in c.points), default=0)

    def chart_data(self) -> dict:
        """The vintage curves (30+ rate by MOB per cohort) and the M0→M1 / M1→M2 / M2→M3+
        roll-rate series, for ECharts and the documents."""
        mobs = list(range(0, self.max_mob + 1))
        return {
            "mobs": mobs,
            "cohorts": [
                {
                    "name": c.key,
                    "rate30": [_pct(c.at(m).rate30) if c.at(m) else None for m in mobs],
                    "rate90": [_pct(c.at(m).rate90) if c.at(m) else None for m in mobs],
                }
                for c in self.cohorts
            ],
            "months": [f"{r.month:%Y-%m}" for r in self.rolls],
            "rolls": {
                f"{a}→{b}": [_pct(r.rate(a, b)) for r in self.rolls]
                for a, b in (("M0", "M1"), ("M1", "M2"), ("M2", "M3+"))
            },
        }


def _rate(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def _pct(v: Decimal | None) -> float | None:
    return None if v is None else float(v * 100)


def _month_ends(as_of: dt.date, months: int) -> list[dt.date]:
    out = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        out.append(nxt - dt.timedelta(days=1))
    return sorted(out)


def _reads(as_of: dt.date) -> dict[str, tuple[str, list]]:
    q = connection.ops.quote_name
    retail = (
        f"SELECT l.loan_id FROM {q('loans')} l JOIN {q('customers')} c"
        f" ON c.customer_id = l.customer_id WHERE c.type = 'retail'"
    )
    loans = (
        f"SELECT l.loan_id, l.product, l.principal, l.start_date, l.maturity_date, l.status,"
        f" b.path AS branch_path FROM {q('loans')} l"
        f" JOIN {q('customers')} c ON c.customer_id = l.customer_id"
        f" JOIN {q('branches')} b ON b.branch_code = c.branch_code"
        f" WHERE c.type = 'retail' AND l.start_date <= %s"
    )
    late = (
        f"SELECT r.loan_id, r.due_date, r.paid_off_date FROM {q('repayments')} r"
        f" WHERE r.due_date <= %s AND (r.paid_off_date IS NULL OR r.paid_off_date > r.due_date)"
        f" AND r.loan_id IN ({retail})"
    )
    return {"retail_loans": (loans, [as_of]), "late": (late, [as_of])}


TYPES = {
    "retail_loans": {"principal": "BIGINT", "start_date": "DATE", "maturity_date": "DATE"},
    "late": {"due_date": "DATE", "paid_off_date": "DATE"},
}


def _load(con, as_of: dt.date) -> None:
    reads = _reads(as_of)
    manifest = copy.current_for_screening()
    if manifest is not None:
        load_all(con, connection, {"retail_loans": reads["retail_loans"]}, types=TYPES)
        store.attach(con, manifest)
        con.execute(f"""
            CREATE TABLE late AS SELECT r.loan_id, r.due_date, r.paid_off_date
            FROM copy_repayments r SEMI JOIN retail_loans l ON l.loan_id = r.loan_id
            WHERE r.due_date <= DATE '{as_of.isoformat()}'
              AND (r.paid_off_date IS NULL OR r.paid_off_date > r.due_date)
        """)
    else:
        load_all(con, connection, reads, types=TYPES)
    for t, cols in TYPES.items():  # the cursor path leaves SQLite's text dates as text
        casts = ", ".join(f"CAST({c} AS {ty}) AS {c}" for c, ty in cols.items())
        con.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT * REPLACE ({casts}) FROM {t}")


def _grid_sql(as_of: dt.date, filters: Filters, months: int) -> str:
    ends = ", ".join(f"DATE '{d.isoformat()}'" for d in _month_ends(as_of, months))
    where = ["TRUE"]
    if filters.product:
        where.append(f"l.product = '{filters.product.replace(chr(39), '')}'")
    if filters.branch_path:
        where.append(f"starts_with(l.branch_path, '{filters.branch_path.replace(chr(39), '')}')")
    return f"""
        CREATE OR REPLACE TABLE grid AS
        WITH e AS (SELECT unnest([{ends}]) AS month_end),
        g AS (
            SELECT l.loan_id, l.principal, l.start_date, l.maturity_date, e.month_end,
                   (year(e.month_end) - year(l.start_date)) * 12
                     + month(e.month_end) - month(l.start_date) AS mob
            FROM retail_loans l JOIN e ON e.month_end >= l.start_date
            WHERE {" AND ".join(where)}
        ),
        d AS (
            SELECT g.loan_id, g.month_end, min(r.due_date) AS first_unpaid
            FROM g JOIN late r ON r.loan_id = g.loan_id AND r.due_date <= g.month_end
             AND (r.paid_off_date IS NULL OR r.paid_off_date > g.month_end)
            GROUP BY g.loan_id, g.month_end
        )
        SELECT g.*, coalesce(date_diff('day', d.first_unpaid, g.month_end), 0) AS dpd,
               d.first_unpaid IS NULL AND g.maturity_date <= g.month_end AS closed
        FROM g LEFT JOIN d USING (loan_id, month_end)
    """


def loaded(as_of: dt.date):
    """A DuckDB connection holding the retail loans and their late instalments as of `as_of`
    (to compute several batches from one read)."""
    con = bounded_duckdb()
    _load(con, as_of)
    return con


def retail_batch(
    as_of: dt.date, filters: Filters | None = None, months: int = MONTHS, con=None
) -> RetailBatch:
    """Vintage curves and roll rates of the retail loans as of `as_of` under `filters`; `con`
    from `loaded(as_of)` to reuse one read."""
    filters = filters or Filters()
    result = RetailBatch(as_of, filters)
    own = con is None
    con = loaded(as_of) if own else con
    try:
        con.execute(_grid_sql(as_of, filters, months))
        first_cohort = _month_ends(as_of, months)[0].replace(day=1)
        cohort_key = (
            "CAST(year(start_date) AS VARCHAR) || 'Q' || CAST(quarter(start_date) AS VARCHAR)"
        )
        sizes = {
            k: (n, a)
            for k, n, a in con.execute(f"""
                SELECT {cohort_key}, count(*), sum(principal) FROM retail_loans l
                WHERE start_date >= DATE '{first_cohort.isoformat()}'
                  AND loan_id IN (SELECT DISTINCT loan_id FROM grid)
                GROUP BY 1
            """).fetchall()
        }
        points = con.execute(f"""
            SELECT {cohort_key} AS cohort, mob,
                   sum(principal) FILTER (WHERE dpd >= 30), sum(principal) FILTER (WHERE dpd >= 90),
                   count(*) FILTER (WHERE dpd >= 30), count(*) FILTER (WHERE dpd >= 90)
            FROM grid WHERE start_date >= DATE '{first_cohort.isoformat()}'
            GROUP BY 1, 2 ORDER BY 1, 2
        """).fetchall()
        by_cohort: dict[str, list[VintagePoint]] = defaultdict(list)
        for key, mob, a30, a90, n30, n90 in points:
            n, amount = sizes[key]
            by_cohort[key].append(
                VintagePoint(int(mob), n, int(amount), int(a30 or 0), int(a90 or 0), n30, n90)
            )
        # A cohort's points run to the latest month end; a quarter not yet over is still partial.
        result.cohorts = [
            Cohort(k, sizes[k][0], int(sizes[k][1]), by_cohort[k]) for k in sorted(by_cohort)
        ]
        bucket = """CASE WHEN closed THEN 'closed' WHEN dpd = 0 THEN 'M0' WHEN dpd <= 30 THEN 'M1'
                    WHEN dpd <= 60 THEN 'M2' ELSE 'M3+' END"""
        rows = con.execute(f"""
            WITH b AS (SELECT loan_id, month_end, principal, {bucket} AS state,
                              lag({bucket}) OVER (PARTITION BY loan_id ORDER BY month_end) AS before
                       FROM grid)
            SELECT month_end, before, state, count(*), sum(principal) FROM b
            WHERE before IS NOT NULL AND before <> 'closed'
            GROUP BY 1, 2, 3 ORDER BY 1
        """).fetchall()
        rolls: dict[dt.date, RollMatrix] = {}
        for month_end, before, state, n, amount in rows:
            m = rolls.setdefault(month_end, RollMatrix(month_end))
            m.counts[(before, state)] = n
            m.amounts[(before, state)] = int(amount)
        result.rolls = [rolls[k] for k in sorted(rolls)][-12:]
        result.loans = con.execute("SELECT count(DISTINCT loan_id) FROM grid").fetchone()[0]
    finally:
        if own:
            con.close()
    return result


@dataclass
class VintageBreach:
    product: str
    cohort: str
    mob: int
    rate: Decimal
    baseline: Decimal
    loans: int


def worse_vintages(batch: RetailBatch, worse_by: Decimal, min_loans: int) -> list[VintageBreach]:
    """Cohorts whose 30+ rate at some MOB exceeds the average of the earlier cohorts' rates at
    the same MOB by more than `worse_by` (the latest such MOB reported); small cohorts
    (fewer than `min_loans` loans) are left out, as are MOBs no earlier cohort has reached."""
    found = []
    for i, c in enumerate(batch.cohorts):
        if c.loans < min_loans:
            continue
        worst = None
        for p in c.points:
            earlier = [
                e.at(p.mob).rate30
                for e in batch.cohorts[:i]
                if e.loans >= min_loans and e.at(p.mob) and e.at(p.mob).rate30 is not None
            ]
            if not earlier or p.rate30 is None:
                continue
            baseline = (sum(earlier, Decimal(0)) / len(earlier)).quantize(Decimal("0.0001"))
            if p.rate30 - baseline > worse_by:
                worst = VintageBreach(
                    batch.filters.product, c.key, p.mob, p.rate30, baseline, c.loans
                )
        if worst:
            found.append(worst)
    return found
