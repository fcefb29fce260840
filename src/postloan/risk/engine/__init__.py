"""The screening engine (贷后风险筛查): a pure, set-based core over DuckDB.

No Django import anywhere in this package. Inputs are contract-shaped tables in a DuckDB
connection; `screen()` returns Arrow tables: DPD, classification floors and suggestions,
early-warning signals, not-evaluated rows, the per-customer risk view, group review tasks and
data issues. Rule metadata (ids, families, levels, articles) lives in `registry.py`.
"""

from postloan.risk.engine.registry import META, rules
from postloan.risk.engine.screen import ScreeningResult, screen
from postloan.risk.engine.thresholds import Thresholds

__all__ = ["META", "ScreeningResult", "Thresholds", "rules", "screen"]
