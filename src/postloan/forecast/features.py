"""Features and labels as of each month-end, set-based in DuckDB over the month-end history.

Every feature of a customer at month-end T is a window over its months ``<= T`` (``RANGE …
PRECEDING AND CURRENT ROW`` on the month index): nothing after T can reach it
(`tests/forecast/test_features.py` shifts the data past T and compares). The label looks
forward: a customer *performing* at T (class better than 次级 and under 90 days overdue)
is a default (1) when any of its months in (T, T+12 months] is 次级 or worse or 90+ days
overdue. A label needs its 12 months observed: only month-ends ``<= horizon − 12 months``.
"""

from __future__ import annotations

import datetime as dt

import duckdb
from django.utils.translation import gettext_lazy

from postloan.forecast import history

# name → (SQL over the window table `w`, Chinese label)
NUMERIC = {
    "max_dpd": ("max_dpd", "当前最长逾期天数"),
    "dpd_max_12m": ("dpd_max_12m", "近12个月最长逾期天数"),
    "months_overdue_12m": ("months_overdue_12m", "近12个月有逾期的月数"),
    "overdue_share": ("overdue_fen / greatest(exposure_fen, 1)", "逾期金额占敞口"),
    "attention": ("CAST(class_ord = 1 AS DOUBLE)", "现为关注类"),
    "n_red": ("n_red", "红色预警数"),
    "n_orange": ("n_orange", "橙色预警数"),
    "n_yellow": ("n_yellow", "黄色预警数"),
    "n_families": ("n_families", "预警类别数"),
    "signals_6m": ("signals_6m", "近6个月预警累计"),
    "sales_return": ("sales_return", "销售资金归行率"),
    "return_change_6m": ("sales_return - return_6m_ago", "归行率近6个月变化"),
    "inflow_trend": (
        "ln(greatest(inflow_3m, 1) / greatest(inflow_prev6, 1))",
        "账户流入近3个月较此前6个月（对数比）",
    ),
    "debt_ratio": ("debt_ratio", "资产负债率"),
    "debt_ratio_change_12m": ("debt_ratio - debt_12m_ago", "资产负债率近12个月变化"),
    "current_ratio": ("current_ratio", "流动比率"),
    "current_ratio_change_12m": ("current_ratio - current_12m_ago", "流动比率近12个月变化"),
    "other_bank_overdue": (
        "other_bank_overdue_fen / greatest(exposure_fen, 1)",
        "他行逾期占敞口",
    ),
    "other_bank_new_6m": (
        "greatest(other_bank_overdue_fen - coalesce(other_6m_ago, 0), 0)"
        " / greatest(exposure_fen, 1)",
        "他行近6个月新增逾期占敞口",
    ),
    "ltv": ("ltv", "抵押率"),
    "guarantor_bad": ("CAST(guarantor_bad AS DOUBLE)", "保证人异常"),
    "restructured": ("CAST(restructured AS DOUBLE)", "重组贷款"),
    "log_exposure": ("ln(greatest(exposure_fen, 100) / 100.0)", "敞口（对数）"),
    "retail": ("CAST(segment = 'retail' AS DOUBLE)", "零售客户"),
}
CATEGORICAL = {
    "product": gettext_lazy("产品"),
    "industry": gettext_lazy("行业"),
}  # target-encoded on the training window
FEATURES = [*NUMERIC, *(f"{c}_rate" for c in CATEGORICAL)]
# raw figures the factor texts quote
RAW = (
    "sales_return",
    "return_6m_ago",
    "inflow_3m",
    "inflow_prev6",
    "debt_ratio",
    "debt_12m_ago",
    "current_ratio",
    "current_12m_ago",
    "other_bank_overdue_fen",
    "other_6m_ago",
    "max_dpd",
    "dpd_max_12m",
    "months_overdue_12m",
    "n_red",
    "n_orange",
    "n_yellow",
    "signals_6m",
    "ltv",
    "exposure_fen",
    "overdue_fen",
)


