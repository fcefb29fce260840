"""Write the Python-built tables as contract CSV files (UTF-8, English header codes)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from postloan import contract


def write_table(out_dir: Path, name: str, rows: list[tuple]) -> int:
    codes = contract.table(name).codes
    with (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(codes)
        for row in rows:
            if len(row) != len(codes):
                raise ValueError(f"{name}: 行的列数 {len(row)} 与数据契约 {len(codes)} 不符：{row}")
            writer.writerow(row)
    return len(rows)


def write_stories(out_dir: Path, stories: dict) -> None:
    text = json.dumps(stories, ensure_ascii=False, indent=1, sort_keys=True)
    (out_dir / "stories.json").write_text(text + "\n", encoding="utf-8")
