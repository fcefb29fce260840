"""预警阈值影响预览 — what a threshold change would do, before it is saved (issue 18 part 5).

The latest screening leaves its engine state behind: `keep()` writes the DuckDB tables the
signal rules name in their SQL (``in_*`` inputs, normalised, and ``eng_*`` tables) and the
signals it found to ``VAR_DIR/whatif/run-<id>.duckdb``. `preview()` opens that file read-only and re-runs,
with the engine's own rule functions (`engine.screen._insert_signals`), only the signal rules
the change touches — a rule whose SQL text differs between the thresholds in force and the
edited ones, the rules that read other signals (stage 2) and those that read the open signals
(``in_prior_signals``, refreshed from the database as a real re-screening would) — once with
the thresholds in force and once with the edited ones. The difference of the two signal sets
is the forecast: signals that appear, disappear or change level, by level and family; and the
customers who would enter or leave their unit's next 例会 agenda by the meeting plan's own
reasons (`meetings.planning.agenda_reasons`).

A threshold that decides what the screening reads from the database (a look-back window, the
large-outflow floor: the ``th.<name>`` the snapshot loader reads) cannot be answered from the
kept copy: then the edited thresholds' snapshot is read afresh and screened whole (slower; the
page says so).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

KEEP_DIR = "whatif"
SIGNAL_COLUMNS = "rule_id, family, level, customer_id, loan_id"
ALERT_LEVELS = ("orange", "red")  # the levels that put a customer on the 例会 agenda


def keep_dir() -> Path:
    return Path(settings.VAR_DIR) / KEEP_DIR


def _path(run_id: int) -> Path:
    return keep_dir() / f"run-{run_id}.duckdb"


# --- keeping the latest screening's engine state ------------------------------------------------


def keep(con, run, thresholds, result) -> Path | None:
    """Write the engine's temp tables and views (as tables) to this run's file; older files go.

    Called by `run_screening` right after the engine, on its DuckDB connection. A failure here
    is logged and costs the preview its fast path, never the screening."""
    import json

    from postloan.risk.engine.registry import META
    from postloan.risk.engine.thresholds import Thresholds

    started = time.perf_counter()
    not_run = {r["rule_id"] for r in result.not_evaluated.to_pylist() if r["customer_id"] is None}
    ran_rules = [rid for rid, m in META.items() if m.kind == "signal" and rid not in not_run]
    thresholds = thresholds or Thresholds()
    folder = keep_dir()
    folder.mkdir(parents=True, exist_ok=True)
    final = _path(run.pk)
    partial = final.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    try:
        objects = con.execute(
            "SELECT table_name, 'table' FROM duckdb_tables() WHERE temporary "
            "UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE temporary "
            "AND NOT internal"
        ).fetchall()
        read = rule_tables(run.as_of, thresholds, ran_rules)
        con.execute(f"ATTACH '{partial}' AS whatif_keep")
        try:
            for name, _kind in objects:
                if name not in read:
                    continue
                con.execute(f'CREATE TABLE whatif_keep."{name}" AS SELECT * FROM temp."{name}"')
            meta = {
                "run": run.pk,
                "as_of": run.as_of.isoformat(),
                "thresholds": _values(thresholds),
                "rules": sorted(ran_rules),
            }
            con.execute("CREATE TABLE whatif_keep.whatif_meta (meta VARCHAR)")
            con.execute("INSERT INTO whatif_keep.whatif_meta VALUES (?)", [json.dumps(meta)])
        finally:
            con.execute("DETACH whatif_keep")
        partial.rename(final)
    except Exception:  # noqa: BLE001 - the preview then reads a fresh snapshot
        log.warning("预警阈值影响预览：未能保存筛查 %s 的引擎数据", run.pk, exc_info=True)
        partial.unlink(missing_ok=True)
        return None
    last = latest_run()
    if last is not None:
        prune(last.pk)
    log.info(
        "预警阈值影响预览：保存筛查 %s 的引擎数据 %.1f 秒", run.pk, time.perf_counter() - started
    )
    return final


def rule_tables(as_of, thresholds, rule_ids) -> set[str]:
    """The engine tables the signal rules read (named in their SQL), and the signals: what the
    copy must hold. The monthly flows the engine has already summed per customer
    (``eng_cust_month``) are not read again, so the copy is about half the engine's state."""
    from postloan.risk.engine.registry import rules

    names = {"eng_signals"}
    for r in rules():
        if r.rule_id in rule_ids:
            names |= set(re.findall(r"\b((?:in|eng)_\w+)", _rule_sql(r, as_of, thresholds)))
    return names


