"""Four years of month-end risk history for the demo bank (the forecast model's training data).

A bank that scores its customers keeps what its screening knew at every month-end
(`forecast/history.py`, one Parquet file per month). A new demo bank has none, so the generator
writes 48 month-ends ending at the as-of month into ``history/month_ends.parquet``; the demo
command loads it (`postloan model history-load`), and each later month-end's screening adds
its own month from the engine's persisted figures (`forecast/capture.py`).

How the history is drawn, set-based in DuckDB from deterministic ``hash(seed, …)`` draws:

* every customer of the bank (its product, industry, exposure, restructuring from the rows the
  generator just made) plus "former" customers (about 20 %, ids ``HX…``) whose loans ended or
  were written off before the as-of date — they carry most of the history's defaults;
* a latent severity ``s`` in [0, 1]: for a customer that defaults, it ramps up over 3–12 months
  before the default month (80 % of defaulters; the other 20 % default without warning); some
  customers that never default go through a scare (severity rises for 3–8 months, then falls
  back); the current customers whose loans are non-performing in the generated data default in
  the last months, those in a warning story deteriorate over the last months;
* the figures follow ``s`` with noise: 销售资金归行率 and inflows fall early, financial ratios move
  at quarter-ends, 征信 shows other banks' overdue debt, signals and overdue days come late, and
  after the default the class is 次级 or worse with 90+ days overdue;
* ``rule_score`` is today's rule score (`risk/engine/risk_view.py`'s points) on those figures.

So the backtest is neither perfect (unwarned defaults, scares, noise) nor random.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from postloan.demo.state import DemoBank, add_months
from postloan.risk.engine.risk_view import (
    BREADTH_POINTS,
    CLASS_POINTS,
    DPD_POINTS,
    EXPOSURE_POINTS,
    SIGNAL_POINTS,
)

MONTHS = 48
FORMER_SHARE = 0.2
NPL = {"substandard": 2, "doubtful": 3, "loss": 4}
WARNING_STORIES = {
    "falling_invoices",
    "financial_deterioration",
    "other_bank_proceeds",
    "controller_missing",
    "maturity_shortfall",
    "interest_shortfall",
    "event_dishonest",
    "event_bankruptcy",
    "event_evade_debt",
    "event_enforcement",
    "event_asset_seized",
}
HISTORY_FILE = "history/month_ends.parquet"
CORPORATE_PD, RETAIL_PD = 0.09, 0.006  # yearly, as many as the generated bank's own NPL
CURE_MONTHS = 12  # a past default of a customer still here: restructured, normal again


def month_end(day: date, months: int) -> date:
    first = add_months(date(day.year, day.month, 1), months + 1)
    return date.fromordinal(first.toordinal() - 1)


def _drivers(bank: DemoBank) -> dict[str, list]:
    cols: dict[str, list] = {
        k: []
        for k in (
            "customer_id",
            "n",
            "segment",
            "product",
            "industry",
            "exposure_fen",
            "restructured",
            "current_npl",
            "warning",
            "former",
        )
    }
    for c in bank.customers:
        loans = bank.loans_by_customer.get(c.idx, [])
        worst = max((NPL.get(ln.classification, 0) for ln in loans), default=0)
        cols["customer_id"].append(c.customer_id)
        cols["n"].append(c.idx)
        cols["segment"].append(c.type)
        cols["product"].append(loans[0].product if loans else "")
        cols["industry"].append(c.industry_code[:1] if c.industry_code else "")
        cols["exposure_fen"].append(sum(ln.principal_fen for ln in loans))
        cols["restructured"].append(any(ln.restructured for ln in loans))
        cols["current_npl"].append(worst)
        cols["warning"].append(bool(c.stories & WARNING_STORIES))
        cols["former"].append(False)
    n_former = int(len(bank.customers) * FORMER_SHARE)
    rng = bank.rng
    for i in range(n_former):
        model = bank.customers[rng.randrange(len(bank.customers))]
        loans = bank.loans_by_customer.get(model.idx, [])
        cols["customer_id"].append(f"HX{i + 1:07d}")
        cols["n"].append(1_000_000 + i)
        cols["segment"].append(model.type)
        cols["product"].append(loans[0].product if loans else "")
        cols["industry"].append(model.industry_code[:1] if model.industry_code else "")
        cols["exposure_fen"].append(
            int(sum(ln.principal_fen for ln in loans) * (0.5 + rng.random()))
        )
        cols["restructured"].append(False)
        cols["current_npl"].append(0)
        cols["warning"].append(False)
        cols["former"].append(True)
    return cols


def u(seed: int, *parts: str) -> str:
    return f"((hash({seed}, {', '.join(parts)}) % 1000003) / 1000003.0)"


def write_history(bank: DemoBank, out_dir: str | Path, months: int = MONTHS) -> int:
    """Write ``history/month_ends.parquet`` under `out_dir`; return its number of rows."""
    out = Path(out_dir) / HISTORY_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    s = bank.seed
    last = months - 1
    ends = [month_end(bank.as_of, -(last - t)) for t in range(months)]
    con = duckdb.connect()
    try:
        con.execute("SET threads = 2")
        con.register("drv_arrow", pa.table(_drivers(bank)))
        con.register(
            "months_arrow",
            pa.table({"t": list(range(months)), "month_end": ends}),
        )
        con.execute(f"""
            CREATE TABLE ent0 AS
            SELECT *, {u(s, "customer_id", "'when'")} AS u_when,
                      {u(s, "customer_id", "'lead'")} AS u_lead,
                      {u(s, "customer_id", "'warn'")} AS u_warn,
                      {u(s, "customer_id", "'scare'")} AS u_scare,
                      {u(s, "customer_id", "'exit'")} AS u_exit,
                      CASE WHEN former THEN CAST({u(s, "customer_id", "'open'")} * 12 AS INTEGER)
                           ELSE 0 END AS first_t,
                      -- one hazard in every period: segment × industry (no loan, no default)
                      (CASE WHEN segment = 'corporate' THEN {CORPORATE_PD} ELSE {RETAIL_PD} END)
                      / 12 * (0.6 + 0.8 * {u(s, "industry", "'ind'")})
                      * CAST(exposure_fen > 0 AS INTEGER) AS p_month
            FROM drv_arrow
        """)
        con.execute(f"""
            CREATE TABLE ent AS
            WITH hit AS (
                SELECT e.customer_id, min(m.t) AS first_hit
                FROM ent0 e JOIN months_arrow m ON m.t >= e.first_t + 6
                WHERE {u(s, "e.customer_id", "m.t", "'hz'")} < e.p_month
                GROUP BY e.customer_id
            )
            SELECT e.*,
              CASE WHEN e.current_npl > 0 THEN {last} - CAST(e.u_when * 6 AS INTEGER)
                   WHEN e.former OR h.first_hit + {CURE_MONTHS} < {last} AND NOT e.warning
                       THEN h.first_hit
                   ELSE NULL END AS d_month,
              3 + CAST(e.u_lead * 12 AS INTEGER) AS lead,
              e.u_warn < 0.8 AS warned,
              CASE WHEN e.warning THEN {last} - 2 - CAST(e.u_lead * 6 AS INTEGER)
                   WHEN e.u_scare < 0.10 THEN CAST(e.u_when * {last - 4} AS INTEGER)
                   ELSE NULL END AS scare_start,
              3 + CAST(e.u_scare * 50 AS INTEGER) % 6 AS scare_len,
              e.first_t + 12 + CAST(e.u_exit * ({last} - e.first_t - 12) AS INTEGER) AS exit_t,
              0.78 + 0.22 * {u(s, "e.customer_id", "'base'")} AS base_return,
              0.35 + 0.35 * {u(s, "e.customer_id", "'debt'")} AS base_debt,
              0.9 + 1.2 * {u(s, "e.customer_id", "'cur'")} AS base_current,
              CASE WHEN {u(s, "e.customer_id", "'coll'")} < 0.55
                   THEN 0.35 + 0.35 * {u(s, "e.customer_id", "'ltv'")} END AS base_ltv,
              greatest(e.exposure_fen, 1000000) AS expo
            FROM ent0 e LEFT JOIN hit h USING (customer_id)
        """)
        con.execute(f"""
            CREATE TABLE panel AS
            WITH grid AS (
                SELECT e.*, m.t, m.month_end,
                    CASE WHEN e.d_month IS NOT NULL AND m.t >= e.d_month + {CURE_MONTHS}
                              AND e.current_npl = 0 AND NOT e.former THEN 0.0
                         WHEN e.d_month IS NOT NULL AND m.t >= e.d_month THEN 1.0
                         WHEN e.d_month IS NOT NULL AND e.warned
                              AND m.t >= e.d_month - e.lead
                             THEN (m.t - (e.d_month - e.lead) + 1) / (e.lead + 1.0)
                         WHEN e.scare_start IS NOT NULL AND e.warning AND m.t >= e.scare_start
                             THEN least(0.8, (m.t - e.scare_start + 1) / 6.0)
                         WHEN e.scare_start IS NOT NULL AND m.t >= e.scare_start
                              AND m.t < e.scare_start + e.scare_len
                             THEN 0.65 * sin(pi() * (m.t - e.scare_start + 1)
                                              / (e.scare_len + 1))
                         ELSE 0.0 END AS sev,
                    -- quarter-end financials: the severity at the last quarter-end
                    e.d_month IS NOT NULL AND m.t >= e.d_month
                        AND (e.former OR e.current_npl > 0 OR m.t < e.d_month + {CURE_MONTHS})
                        AS defaulted,
                    e.d_month IS NOT NULL AND m.t >= e.d_month + {CURE_MONTHS} AS cured,
                    {u(s, "e.customer_id", "m.t", "'n1'")} AS n1,
                    {u(s, "e.customer_id", "m.t", "'n2'")} AS n2,
                    {u(s, "e.customer_id", "m.t", "'n3'")} AS n3,
                    {u(s, "e.customer_id", "m.t", "'n4'")} AS n4,
                    {u(s, "e.customer_id", "CAST(m.t // 3 AS INTEGER)", "'q'")} AS nq
                FROM ent e CROSS JOIN months_arrow m
                WHERE m.t >= e.first_t
                  AND (NOT e.former OR e.d_month IS NULL AND m.t < e.exit_t
                       OR e.d_month IS NOT NULL AND m.t <= least(e.d_month + 6, {last}))
            ), q AS (
                SELECT *, max(sev) OVER (PARTITION BY customer_id, t // 3) AS qsev FROM grid
            ), f AS (
                SELECT customer_id, month_end, segment, product, industry, restructured
                         OR cured OR (defaulted AND n4 < 0.3) AS restructured,
                    expo AS exposure_fen,
                    CASE WHEN defaulted THEN 90 + 30 * (t - d_month) + CAST(n1 * 20 AS INTEGER)
                         WHEN sev > 0.55 AND n1 < sev THEN CAST(n2 * 75 AS INTEGER)
                         WHEN n1 < 0.02 THEN 1 + CAST(n2 * 14 AS INTEGER)
                         ELSE 0 END AS max_dpd,
                    CASE WHEN defaulted THEN greatest(current_npl, least(4, 2 + (t - d_month) // 6))
                         WHEN sev > 0.6 AND n3 < 0.5 THEN 1
                         WHEN n3 < 0.01 THEN 1 ELSE 0 END AS class_ord,
                    CASE WHEN segment = 'corporate' THEN
                        greatest(0.0, base_return * (1 - 0.75 * sev) + (n2 - 0.5) * 0.18)
                    END AS sales_return,
                    CAST(expo * 0.08 * (1 - 0.6 * sev) * (0.8 + 0.4 * n3) AS BIGINT) AS inflow_fen,
                    CASE WHEN segment = 'corporate' THEN
                        base_debt + 0.25 * qsev + (nq - 0.5) * 0.06 END AS debt_ratio,
                    CASE WHEN segment = 'corporate' THEN
                        greatest(0.2, base_current - 0.7 * qsev + (nq - 0.5) * 0.2) END
                        AS current_ratio,
                    CASE WHEN sev > 0.35 AND n4 < sev THEN CAST(expo * 0.3 * sev AS BIGINT)
                         WHEN n4 > 0.995 THEN CAST(expo * 0.05 AS BIGINT)
                         ELSE 0 END AS other_bank_overdue_fen,
                    CASE WHEN base_ltv IS NOT NULL THEN
                        base_ltv * (1 + 0.35 * sev) + (n1 - 0.5) * 0.04 END AS ltv,
                    (sev > 0.6 AND n3 < 0.35) OR n3 > 0.997 AS guarantor_bad,
                    CAST(defaulted AS INTEGER) * 2 + CAST(sev > 0.8 AND n1 < 0.7 AS INTEGER)
                        AS n_red,
                    CAST(sev > 0.6 AND n2 < 0.8 AS INTEGER) + CAST(sev > 0.75 AS INTEGER)
                        AS n_orange,
                    CAST(sev > 0.4 AND n3 < 0.7 AS INTEGER) + CAST(n4 < 0.06 AS INTEGER)
                        AS n_yellow
                FROM q
            )
            SELECT *,
                CASE WHEN max_dpd > 0 THEN CAST(exposure_fen * least(1.0, 0.05 + max_dpd / 360.0)
                                                AS BIGINT) ELSE 0 END AS overdue_fen,
                least(n_red + n_orange + n_yellow, 1 + n_red + (n_orange > 0)::INTEGER)
                    AS n_families
            FROM f
        """)
        con.execute(f"""
            COPY (
                SELECT * EXCLUDE (worst_ord), {CLASS_POINTS} + {DPD_POINTS} + {SIGNAL_POINTS}
                          + {BREADTH_POINTS} + {EXPOSURE_POINTS} AS rule_score
                FROM (SELECT *, class_ord AS worst_ord FROM panel)
                ORDER BY month_end, customer_id
            ) TO '{out.as_posix()}' (FORMAT parquet, COMPRESSION zstd)
        """)
        return con.execute(f"SELECT count(*) FROM '{out.as_posix()}'").fetchone()[0]
    finally:
        con.close()


def anchored_history(source: Path, captured: Path, out: Path) -> int:
    """The drawn history with its levels set to the bank's first captured month-end.

    The generator draws the trends; the screening's capture of the as-of month says where the
    customer really stands (its inflows, 归行率, ratios, LTV as the engine computes them). Each
    customer's series is scaled (inflows, LTV) or shifted (ratios) so that its as-of month meets the
    captured one; a figure the capture does not have (no statement, no collateral) is empty in
    every month. Months after nothing: the captured month itself is kept as captured.
    """
    con = duckdb.connect()
    try:
        con.execute(f"""
            COPY (
                WITH s AS (SELECT * FROM '{source.as_posix()}'),
                     c AS (SELECT * FROM '{captured.as_posix()}'),
                     a AS (
                        SELECT s.customer_id,
                               c.inflow_fen / nullif(s.inflow_fen, 0) AS k_inflow,
                               c.sales_return - s.sales_return AS d_return,
                               c.debt_ratio - s.debt_ratio AS d_debt,
                               c.current_ratio - s.current_ratio AS d_current,
                               c.ltv / nullif(s.ltv, 0) AS k_ltv
                        FROM s JOIN c USING (customer_id)
                        WHERE s.month_end = (SELECT max(month_end) FROM c)
                     )
                SELECT s.* REPLACE (
                    CAST(s.inflow_fen * coalesce(a.k_inflow, 1) AS BIGINT) AS inflow_fen,
                    CASE WHEN a.customer_id IS NULL THEN s.sales_return
                         WHEN a.d_return IS NOT NULL THEN s.sales_return END AS sales_return,
                    CASE WHEN a.customer_id IS NULL THEN s.debt_ratio
                         WHEN a.d_debt IS NOT NULL THEN s.debt_ratio END AS debt_ratio,
                    CASE WHEN a.customer_id IS NULL THEN s.current_ratio
                         WHEN a.d_current IS NOT NULL THEN s.current_ratio END AS current_ratio,
                    CASE WHEN a.customer_id IS NULL THEN s.ltv
                         WHEN a.k_ltv IS NOT NULL THEN s.ltv * a.k_ltv END AS ltv
                )
                FROM s LEFT JOIN a USING (customer_id)
                WHERE s.month_end < (SELECT max(month_end) FROM c)
                ORDER BY s.month_end, s.customer_id
            ) TO '{out.as_posix()}' (FORMAT parquet, COMPRESSION zstd)
        """)
        return con.execute(f"SELECT count(*) FROM '{out.as_posix()}'").fetchone()[0]
    finally:
        con.close()
