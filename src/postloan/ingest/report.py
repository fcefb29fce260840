"""The import report: every bad row (and every warning) with file, row, column, value and reason."""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy

from postloan.core import csvsafe
from postloan.ingest.sql import lit
from postloan.ingest.stage import Stage

ERROR, WARNING = "error", "warning"
LEVEL_LABELS = {ERROR: gettext_lazy("错误"), WARNING: gettext_lazy("提示")}
KEPT_IN_MEMORY = 100_000  # issues returned to the caller per level (the CSV always has all)
KEPT_IN_BATCH = 5_000  # issues stored in the batch record per level
CSV_HEADER = ("级别", "文件", "行号", "列", "值", "原因")


@dataclass(frozen=True)
class Issue:
    level: str
    file: str
    row: int | None
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file} 第 {self.row} 行" if self.row else self.file
        column = f"“{self.column}”" if self.column else ""
        value = f"（值：{self.value}）" if self.value else ""
        return f"{where} {column}{value}：{self.reason}"


@dataclass
class Issues:
    errors: list[Issue]
    warnings: list[Issue]
    error_count: int
    warning_count: int


def add(stage: Stage, level: str, file: str, reason: str, *, row=None, column="", value="") -> None:
    stage.con.execute(
        "INSERT INTO issues VALUES (?, ?, ?, ?, ?, ?)", [level, file, row, column, value, reason]
    )


def _fetch(stage: Stage, level: str) -> list[Issue]:
    rows = stage.con.execute(
        "SELECT level, file, row, \"column\", coalesce(value, ''), reason FROM issues"
        f' WHERE level = {lit(level)} ORDER BY file, row NULLS FIRST, "column"'
        f" LIMIT {KEPT_IN_MEMORY}"
    ).fetchall()
    return [Issue(*r) for r in rows]


def collect(stage: Stage) -> Issues:
    counts = dict(stage.con.execute("SELECT level, count(*) FROM issues GROUP BY level").fetchall())
    return Issues(
        errors=_fetch(stage, ERROR),
        warnings=_fetch(stage, WARNING),
        error_count=counts.get(ERROR, 0),
        warning_count=counts.get(WARNING, 0),
    )


def write_csv(stage: Stage, path: Path) -> None:
    """Every issue (errors first) as a CSV Excel opens correctly (UTF-8 with BOM)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = stage.workdir / "report-body.csv"
    labels = " ".join(f"WHEN {lit(k)} THEN {lit(str(v))}" for k, v in LEVEL_LABELS.items())
    names = [f'"{h}"' for h in CSV_HEADER]
    # Formula-safe: a bad value such as `=HYPERLINK(…)` is written as text (`core.csvsafe`).
    file, column, value, reason = (
        csvsafe.duckdb_escape(e) for e in ("file", '"column"', "coalesce(value, '')", "reason")
    )
    stage.con.execute(
        f"COPY (SELECT CASE level {labels} END AS {names[0]}, {file} AS {names[1]},"
        f" row AS {names[2]}, {column} AS {names[3]}, {value} AS {names[4]},"
        f" {reason} AS {names[5]}"
        f' FROM issues ORDER BY level, file, row NULLS FIRST, "column")'
        f" TO {lit(body.as_posix())} (HEADER, DELIMITER ',')"
    )
    with path.open("wb") as out, body.open("rb") as src:
        out.write("\ufeff".encode())
        shutil.copyfileobj(src, out)


def stored(issues: list[Issue]) -> list[dict]:
    return [i.as_dict() for i in issues[:KEPT_IN_BATCH]]


def summary_lines(result) -> list[str]:
    """A readable console summary of an ImportResult."""
    lines = []
    for f in result.batch.files:
        extra = []
        if f.get("created") or f.get("updated"):
            extra.append(f"新增 {f.get('created', 0)}，变更 {f.get('updated', 0)}")
        if f.get("written") is not None:
            extra.append(f"写入 {f['written']}")
        if f.get("ignored_columns"):
            extra.append("忽略列：" + "、".join(f["ignored_columns"]))
        note = f"（{'；'.join(extra)}）" if extra else ""
        lines.append(f"  {f['file']:<28} {f['table']:<18} {f['rows']:>10,} 行{note}")
    if result.batch.ignored_files:
        lines.append("  忽略的文件（不是数据契约中的表）：" + "、".join(result.batch.ignored_files))
    if result.errors:
        lines.append(f"错误 {result.batch.error_count} 条：")
        lines.extend(f"  {i}" for i in result.errors[:200])
        if result.batch.error_count > 200:
            lines.append(f"  ……其余 {result.batch.error_count - 200} 条见报告文件")
    if result.warnings:
        lines.append(f"提示 {result.batch.warning_count} 条（不影响导入）：")
        lines.extend(f"  {i}" for i in result.warnings[:50])
        if result.batch.warning_count > 50:
            lines.append(f"  ……其余 {result.batch.warning_count - 50} 条见报告文件")
    if result.batch.report_csv:
        lines.append(f"报告文件：{result.batch.report_csv}")
    return lines