def prune(latest_pk: int) -> None:
    """Remove every copy but the latest screening's and those of runs started after the newest
    succeeded one (a run still persisting, which may yet fail)."""
    from django.db.models import Max

    from postloan.risk import choices as ch
    from postloan.risk.models import ScreeningRun

    newest = ScreeningRun.objects.filter(status=ch.RunStatus.SUCCEEDED).aggregate(n=Max("pk"))["n"]
    for old in keep_dir().glob("run-*.duckdb"):
        number = old.stem.removeprefix("run-")
        if number.isdigit() and int(number) != latest_pk and int(number) <= (newest or 0):
            old.unlink(missing_ok=True)


def _values(thresholds) -> dict:
    from postloan.risk.thresholds import _jsonable

    return {k: _jsonable(v) for k, v in dataclasses.asdict(thresholds).items()}


def kept_file(run_id: int) -> Path | None:
    path = _path(run_id)
    return path if path.exists() else None


# --- what the snapshot loader reads --------------------------------------------------------------


def snapshot_fields() -> frozenset[str]:
    """The thresholds that shape what the screening reads from the database: every
    ``th.<name>`` in the snapshot loader and the window functions it calls (read from their
    source, so a loader that starts reading another threshold is followed)."""
    import inspect

    from postloan.risk import snapshot, snapshot_io
    from postloan.risk.engine import basis, figures, windows

    modules = [
        snapshot,
        windows,
        basis,
        figures,
        snapshot_io,
    ]  # figures: the trail EW-FUND-USE reads
    found: set[str] = set()
    for module in modules:
        found |= set(re.findall(r"\bth\.(\w+)", inspect.getsource(module)))
    return frozenset(found)


# --- the forecast -------------------------------------------------------------------------------


@dataclass
class AgendaChange:
    customer_id: str
    name: str
    unit: str
    meeting: str  # the next meeting, in words
    reasons_before: list[str]
    reasons_after: list[str]


@dataclass
class Preview:
    as_of: dt.date
    run_id: int
    changed: dict
    rules: list[str]  # the rules re-run
    fast: bool  # False: the snapshot was read afresh
    seconds: float
    appear: list[dict] = field(default_factory=list)
    disappear: list[dict] = field(default_factory=list)
    level_changes: list[dict] = field(default_factory=list)  # same signal, another level
    by_level_family: list[dict] = field(default_factory=list)
    enter: list[AgendaChange] = field(default_factory=list)
    leave: list[AgendaChange] = field(default_factory=list)
    before_total: int = 0
    after_total: int = 0
    # every signal either way as (rule, customer, loan): what the comparisons are made of
    keys_before: set = field(default_factory=set, repr=False)
    keys_after: set = field(default_factory=set, repr=False)


class PreviewUnavailable(Exception):
    """No screening to compare against: the message says so in Chinese."""


def _key(row) -> tuple:
    return (row["rule_id"], row["customer_id"], row["loan_id"] or "")


def _rule_sql(rule, as_of, thresholds) -> str:
    from postloan.risk.engine.context import Ctx

    return rule.query(Ctx(con=None, as_of=as_of, th=thresholds))


def affected_rules(as_of, ran: set[str], *threshold_sets) -> list:
    """The signal rules to run again: the SQL of any differs between the threshold sets, or
    the rule reads the other signals (stage 2) or the open ones (in_prior_signals)."""
    from postloan.risk.engine.registry import rules

    signal_rules = [r for r in rules() if r.meta.kind == "signal" and r.rule_id in ran]
    chosen = []
    changed_stage_1 = False
    for r in signal_rules:
        texts = [_rule_sql(r, as_of, th) for th in threshold_sets]
        differs = len(set(texts)) > 1
        if r.meta.stage == 1 and (differs or _reads_open_signals(r, as_of, threshold_sets[0])):
            chosen.append(r)
            changed_stage_1 = changed_stage_1 or differs
        elif r.meta.stage > 1 and (
            differs or changed_stage_1 or _reads_open_signals(r, as_of, threshold_sets[0])
        ):
            chosen.append(r)
    if changed_stage_1:  # stage 2 reads eng_signals: every stage-2 rule again
        chosen += [r for r in signal_rules if r.meta.stage > 1 and r not in chosen]
    return chosen


def _reads_open_signals(rule, as_of, thresholds) -> bool:
    return "prior_signals" in _rule_sql(rule, as_of, thresholds)


