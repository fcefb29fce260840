"""Run the screening for a business date and persist everything it found, in bulk, atomically.

The engine computes (``postloan.risk.snapshot``); this module only writes. No per-row
queries: one query fetches each kind of existing row; the big result tables (assessments, the
customers' risk view) are shaped in DuckDB and replaced set-based (`result_tables`), the rest
go through bulk_create / update_rows.
"""

import datetime as dt
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from postloan.core import dbstats, failpoints
from postloan.core.audit import record
from postloan.core.bulk import update_rows
from postloan.ops.heartbeat import Heartbeat, beat
from postloan.portfolio.models import Customer
from postloan.risk import choices as ch
from postloan.risk.actions import changes, result_tables
from postloan.risk.catalogue import MODEL_RULE_ID
from postloan.risk.current import refresh_decided_classes
from postloan.risk.engine.screen import screen
from postloan.risk.models import (
    CustomerRiskView,
    DataIssue,
    FundUseTrailRow,
    GroupReviewTask,
    LoanAssessment,
    NotEvaluated,
    SalesReturnMonth,
    ScreeningRun,
    Signal,
    SignalStep,
    ThresholdVersion,
)
from postloan.risk.snapshot import bounded_duckdb, build_snapshot
from postloan.risk.thresholds import current_thresholds

log = logging.getLogger(__name__)

BATCH = 2000
LEVELS = tuple(ch.SignalLevel.values)
RESULT_TABLES = tuple(
    m._meta.db_table
    for m in (LoanAssessment, CustomerRiskView, Signal, NotEvaluated, DataIssue)
    + (SalesReturnMonth, FundUseTrailRow)
)
FAMILIES = tuple(ch.SignalFamily.values)
DEFAULT_SIGNAL_DUE_DAYS = {"red": 3, "orange": 5, "yellow": 10}


def signal_due_days() -> dict[str, int]:
    return {**DEFAULT_SIGNAL_DUE_DAYS, **getattr(settings, "POSTLOAN_SIGNAL_DUE_DAYS", {})}


def run_screening(
    as_of: dt.date, acting_user=None, source: str = "cli", result: Any = None
) -> ScreeningRun:
    """Screen the portfolio as of `as_of` and replace that date's results.

    The run row is written first (status 运行中); the results are persisted in ONE
    transaction, so a failed or killed screening leaves the previous results intact.
    `result`: the engine's result computed elsewhere — the partition workers' shares merged
    (`risk.partition`, the coordinator of `postloan screen --partitions N`) — persisted as is.
    """
    run = ScreeningRun.objects.create(
        as_of=as_of,
        source=source,
        threshold_version=ThresholdVersion.current(),
        triggered_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    clock = [time.perf_counter()]
    seconds: dict[str, float] = {}

    def lap(phase: str) -> None:
        now = time.perf_counter()
        seconds[phase] = round(now - clock[0], 2)
        clock[0] = now
        beat(ScreeningRun, run.pk, status=ch.RunStatus.RUNNING)

    heart = Heartbeat(run, status=ch.RunStatus.RUNNING).start()  # recover-jobs: ops.heartbeat
    try:
        if result is None:
            result = _screen_here(run, as_of, lap)
        with transaction.atomic():
            counts = persist_result(result, as_of, run=run)
            run.status = ch.RunStatus.SUCCEEDED
            run.finished_at = timezone.now()
            run.counts = counts
            run.save(update_fields=["status", "finished_at", "counts", "changed_customers"])
            record(
                actor=acting_user,
                action="risk.run_screening",
                obj=run,
                after={"as_of": as_of.isoformat(), "source": source, "counts": counts},
            )
            failpoints.pause("screening.persisted")  # the reliability tests kill it here
            lap("persist")
        lap("commit")  # with what runs on it: the worklist's re-plan
    except Exception as exc:
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=ch.RunStatus.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000]
        )
        raise
    finally:
        heart.stop()
    dbstats.refresh(RESULT_TABLES)
    lap("statistics")
    log.info(
        "筛查 %s（运行 %s）用时：%s",
        as_of,
        run.pk,
        "，".join(f"{phase} {s:.1f} 秒" for phase, s in seconds.items()),
    )
    return run


def _screen_here(run: ScreeningRun, as_of: dt.date, lap) -> Any:
    thresholds = current_thresholds()
    con = build_snapshot(as_of, thresholds)
    lap("snapshot")
    try:
        add_workflow_inputs(con)
        result = screen(con, as_of, thresholds)
        lap("engine")
        if getattr(settings, "POSTLOAN_WHATIF_KEEP", True):
            from postloan.risk import whatif  # 预警阈值影响预览 reads this run's engine state

            whatif.keep(con, run, thresholds, result)
            lap("whatif")
    finally:
        close = getattr(con, "close", None)
        if close is not None:
            close()
    return result


