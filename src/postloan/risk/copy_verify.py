"""Does the copy screen like the database? The engine's outputs for one date, read both ways."""

from __future__ import annotations

import time
from datetime import date

from postloan.risk.actions.screening import add_workflow_inputs
from postloan.risk.engine.screen import screen
from postloan.risk.snapshot import build_snapshot
from postloan.risk.thresholds import current_thresholds


def screen_outputs(as_of: date, source: str) -> tuple[dict[str, list[tuple]], dict[str, float]]:
    """Every table the engine returns for `as_of` with its inputs read from `source`
    ("copy" or "database"), as sorted rows; and the seconds of the snapshot and the engine."""
    th = current_thresholds()
    started = time.perf_counter()
    con = build_snapshot(as_of, th, source=source)
    read = time.perf_counter() - started
    try:
        add_workflow_inputs(con)
        result = screen(con, as_of, th)
    finally:
        con.close()
    seconds = {"snapshot": round(read, 2), "engine": round(time.perf_counter() - started - read, 2)}
    out = {name: sorted(table.to_pylist(), key=repr) for name, table in result.tables().items()}
    return {k: [tuple(sorted(r.items())) for r in v] for k, v in out.items()}, seconds


def differences(as_of: date) -> dict[str, int]:
    """Per engine table, how many rows differ between screening from the copy and from the
    database (an empty dict: identical)."""
    copy, _ = screen_outputs(as_of, "copy")
    database, _ = screen_outputs(as_of, "database")
    diff = {}
    for name in database:
        a, b = set(copy.get(name, [])), set(database[name])
        if a != b or len(copy.get(name, [])) != len(database[name]):
            diff[name] = len(a ^ b) or abs(len(copy.get(name, [])) - len(database[name]))
    return diff