def _signal_rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _rerun(con, catalog: str, as_of, thresholds, chosen) -> list[dict]:
    """The screening's signals with the chosen rules run again under `thresholds`."""
    from postloan.risk.engine.context import Ctx, text
    from postloan.risk.engine.screen import _insert_signals

    ids = ", ".join(text(r.rule_id) for r in chosen) or "NULL"
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE eng_signals AS SELECT * FROM "{catalog}".main.eng_signals '
        f"WHERE rule_id NOT IN ({ids})"
    )
    ctx = Ctx(con=con, as_of=as_of, th=thresholds)
    for stage in (1, 2):
        for r in chosen:
            if r.meta.stage == stage:
                _insert_signals(ctx, r)
    return _signal_rows(con, f"SELECT {SIGNAL_COLUMNS} FROM eng_signals")


def _open_kept(path: Path):
    """An in-memory DuckDB reading the kept file (read-only) behind its own writable schema,
    with the open signals refreshed from the database and the engine's macros."""
    import duckdb

    from postloan.risk.actions.screening import add_workflow_inputs
    from postloan.risk.engine import basis, inputs
    from postloan.risk.snapshot import bounded_duckdb

    con = bounded_duckdb() if callable(bounded_duckdb) else duckdb.connect()
    con.execute(f"ATTACH '{path}' AS whatif_snap (READ_ONLY)")
    con.execute("SET search_path = 'memory.main,whatif_snap.main'")
    con.execute(basis.MACROS)
    add_workflow_inputs(con)
    select = inputs.normalised_select(con, "prior_signals", True)
    con.execute(f"CREATE OR REPLACE TEMP TABLE in_prior_signals AS {select}")
    return con


def _fresh_signals(as_of, thresholds) -> list[dict]:
    """The slow path: the edited thresholds' snapshot read from the database and screened."""
    from postloan.risk.actions.screening import add_workflow_inputs
    from postloan.risk.engine.screen import screen
    from postloan.risk.snapshot import build_snapshot

    con = build_snapshot(as_of, thresholds)
    try:
        add_workflow_inputs(con)
        result = screen(con, as_of, thresholds)
    finally:
        getattr(con, "close", lambda: None)()
    return [
        {k: r[k] for k in ("rule_id", "family", "level", "customer_id", "loan_id")}
        for r in result.signals.to_pylist()
    ]


def latest_run():
    from postloan.risk import choices as ch
    from postloan.risk.models import ScreeningRun

    return (
        ScreeningRun.objects.filter(status=ch.RunStatus.SUCCEEDED)
        .order_by("-as_of", "-finished_at", "-pk")
        .first()
    )


def preview(changed: dict, agenda=None) -> Preview:
    """The forecast for the thresholds in force with `changed` applied (field → value).

    `agenda` — the meetings room's `planning.agenda_reasons`, passed in by the caller that
    composes both rooms (`meetings/whatif.py`: risk sits below meetings and never imports it) —
    fills who would enter or leave the next meeting's agenda; without it those lists stay empty."""
    import json

    from postloan.risk.engine.thresholds import Thresholds
    from postloan.risk.thresholds import current_values

    started = time.perf_counter()
    run = latest_run()
    if run is None:
        raise PreviewUnavailable("还没有完成的筛查，无法预览阈值变化的影响；请先运行一次筛查")
    now_values = current_values()
    current = Thresholds.from_dict(now_values)
    edited = Thresholds.from_dict({**now_values, **changed})
    as_of = run.as_of
    prune(run.pk)
    path = kept_file(run.pk)
    reads = snapshot_fields()
    kept = meta = None
    if path is not None:
        import duckdb

        probe = duckdb.connect(str(path), read_only=True)
        try:
            meta = json.loads(probe.execute("SELECT meta FROM whatif_meta").fetchone()[0])
        finally:
            probe.close()
        kept = Thresholds.from_dict(meta["thresholds"])

    def answers(th) -> bool:  # the kept copy holds every row these thresholds read
        return kept is not None and all(getattr(kept, f) == getattr(th, f) for f in reads)

    rule_ids = ["全部"]
    before = after = None
    if answers(current) or answers(edited):
        chosen = affected_rules(as_of, set(meta["rules"]), kept, current, edited)
        rule_ids = [r.rule_id for r in chosen]
        con = _open_kept(path)
        try:
            if kept == current and not any(_reads_open_signals(r, as_of, kept) for r in chosen):
                # nothing the screening saw has changed for the thresholds in force: its own
                # signals are the baseline (half the work)
                before = _signal_rows(
                    con, f'SELECT {SIGNAL_COLUMNS} FROM "whatif_snap".main.eng_signals'
                )
            elif answers(current):
                before = _rerun(con, "whatif_snap", as_of, current, chosen)
            after = _rerun(con, "whatif_snap", as_of, edited, chosen) if answers(edited) else None
        finally:
            con.close()
    fast = before is not None and after is not None
    if before is None:
        before = _fresh_signals(as_of, current)
    if after is None:
        after = _fresh_signals(as_of, edited)
    result = Preview(
        as_of=as_of,
        run_id=run.pk,
        changed=changed,
        rules=rule_ids,
        fast=fast,
        seconds=0.0,
    )
    _compare(result, before, after)
    if agenda is not None:
        _agenda(result, before, after, agenda)
    result.seconds = round(time.perf_counter() - started, 2)
    log.info(
        "预警阈值影响预览：%s，重算规则 %s，%.2f 秒", changed, ",".join(rule_ids), result.seconds
    )
    return result


