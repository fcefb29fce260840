"""Importing one bank extract: `run_import(path)` stages, checks, and — only if every row is
good — upserts the whole batch in one database transaction.

    staged files ─► validate (DuckDB, set-based) ─► errors? ─► batch failed, nothing written
                                                    └─ none ─► one transaction: history diff,
                                                               upserts, branch paths, audit
                                                               trail, business date, batch row

(On SQLite the big tables are written into side files by the `sqlite3` shell, beside the
transaction, and copied in by one statement each inside it: `side.py`.)

The `ImportBatch` row itself is written outside the data transaction, so a failed import is
recorded while none of its data is.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from postloan import contract
from postloan.analytics import store as analytics_store
from postloan.core import dbstats, failpoints
from postloan.core.business_date import calendar_day, current_business_date, set_business_date
from postloan.core.errors import DomainError
from postloan.ingest import (
    categories,
    history,
    indexes,
    load,
    month_totals,
    readers,
    report,
    side,
    touched,
    validate,
)
from postloan.ingest.indexes import table_is_empty
from postloan.ingest.models import ImportBatch, last_succeeded_batch_id
from postloan.ingest.report import Issue
from postloan.ingest.schema import table_spec
from postloan.ingest.signals import import_completed
from postloan.ingest.sql import ident
from postloan.ingest.stage import Stage
from postloan.ops import logs
from postloan.ops.heartbeat import Heartbeat, beat
from postloan.org.tree import rebuild_paths
from postloan.portfolio import txn_totals

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    batch: ImportBatch
    ok: bool
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase

    @property
    def error_count(self) -> int:
        return self.batch.error_count

    @property
    def warning_count(self) -> int:
        return self.batch.warning_count


def report_path(batch: ImportBatch) -> Path:
    """A report file of its own: two databases sharing one VAR_DIR (a test worker each, or a
    restored copy beside production) number their batches alike, and one report must never
    overwrite another's; the path is kept on the batch."""
    token = uuid.uuid4().hex[:8]
    return Path(settings.VAR_DIR) / "imports" / f"batch-{batch.pk}-{token}-report.csv"


def default_as_of(stage: Stage) -> dt.date:
    """The latest transaction or balance date of the batch, else the business date, else today."""
    dates = []
    for t, c in (("transactions", "txn_date"), ("account_balances", "balance_date")):
        if stage.has_column(t, c):
            dates.append(stage.scalar(f"SELECT max({c}) FROM typed_{t}"))
    dates = [d for d in dates if d is not None]
    if dates:
        return max(dates)
    # The one place the data's date may come from the calendar: the first batch, without dated
    # flows, of a fresh system sets the business date (`--as-of` overrides).
    return current_business_date() or calendar_day()


def _file_entries(stage: Stage) -> list[dict]:
    entries = []
    for t in contract.LOAD_ORDER:
        f = stage.files.get(t)
        if f is None:
            continue
        entries.append(
            {
                "file": f.source.display,
                "table": t,
                "format": f.source.fmt,
                "encoding": f.encoding,
                "rows": f.rows,
                "ignored_columns": f.ignored_columns,
            }
        )
    return entries


@dataclass(frozen=True)
class _Write:
    """One table of the batch as the loader writes it: from DuckDB view `view`, columns `cols`."""

    table: str
    view: str
    cols: list[str]


def _writes(stage: Stage) -> list[_Write]:
    """The usable tables in load order; transactions are read with their category filled in."""
    writes = []
    for t in contract.LOAD_ORDER:
        if not stage.usable(t):
            continue
        cols, view = list(stage.files[t].columns), f"typed_{t}"
        if t == "transactions":
            view = categories.prepare(stage)
            cols = [c for c in cols if c != "category"] + ["category"]
        writes.append(_Write(t, view, cols))
    return writes


