"""`postloan bench`'s report (`ops/bench.py`): every phase in one table, the two phases other
parts own (the daily delta import, the threshold what-if) as 未测 when this build lacks them,
called when present; the columnar-scan reference computed by DuckDB from Parquet and CSV."""

import datetime as dt
from pathlib import Path

from postloan.ops import bench


def report(**extra) -> dict:
    out = {
        "scale": "S",
        "database": "sqlite",
        "machine": {"nproc": 2, "memory_gb": 23.5, "cpu": "EPYC"},
        "generate": {"seconds": None, "reused": True},
        "import": {"rows": 1000, "seconds": 10.0, "rows_per_second": 100, "peak_rss_mb": 1.0},
        "screen": {"loans": 50, "seconds": 8.0, "peak_rss_mb": 1.0},
        "rescreen": {"seconds": 3.0},
        "next_date": {"seconds": 6.0},
        "scan": {"seconds": 0.5, "parquet_s": 0.5, "csv_s": 2.0},
    }
    out.update(extra)
    out["ratios"] = bench.ratios(out)
    return out


def line(text: str, label: str) -> str:
    return next(x for x in text.splitlines() if x.startswith(label))


def test_missing_phases_read_as_not_measured_and_only_those(monkeypatch):
    monkeypatch.delitem(bench.BENCH_HOOKS, "delta")
    assert bench.bench_hook("delta") is None
    text = bench.table(report(delta={"seconds": None}, whatif={"seconds": None}))

    assert line(text, "日增量导入（秒）").endswith("未测")
    assert line(text, "阈值影响预览（秒）").endswith("未测")
    assert text.count("未测") == 2
    assert line(text, "同日重新筛查 ÷ 次日筛查").endswith("0.5")
    assert line(text, "首次筛查 ÷ 列式扫描").endswith("16.0")
    assert line(text, "列式扫描参照：Parquet / CSV（秒）").endswith("0.5 / 2.0")


def test_a_present_hook_is_called_and_its_seconds_shown(monkeypatch):
    monkeypatch.setitem(bench.BENCH_HOOKS, "whatif", fake_whatif)
    hook = bench.bench_hook("whatif")
    assert hook(Path("."), dt.date(2026, 10, 31)) == {"seconds": 1.25, "as_of": "2026-10-31"}
    text = bench.table(report(whatif=hook(Path("."), dt.date(2026, 10, 31))))
    assert line(text, "阈值影响预览（秒）").endswith("1.25")
    assert "未测" in line(text, "日增量导入（秒）")  # not run: not measured


def fake_whatif(folder: Path, as_of: dt.date) -> dict:
    return {"seconds": 1.25, "as_of": as_of.isoformat()}


def test_the_columnar_scan_groups_the_repayments_by_loan_and_the_flows_by_account_month(
    tmp_path,
):
    folder = tmp_path / "extract"
    folder.mkdir()
    (folder / "repayments.csv").write_text(
        "loan_id,due_date,principal_due,interest_due,principal_paid,interest_paid,paid_off_date\n"
        "L1,2026-01-15,100.00,1.00,100.00,1.00,2026-01-15\n"
        "L1,2026-02-15,100.00,1.00,0,0,\n"
        "L2,2026-02-15,50.00,1.00,0,0,\n",
        encoding="utf-8",
    )
    (folder / "transactions.csv").write_text(
        "txn_id,account_id,txn_date,direction,amount,counterparty_name,counterparty_account,"
        "summary,category\n"
        "T1,A1,2026-01-03,in,10.00,x,1,s,other\n"
        "T2,A1,2026-01-20,in,5.00,x,1,s,other\n"
        "T3,A1,2026-01-21,out,5.00,x,1,s,other\n"
        "T4,A1,2026-02-01,in,5.00,x,1,s,other\n"
        "T5,A2,2026-02-01,in,5.00,x,1,s,other\n",
        encoding="utf-8",
    )
    out = bench.columnar_scan(folder, tmp_path / "columnar")
    assert (out["loans"], out["account_months"]) == (2, 4)
    assert (tmp_path / "columnar" / "transactions.parquet").exists()
    assert out["seconds"] == out["parquet_s"] and out["csv_s"] >= 0