SHOWN = 100  # rows of each list on the page; the counts cover all


def _compare(result: Preview, before: list[dict], after: list[dict]) -> None:
    from postloan.portfolio.models import Customer
    from postloan.risk.engine.registry import FAMILY_ZH, LEVEL_ORDER

    old = {_key(r): r for r in before}
    new = {_key(r): r for r in after}
    result.keys_before, result.keys_after = set(old), set(new)
    result.before_total, result.after_total = len(old), len(new)
    both = set(old) & set(new)
    moved = sorted(k for k in both if old[k]["level"] != new[k]["level"])

    def shown(r, was=None):
        return {
            "rule_id": r["rule_id"],
            "customer_id": r["customer_id"],
            "loan_id": r["loan_id"] or "",
            "level": r["level"],
            "before": was,
            "family": FAMILY_ZH.get(r["family"], r["family"]),
        }

    result.appear = [shown(new[k]) for k in sorted(set(new) - set(old))]
    result.disappear = [shown(old[k]) for k in sorted(set(old) - set(new))]
    result.level_changes = [shown(new[k], old[k]["level"]) for k in moved]
    up = Counter((r["level"], r["family"]) for k, r in new.items() if k not in old)
    down = Counter((r["level"], r["family"]) for k, r in old.items() if k not in new)
    for k in moved:
        up[(new[k]["level"], new[k]["family"])] += 1
        down[(old[k]["level"], old[k]["family"])] += 1
    families = list(FAMILY_ZH)
    result.by_level_family = [
        {
            "level": level,
            "family": FAMILY_ZH.get(family, family),
            "appear": up[(level, family)],
            "disappear": down[(level, family)],
        }
        for level, family in sorted(
            set(up) | set(down),
            key=lambda p: (
                -LEVEL_ORDER.get(p[0], 0),
                families.index(p[1]) if p[1] in families else 99,
            ),
        )
    ]
    rows = result.appear[:SHOWN] + result.disappear[:SHOWN] + result.level_changes[:SHOWN]
    names = dict(
        Customer.objects.filter(pk__in={r["customer_id"] for r in rows}).values_list(
            "customer_id", "name"
        )
    )
    for r in rows:
        r["name"] = names.get(r["customer_id"], r["customer_id"])


def _open_alerts_after(rows: list[dict], customer_ids: set[str]) -> set[str]:
    """Customers with an open orange/red signal after a screening that produced `rows`, as
    `_persist_signals` leaves them: a produced signal sets the level of the open one with its
    key (or opens a new one); an open signal the screening no longer produces stays open at its
    level until someone releases it."""
    from postloan.risk import choices as ch
    from postloan.risk.models import Signal

    level = {
        (s[0], s[1], s[2]): s[3]
        for s in Signal.objects.filter(customer_id__in=customer_ids)
        .exclude(status=ch.SignalStatus.RELEASED)
        .values_list("rule_id", "customer_id", "loan_key", "level")
    }
    for r in rows:
        if r["customer_id"] in customer_ids:
            level[_key(r)] = r["level"]
    return {key[1] for key, lv in level.items() if lv in ALERT_LEVELS}


def _agenda(result: Preview, before: list[dict], after: list[dict], agenda_reasons) -> None:
    """Who would enter or leave the next meeting's agenda of their unit."""
    old = {_key(r): r for r in before}
    new = {_key(r): r for r in after}
    touched = {k[1] for k in set(old) ^ set(new)}
    touched |= {k[1] for k in set(old) & set(new) if old[k]["level"] != new[k]["level"]}
    if not touched:
        return
    alerts_before = _open_alerts_after(before, touched)
    alerts_after = _open_alerts_after(after, touched)
    for change in agenda_reasons(touched, alerts_before, alerts_after, result.as_of):
        (result.enter if change.reasons_after else result.leave).append(change)