@contextmanager
def _side_files(stage: Stage, writes: list[_Write]):
    """SQLite: the largest tables (and a first load's monthly totals) go into side files that a
    thread and the `sqlite3` shell write beside the import's transaction (`ingest.side`);
    nothing to do elsewhere."""
    if not side.SideFiles.available():
        yield
        return
    files = side.SideFiles(stage)
    # Largest first: the longest chain (export, shell, copy) starts at once; the month totals,
    # needed only once the transactions are in, last.
    by_rows = sorted(writes, key=lambda w: stage.files[w.table].rows, reverse=True)
    for w in by_rows[: side.MAX_FILES - 1]:
        if stage.files[w.table].rows < side.MIN_ROWS:
            break
        spec = table_spec(w.table)
        key = [w.cols.index(k) + 1 for k in spec.key]
        not_null = frozenset(i for i, c in enumerate(w.cols) if not spec.column(c).nullable)
        select = ", ".join(ident(c) for c in w.cols)
        files.add(w.table, f"SELECT {select} FROM {w.view}", order=key, not_null=not_null)
    txns = next((w for w in writes if w.table == "transactions"), None)
    if txns and "transactions" in files and table_is_empty("transactions"):
        every = frozenset(range(len(txn_totals.COLUMNS)))  # all NOT NULL
        files.add(
            txn_totals.TABLE,
            txn_totals.duckdb_select(txns.view),
            order=[1, 2, 3, 4],
            not_null=every,
        )
    with files.active():
        yield


def _load(stage: Stage, batch: ImportBatch, files: list[dict], writes: list[_Write], actor):
    """Write the checked batch (the caller holds the transaction)."""
    by_table = {f["table"]: f for f in files}
    fresh = frozenset(w.table for w in writes if table_is_empty(w.table))
    for t in history.history_tables(stage):
        changes = history.diff(stage, t, actor=actor, batch_id=batch.pk)
        by_table[t]["created"] = changes.created
        by_table[t]["updated"] = changes.updated
    with load.tuned_for_bulk():
        for w in writes:
            totals = nullcontext()
            if w.table == "transactions":
                totals = month_totals.first_load(stage, w.view)
            started = time.perf_counter()
            with totals, indexes.deferred_indexes(w.table, stage.files[w.table].rows, fresh):
                by_table[w.table]["written"] = load.upsert(stage, w.table, w.view, w.cols)
            by_table[w.table]["seconds"] = round(time.perf_counter() - started, 3)
            if w.table == "branches":
                rebuild_paths()


def run_import(
    path: str | Path,
    *,
    as_of: dt.date | None = None,
    user=None,
    source: str = "cli",
    progress: Callable[[int, str], None] | None = None,
) -> ImportResult:
    """Import the batch at `path`. Never raises for bad data (returns ok=False); raises
    FileNotFoundError when `path` does not exist. `progress(percent, message)` is told each
    phase (the background job shows it)."""
    path = Path(path)
    if not path.exists():
        raise ImportPathMissing(f"导入路径不存在：{path}", "path")
    actor = user if getattr(user, "is_authenticated", False) else None
    batch = ImportBatch.objects.create(
        user=actor, source=source, path=str(path)[:500], started_at=timezone.now()
    )
    try:
        with Heartbeat(batch, outcome=ImportBatch.Outcome.RUNNING):  # recover-jobs: ops.heartbeat
            return _run(path, batch, as_of, actor, progress or _silent)
    except Exception as exc:
        # A fault of the importer itself, not of the data: the person reads a Chinese message
        # with a reference number; the English traceback goes to the log only, under the same
        # number (and the request or job id the log line carries).
        reference = logs.fault_reference()
        log.exception("导入程序内部出错（参考编号 %s，批次 %s）", reference, batch.pk)
        reason = (
            f"导入程序内部出错，本批次未写入任何数据。请将参考编号 {reference} "
            "告知系统管理员（详细信息已记入服务器日志）"
        )
        batch.outcome = ImportBatch.Outcome.FAILED
        batch.finished_at = timezone.now()
        batch.error_count = max(batch.error_count, 1)
        batch.report = {
            "errors": [
                {
                    "level": "error",
                    "file": "",
                    "row": None,
                    "column": "",
                    "value": "",
                    "reason": reason,
                }
            ],
            "warnings": [],
        }
        batch.save()
        raise ImporterFault(reason, reference) from exc


class ImportPathMissing(DomainError, FileNotFoundError):
    """The path given to import does not exist: the person's input, said as is (not an
    internal fault); still a FileNotFoundError for the callers that catch that."""


class ImporterFault(Exception):
    """The importer failed for a reason of its own; `str()` is the Chinese message."""

    def __init__(self, message: str, reference: str):
        super().__init__(message)
        self.reference = reference


def _silent(percent: int, message: str) -> None:
    pass