# --- the workflow's own inputs to the engine ----------------------------------------------------


def add_workflow_inputs(con) -> None:
    """Give the engine what people decided, unless the snapshot already holds it:
    ``prior_signals`` (open signals) and ``classification_history`` (confirmed classes)."""
    import pyarrow as pa  # deferred: ~0.9 s to import, only the screening needs it

    existing = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    inputs = {
        "prior_signals": (
            ("rule_id", "customer_id", "loan_id", "status", "level"),
            Signal.objects.exclude(status=ch.SignalStatus.RELEASED).values_list(
                "rule_id", "customer_id", "loan_id", "status", "level"
            ),
            pa.string(),
        ),
        "classification_history": (
            ("loan_id", "as_of", "class", "confirmed"),
            LoanAssessment.objects.filter(status=ch.AssessmentStatus.CONFIRMED).values_list(
                "loan_id", "as_of", "confirmed_class", "status"
            ),
            None,
        ),
    }
    for name, (columns, rows, _) in inputs.items():
        if name in existing:
            continue
        data = list(zip(*rows, strict=True)) or [[] for _ in columns]
        if name == "classification_history":
            arrays = [
                pa.array(list(data[0]), pa.string()),
                pa.array(list(data[1]), pa.date32()),
                pa.array(list(data[2]), pa.string()),
                pa.array([True] * len(data[0]), pa.bool_()),
            ]
        else:
            arrays = [pa.array(list(col), pa.string()) for col in data]
        table = pa.Table.from_arrays(arrays, names=list(columns))
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")


# --- reading the engine's result ---------------------------------------------------------------


def table_rows(result: Any, name: str) -> list[dict]:
    """The rows of one of the result's Arrow tables (missing tables are empty)."""
    table = result.get(name) if isinstance(result, dict) else getattr(result, name, None)
    if table is None:
        return []
    if hasattr(table, "to_pylist"):
        return table.to_pylist()
    return list(table)


def _json(value) -> Any:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return {"text": value}
    return value


# --- persistence ---------------------------------------------------------------------------


def persist_result(result: Any, as_of: dt.date, run: ScreeningRun | None = None) -> dict:
    """Write a screening result for `as_of`; call inside a transaction."""
    counts: dict[str, int] = {}
    duck = bounded_duckdb()  # shapes the big tables' rows (`result_tables`)
    try:
        counts.update(result_tables.replace_assessments(duck, result, as_of, run and run.pk))
        # what people decided up to the date, on the rows that lack it (`risk.current`)
        refresh_decided_classes(LoanAssessment.objects.filter(as_of=as_of))
        if run is not None:  # what the worklist's next plan re-plans (`changes`)
            run.changed_customers = changes.changed_customers(duck, as_of)
        counts["not_evaluated"] = _replace_not_evaluated(result, as_of)
        counts["data_issues"] = _replace_data_issues(result, as_of)
        counts.update(result_tables.replace_risk_views(duck, result, as_of))
        counts.update(result_tables.replace_return_months(duck, result, as_of))
        counts.update(result_tables.replace_fund_use_trails(duck, result, as_of))
    finally:
        duck.close()
    counts["review_tasks"] = _open_review_tasks(result, as_of)
    counts.update(_persist_signals(result, as_of))
    return counts


def _replace_not_evaluated(result, as_of: dt.date) -> int:
    objs = [
        NotEvaluated(
            as_of=as_of,
            customer_id=r.get("customer_id") or None,
            rule_id=r.get("rule_id", ""),
            reason=r.get("reason_zh") or r.get("reason") or "",
        )
        for r in table_rows(result, "not_evaluated")
    ]
    return _replace_changed(NotEvaluated, as_of, objs, ("customer_id", "rule_id", "reason"))


def _replace_data_issues(result, as_of: dt.date) -> int:
    objs = []
    for r in table_rows(result, "data_issues"):
        objs.append(
            DataIssue(
                as_of=as_of,
                table=str(r.get("table") or r.get("table_name") or "")[:40],
                key=str(r.get("row_key") or r.get("key") or r.get("loan_id") or "")[:120],
                issue=str(r.get("issue") or r.get("issue_code") or "")[:64],
                detail=str(r.get("detail_zh") or r.get("detail") or ""),
            )
        )
    return _replace_changed(DataIssue, as_of, objs, ("table", "key", "issue", "detail"))


