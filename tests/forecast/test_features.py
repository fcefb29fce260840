"""Features as of a month-end see nothing after it; the label looks forward (and only it)."""

import datetime as dt

import duckdb
import numpy as np
import pytest

from postloan.forecast import features as F
from tests.forecast.conftest import relation

T = dt.date(2025, 4, 30)


def _columns(fr: dict) -> dict:
    keys = [*F.NUMERIC, *(f"raw_{r}" for r in F.RAW), "customer_id", "rule_score"]
    return {k: np.ma.filled(np.ma.asarray(fr[k]).astype(object), None) for k in keys}


def _shifted(history, tmp_path, shift_days: int = 1):
    """The same history, with every row after T rewritten and new rows one day past T."""
    out = tmp_path / "shifted.parquet"
    con = duckdb.connect()
    con.execute(f"""
        COPY (
            SELECT * REPLACE (
                CASE WHEN month_end > DATE '{T}' THEN max_dpd + 400 ELSE max_dpd END AS max_dpd,
                CASE WHEN month_end > DATE '{T}' THEN 4 ELSE class_ord END AS class_ord,
                CASE WHEN month_end > DATE '{T}' THEN 0.0 ELSE sales_return END AS sales_return,
                CASE WHEN month_end > DATE '{T}' THEN inflow_fen * 50 ELSE inflow_fen END
                    AS inflow_fen,
                CASE WHEN month_end > DATE '{T}' THEN n_red + 9 ELSE n_red END AS n_red)
            FROM '{history.as_posix()}'
            UNION ALL
            SELECT * REPLACE (month_end + INTERVAL {shift_days} DAY AS month_end,
                              999 AS max_dpd, 4 AS class_ord, 0.0 AS sales_return)
            FROM '{history.as_posix()}' WHERE month_end = DATE '{T}'
        ) TO '{out.as_posix()}' (FORMAT parquet)
    """)
    return out


def test_no_feature_changes_when_the_data_after_the_as_of_date_changes(s_history, tmp_path):
    before = F.frame([T], relation(s_history))
    after = F.frame([T], relation(_shifted(s_history, tmp_path)))
    assert len(before["customer_id"]) > 3000
    a, b = _columns(before), _columns(after)
    for key in a:
        assert list(a[key]) == list(b[key]), key
    # the label does look forward: the same change moves it (so the comparison could fail)
    assert before["label"].sum() < after["label"].sum()


def test_features_do_move_with_the_data_before_the_as_of_date(s_history, tmp_path):
    out = tmp_path / "earlier.parquet"
    con = duckdb.connect()
    con.execute(f"""
        COPY (SELECT * REPLACE (CASE WHEN month_end = last_day(DATE '{T}' - INTERVAL 3 MONTH)
                                     THEN max_dpd + 30 ELSE max_dpd END AS max_dpd)
              FROM '{s_history.as_posix()}') TO '{out.as_posix()}' (FORMAT parquet)
    """)
    before = F.frame([T], relation(s_history))
    after = F.frame([T], relation(out))
    assert (after["dpd_max_12m"] >= before["dpd_max_12m"]).all()
    assert (after["dpd_max_12m"] > before["dpd_max_12m"]).mean() > 0.9
    assert (after["max_dpd"] == before["max_dpd"]).all()


def test_only_performing_customers_at_the_as_of_date(s_history):
    fr = F.frame([T], relation(s_history))
    assert (np.asarray(fr["max_dpd"]) < 90).all()
    con = duckdb.connect()
    npl = con.execute(
        f"SELECT count(*) FROM '{s_history.as_posix()}' "
        f"WHERE month_end = DATE '{T}' AND (class_ord >= 2 OR max_dpd >= 90)"
    ).fetchone()[0]
    assert npl > 0
    total = con.execute(
        f"SELECT count(*) FROM '{s_history.as_posix()}' WHERE month_end = DATE '{T}'"
    ).fetchone()[0]
    assert len(fr["customer_id"]) == total - npl


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 10, 31), -12, dt.date(2025, 10, 31)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    ],
)
def test_month_end_arithmetic(day, months, expected):
    assert F.add_months_end(day, months) == expected