def _run(path: Path, batch: ImportBatch, as_of, actor, progress) -> ImportResult:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[phase] = round(now - clock, 3)
        clock = now
        beat(ImportBatch, batch.pk, outcome=ImportBatch.Outcome.RUNNING)

    with Stage() as stage:
        progress(5, "正在检查文件")
        found = readers.discover(path)
        validate.create_issues_table(stage)
        validate.add_file_errors(stage, found.errors)
        for n, src in enumerate(found.sources):
            progress(10 + 40 * n // len(found.sources), f"正在读取 {src.display}")
            loaded = readers.load(stage.con, src, stage.workdir)
            stage.files[src.table] = loaded
            validate.add_file_errors(stage, loaded.errors)
        if not found.sources and not found.errors:
            report.add(
                stage, report.ERROR, path.name, "没有找到可导入的文件（文件名应为数据契约中的表名）"
            )
        lap("read")
        progress(50, "正在校验数据")
        validate.validate(stage)
        issues = report.collect(stage)
        lap("validate")
        files = _file_entries(stage)
        batch.files = files
        batch.ignored_files = found.ignored
        batch.rows = sum(f["rows"] for f in files)
        rows = {f["table"]: f["rows"] for f in files}
        ok = issues.error_count == 0
        if ok:
            batch.as_of = as_of or default_as_of(stage)
            progress(65, "校验通过，正在写入数据库")
            try:
                writes = _writes(stage)
                with _side_files(stage, writes), transaction.atomic():
                    lap("prepare")  # history tables known, side-file exports started
                    copy_was_empty = all(table_is_empty(t) for t in analytics_store.COPIED)
                    first_load = table_is_empty("customers")
                    _load(stage, batch, files, writes, actor)
                    batch.customers_touched = touched.customers(stage, first_load=first_load)
                    set_business_date(
                        batch.as_of, acting_user=actor, reason=f"数据导入批次{batch.pk}"
                    )
                    lap("load")
                    # The analytical copy's new generation, committed with the batch.
                    analytics_store.prepare_import(
                        stage,
                        batch,
                        writes,
                        was_empty=copy_was_empty,
                        last_batch_id=last_succeeded_batch_id(exclude=batch.pk),
                    )
                    failpoints.pause("import.analytics_prepared")  # reliability tests kill here
                    lap("analytics")
                    _finish(stage, batch, issues, ImportBatch.Outcome.SUCCEEDED)
                    transaction.on_commit(  # robust: a listener's fault cannot fail the batch
                        lambda: import_completed.send(sender=ImportBatch, batch=batch),
                        robust=True,
                    )
                lap("commit")  # the commit, plus whatever listens to import_completed
            except (DatabaseError, ValueError, side.SideFileError) as exc:
                log.exception("import batch %s failed while writing", batch.pk)
                report.add(stage, report.ERROR, "", write_failure(exc))
                issues = report.collect(stage)
                ok = False
            else:
                _refresh_statistics(files)  # the batch is in: nothing after this may undo it
                lap("statistics")
        if not ok:
            batch.as_of = as_of
            _finish(stage, batch, issues, ImportBatch.Outcome.FAILED)
    return ImportResult(
        batch=batch,
        ok=ok,
        errors=issues.errors,
        warnings=issues.warnings,
        rows=rows,
        timings=timings,
    )


def _refresh_statistics(files: list[dict]) -> None:
    """The planner's statistics of the tables just written. A failure here (a full disk, say)
    leaves the committed batch as it is: the statistics only make queries faster."""
    try:
        dbstats.refresh([f["table"] for f in files])
    except DatabaseError:
        log.warning("导入后更新统计信息失败（批次已成功导入）", exc_info=True)


DISK_FULL_SQLSTATE = "53100"  # PostgreSQL's disk_full


def write_failure(exc: BaseException) -> str:
    """The report's reason when the database refused the batch; a full disk is named as such
    (the operator's fix is space, not the data)."""
    cause = exc.__cause__ or exc
    text = str(exc)
    if getattr(cause, "sqlstate", None) == DISK_FULL_SQLSTATE or "disk is full" in text:
        return f"数据库磁盘空间不足，本批次未导入任何数据，原有数据未受影响；请扩容后重新导入（{text}）"
    return f"写入数据库失败，本批次未导入任何数据：{text}"


def _finish(stage: Stage, batch: ImportBatch, issues: report.Issues, outcome: str) -> None:
    csv_path = report_path(batch)
    report.write_csv(stage, csv_path)
    batch.report_csv = str(csv_path)
    batch.error_count = issues.error_count
    batch.warning_count = issues.warning_count
    batch.report = {
        "errors": report.stored(issues.errors),
        "warnings": report.stored(issues.warnings),
        "truncated": issues.error_count > report.KEPT_IN_BATCH
        or issues.warning_count > report.KEPT_IN_BATCH,
    }
    batch.outcome = outcome
    batch.finished_at = timezone.now()
    batch.save()