def _replace_changed(model, as_of: dt.date, objs: list, fields: tuple[str, ...]) -> int:
    """Make the date's rows of `model` those of `objs`, by content: a stored row equal to a new
    one stays as it is; the others are deleted (by id, in bounded statements) or inserted."""
    stored: dict[tuple, list[int]] = {}
    for pk, *values in model.objects.filter(as_of=as_of).values_list("pk", *fields):
        stored.setdefault(tuple(values), []).append(pk)
    new = []
    for obj in objs:
        same = stored.get(tuple(getattr(obj, f) for f in fields))
        if same:
            same.pop()
        else:
            new.append(obj)
    gone = [pk for pks in stored.values() for pk in pks]
    for start in range(0, len(gone), 10_000):
        model.objects.filter(pk__in=gone[start : start + 10_000]).delete()
    model.objects.bulk_create(new, batch_size=BATCH)
    return len(objs)


def _open_review_tasks(result, as_of: dt.date) -> int:
    rows = table_rows(result, "review_tasks")
    if not rows:
        return 0
    open_pairs = set(
        GroupReviewTask.objects.filter(status=ch.ReviewTaskStatus.OPEN).values_list(
            "customer_id", "trigger_customer_id"
        )
    )
    objs = []
    for r in rows:
        member = r.get("customer_id") or r.get("member_customer_id")
        trigger = r.get("trigger_customer_id") or r.get("npl_customer_id")
        if not member or not trigger or (member, trigger) in open_pairs:
            continue
        open_pairs.add((member, trigger))
        objs.append(
            GroupReviewTask(
                customer_id=member,
                trigger_customer_id=trigger,
                group_id=r.get("group_id") or "",
                reason=r.get("reason_zh") or "",
                created_on=as_of,
            )
        )
    GroupReviewTask.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


def _persist_signals(result, as_of: dt.date) -> dict[str, int]:
    rows = table_rows(result, "signals")
    open_signals = {
        (s.rule_id, s.customer_id, s.loan_key): s
        for s in Signal.objects.exclude(status=ch.SignalStatus.RELEASED).only(
            "id",
            "rule_id",
            "customer_id",
            "loan_key",
            "last_seen_on",
            "level",
            "evidence",
            "summary",
            "still_firing",
        )
    }
    due_days = signal_due_days()
    customer_ids = {r["customer_id"] for r in rows}
    customers = (
        Customer.objects.filter(pk__in=customer_ids)
        if len(customer_ids) < 500
        else Customer.objects.all()
    )
    managers = dict(customers.values_list("customer_id", "manager_id"))
    to_update: list[Signal] = []
    to_create: dict[tuple, Signal] = {}
    unchanged = 0
    for r in rows:
        loan_key = r.get("loan_id") or ""
        key = (r["rule_id"], r["customer_id"], loan_key)
        evidence = _json(r.get("evidence"))
        summary = r.get("summary_zh") or r.get("summary") or ""
        current = open_signals.get(key)
        if current is not None:
            if current.last_seen_on > as_of:
                continue  # an older date re-screened: keep the newer evidence
            if (current.level, current.evidence, current.summary, current.last_seen_on) == (
                r["level"],
                evidence,
                summary,
                as_of,
            ) and current.still_firing:
                unchanged += 1
                continue  # the same date screened again with the same finding: not rewritten
            current.level = r["level"]
            current.evidence = evidence
            current.summary = summary
            current.last_seen_on = as_of
            current.still_firing = True
            to_update.append(current)
        elif key not in to_create:
            to_create[key] = Signal(
                rule_id=r["rule_id"],
                family=r.get("family") or "",
                level=r["level"],
                customer_id=r["customer_id"],
                loan_id=loan_key or None,
                loan_key=loan_key,
                status=ch.SignalStatus.ISSUED,
                raised_on=as_of,
                last_seen_on=as_of,
                still_firing=True,
                evidence=evidence,
                summary=summary,
                owner_id=managers.get(r["customer_id"]),
                due_date=as_of + dt.timedelta(days=int(due_days.get(r["level"], 10))),
            )
    update_rows(Signal, to_update, ["level", "evidence", "summary", "last_seen_on", "still_firing"])
    created = Signal.objects.bulk_create(list(to_create.values()), batch_size=BATCH)
    SignalStep.objects.bulk_create(
        [
            SignalStep(
                signal_id=s.pk,
                from_status="",
                to_status=ch.SignalStatus.ISSUED,
                note=f"筛查发布：{s.summary}"[:2000],
                due_date=s.due_date,
            )
            for s in created
            if s.pk is not None
        ],
        batch_size=BATCH,
    )
    stale = (
        Signal.objects.filter(manual=False, still_firing=True, last_seen_on__lt=as_of)
        .exclude(status=ch.SignalStatus.RELEASED)
        .exclude(rule_id=MODEL_RULE_ID)  # the model's monthly scoring keeps its own
        .update(still_firing=False)
    )
    return {
        "signals": len(rows),
        "signals_new": len(created),
        "signals_updated": len(to_update),
        "signals_unchanged": unchanged,
        "signals_no_longer_firing": stale,
    }
