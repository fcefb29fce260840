"""An Excel sheet of N flows (`transactions`, 9 columns) read into the importer's raw table, side
by side: the bulk reader (fastexcel into Arrow, whole columns converted: now), the cell-by-cell
reader (calamine + `cell_text`, before; still used for sheets the bulk reader declines), with
`--openpyxl` also openpyxl (before calamine), and the same rows as CSV.

Usage: .venv/bin/python benchmarks/bench_xlsx.py [--rows 200000] [--repeat 1] [--openpyxl]
       [--json FILE]

Each reader runs `postloan.ingest.readers.load_xlsx` / `load_csv` on the same file into a fresh
in-memory DuckDB; "openpyxl" swaps only the row source back to openpyxl's read-only
`iter_rows(values_only=True)` as it was, so the check, the cell limits and the chunked Arrow
inserts are the same code. The figure is wall time; rows and the raw table's checksum are
compared so the readers are shown to give the same rows (the amount as a number: the
CSV was written with Python's float text, `452009.0` where Excel gives `452009`).
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["流水号", "账号", "交易日期", "借贷方向", "金额", "对方户名", "对方账号", "摘要", "类别"]


def make_files(folder: Path, rows: int) -> tuple[Path, Path]:
    import xlsxwriter

    rnd = random.Random(1)
    xlsx, csv = folder / "transactions.xlsx", folder / "transactions.csv"
    wb = xlsxwriter.Workbook(str(xlsx), {"constant_memory": True})
    ws = wb.add_worksheet("transactions")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADER)
    start = dt.date(2025, 1, 1)
    with csv.open("w", encoding="utf-8") as out:
        out.write(",".join(HEADER) + "\n")
        for i in range(rows):
            day = start + dt.timedelta(days=rnd.randrange(365))
            values = [
                f"T{i:09d}",
                f"00{rnd.randrange(10**8):08d}",  # an account number with leading zeros
                day,
                "out" if rnd.random() < 0.5 else "in",
                round(rnd.uniform(1, 500_000), 2),
                f"杭州某某{rnd.randrange(5000)}有限公司",
                f"62{rnd.randrange(10**12):012d}",
                "货款",
                "purchase",
            ]
            r = i + 1
            ws.write_string(r, 0, values[0])
            ws.write_string(r, 1, values[1])
            ws.write_datetime(r, 2, dt.datetime.combine(day, dt.time()), date_format)
            ws.write_string(r, 3, values[3])
            ws.write_number(r, 4, values[4])
            for c in (5, 6, 7, 8):
                ws.write_string(r, c, values[c])
            out.write(",".join(str(v) for v in values) + "\n")
    wb.close()
    return xlsx, csv


def _openpyxl_rows(path, sheet):
    """The row source of the reader before calamine (readers.py at cf7b0ed)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        ws.reset_dimensions()
        yield from ws.iter_rows(values_only=True)
    finally:
        wb.close()


def run(reader: str, xlsx: Path, csv: Path, workdir: Path) -> dict:
    import duckdb

    from postloan.ingest import readers

    con = duckdb.connect()
    fmt = "csv" if reader == "csv" else "xlsx"
    src = readers.Source(
        table="transactions", path=csv if fmt == "csv" else xlsx, fmt=fmt, sheet=None
    )
    original, bulk = readers._calamine_rows, readers._load_xlsx_bulk
    if reader == "openpyxl":
        readers._calamine_rows = _openpyxl_rows
    if reader in ("openpyxl", "cells"):
        readers._load_xlsx_bulk = lambda *args: None
    try:
        started = time.perf_counter()
        loaded = readers.load(con, src, workdir)
        seconds = time.perf_counter() - started
    finally:
        readers._calamine_rows, readers._load_xlsx_bulk = original, bulk
    assert not loaded.errors, [str(e) for e in loaded.errors]
    table = loaded.raw_table
    rows, digest = con.execute(
        "SELECT count(*), sum(hash(txn_id || account_id || txn_date || "
        f"CAST(CAST(amount AS DECIMAL(18, 2)) AS VARCHAR))) FROM {table}"
    ).fetchone()
    con.close()
    return {"reader": reader, "seconds": round(seconds, 2), "rows": rows, "checksum": digest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--openpyxl", action="store_true", help="also the openpyxl reader (slow)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    os.environ.setdefault("POSTLOAN_VAR_DIR", tempfile.mkdtemp(prefix="bench-xlsx-var-"))
    import django

    django.setup()
    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        xlsx, csv = make_files(folder, args.rows)
        made = time.perf_counter() - started
        print(
            f"{args.rows:,} rows: xlsx {xlsx.stat().st_size / 1e6:.1f} MB, "
            f"csv {csv.stat().st_size / 1e6:.1f} MB (written in {made:.1f} s)"
        )
        results = []
        for _ in range(args.repeat):
            extra = ("openpyxl",) if args.openpyxl else ()
            for reader in (*extra, "cells", "bulk", "csv"):
                results.append(run(reader, xlsx, csv, folder))
                print(f"  {reader:9} {results[-1]['seconds']:7.2f} s  {results[-1]['rows']:,} rows")
        sums = {r["checksum"] for r in results}
        print("same rows and text from every reader:", len(sums) == 1)
    if args.json:
        args.json.write_text(json.dumps({"rows": args.rows, "results": results}, indent=2))
    sys.exit(0 if len(sums) == 1 else 1)


if __name__ == "__main__":
    main()
