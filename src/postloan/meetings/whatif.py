"""预警阈值影响预览 with the agenda: the risk room's forecast of signals (`risk.whatif`) and, from
this room's meeting plan, who would enter or leave their unit's next agenda. Risk sits below
meetings, so the two are put together here; the page and `postloan bench` call this."""

from __future__ import annotations

import time

from postloan.meetings.planning import agenda_reasons
from postloan.risk import whatif
from postloan.risk.whatif import PreviewUnavailable, latest_run

__all__ = ["PreviewUnavailable", "bench", "bench_whatif", "preview"]


def preview(changed: dict) -> whatif.Preview:
    """The signal forecast for `changed` with the agenda changes it brings."""
    return whatif.preview(changed, agenda=agenda_reasons)


# Edits a risk manager makes, each answered from the kept copy but the last (a snapshot window).
BENCH_CHANGES = (
    {"dpd_orange_over": 45},
    {"debt_ratio_max": "0.60", "current_ratio_min": "1.2"},
    {"return_ratio_min": "0.60", "inflow_drop_yellow": "0.80"},
    {"collateral_value_drop": "0.90", "appraisal_stale_months": 6},
    {"large_outflow_floor_fen": 2_000_000},
)


def bench(changes=BENCH_CHANGES) -> dict:
    """Time `preview` for each edit on the current database (for `postloan bench`): seconds,
    the path taken, the rules re-run and what the forecast found."""
    rows = []
    for changed in changes:
        started = time.perf_counter()
        p = preview(dict(changed))
        rows.append(
            {
                "changed": dict(changed),
                "seconds": round(time.perf_counter() - started, 2),
                "fast": p.fast,
                "rules": p.rules,
                "signals_before": p.before_total,
                "signals_after": p.after_total,
                "appear": len(p.appear),
                "disappear": len(p.disappear),
                "level_changes": len(p.level_changes),
                "agenda_enter": len(p.enter),
                "agenda_leave": len(p.leave),
            }
        )
    run = latest_run()
    return {"as_of": run.as_of.isoformat() if run else None, "previews": rows}


def bench_whatif(folder, as_of) -> dict:
    """`postloan bench`'s what-if phase (`ops.bench.BENCH_HOOKS`): every edit of `BENCH_CHANGES`
    previewed on the bench's bank; its figure is the slowest answer from the kept copy (the
    edits of a snapshot window, answered by a fresh screening, are listed beside it)."""
    figures = bench()
    kept = [p["seconds"] for p in figures["previews"] if p["fast"]]
    return {"seconds": max(kept) if kept else None, **figures}