def quiet() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that prints no progress bar (pages and jobs run these queries)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def window_sql(source: str) -> str:
    """Every (customer, month-end) with its windows over the months up to it."""
    return f"""
        WITH h AS (
            SELECT *, year(month_end) * 12 + month(month_end) AS mi FROM {source}
        ), w AS (
            SELECT *,
                max(max_dpd) OVER m12 AS dpd_max_12m,
                count(*) FILTER (WHERE max_dpd > 0) OVER m12 AS months_overdue_12m,
                sum(n_red + n_orange + n_yellow) OVER m6 AS signals_6m,
                avg(inflow_fen) OVER m3 AS inflow_3m,
                avg(inflow_fen) OVER (PARTITION BY customer_id ORDER BY mi
                                      RANGE BETWEEN 8 PRECEDING AND 3 PRECEDING) AS inflow_prev6,
                first(sales_return) OVER (PARTITION BY customer_id ORDER BY mi
                                          RANGE BETWEEN 6 PRECEDING AND 6 PRECEDING)
                    AS return_6m_ago,
                first(debt_ratio) OVER (PARTITION BY customer_id ORDER BY mi
                                        RANGE BETWEEN 12 PRECEDING AND 12 PRECEDING)
                    AS debt_12m_ago,
                first(current_ratio) OVER (PARTITION BY customer_id ORDER BY mi
                                           RANGE BETWEEN 12 PRECEDING AND 12 PRECEDING)
                    AS current_12m_ago,
                first(other_bank_overdue_fen) OVER (PARTITION BY customer_id ORDER BY mi
                                                    RANGE BETWEEN 6 PRECEDING AND 6 PRECEDING)
                    AS other_6m_ago,
                max(CAST(class_ord >= 2 OR max_dpd >= 90 AS INTEGER)) OVER (
                    PARTITION BY customer_id ORDER BY mi
                    RANGE BETWEEN 1 FOLLOWING AND 12 FOLLOWING) AS default_12m
            FROM h
            WINDOW m12 AS (PARTITION BY customer_id ORDER BY mi
                           RANGE BETWEEN 11 PRECEDING AND CURRENT ROW),
                   m6 AS (PARTITION BY customer_id ORDER BY mi
                          RANGE BETWEEN 5 PRECEDING AND CURRENT ROW),
                   m3 AS (PARTITION BY customer_id ORDER BY mi
                          RANGE BETWEEN 2 PRECEDING AND CURRENT ROW)
        )
        SELECT customer_id, month_end, product, industry, rule_score,
               class_ord < 2 AND max_dpd < 90 AS performing,
               coalesce(default_12m, 0) AS label,
               {", ".join(f"CAST({sql} AS DOUBLE) AS {name}" for name, (sql, _) in NUMERIC.items())},
               {", ".join(f"{r} AS raw_{r}" for r in RAW)}
        FROM w
    """


def frame(
    as_ofs: list[dt.date], source: str | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> dict:
    """Features (and label) of the customers performing at each of `as_ofs`, as numpy arrays.

    The label column is only meaningful where 12 months after the as-of date are in the data.
    """
    own = con is None
    con = con or quiet()
    try:
        dates = ", ".join(f"DATE '{d.isoformat()}'" for d in as_ofs) or "NULL"
        sql = window_sql(source or history.glob_sql())
        return con.execute(
            f"SELECT * FROM ({sql}) WHERE performing AND month_end IN ({dates}) "
            "ORDER BY month_end, customer_id"
        ).fetchnumpy()
    finally:
        if own:
            con.close()


def month_ends(source: str | None = None) -> list[dt.date]:
    if source is None:
        return history.months()
    con = quiet()
    try:
        rows = con.execute(f"SELECT DISTINCT month_end FROM {source} ORDER BY 1").fetchall()
        return [r[0] for r in rows]
    finally:
        con.close()


def add_months_end(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months + 1
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)
