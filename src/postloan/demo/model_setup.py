"""The demo's model: capture the as-of month, load the anchored history, fit, score."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from postloan.demo.history import HISTORY_FILE, anchored_history
from postloan.forecast import capture, fit, scoring
from postloan.forecast import history as store


def prepare_demo_model(folder: Path, as_of: date) -> dict:
    """After the demo bank's import and screening: its month-end history and a fitted model."""
    source = Path(folder) / HISTORY_FILE
    capture.capture_month(as_of)
    anchored = source.with_name("month_ends.anchored.parquet")
    anchored_history(source, store.month_path(as_of), anchored)
    store.load_backfill(anchored)
    version = fit.fit_and_backtest()
    return {"version": version, **scoring.score_latest(version)}
