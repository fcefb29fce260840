"""The demo bank's net capital, set once by `postloan demo` (see `demo/portfolio_risk.py`)."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from postloan.portfolio_risk.actions import run_monitoring, save_limits
from postloan.portfolio_risk.models import LimitVersion


def set_demo_net_capital(folder: Path, as_of: date) -> bool:
    """The demo bank's net capital (stories.json), recorded once as a limits version with its
    reason, then the day's 组合风险监测 again so that its concentration signals are there."""
    settings_ = json.loads((folder / "stories.json").read_text(encoding="utf-8"))
    fen = settings_.get("portfolio_risk", {}).get("settings", {}).get("net_capital_fen")
    if not fen or LimitVersion.objects.exists():
        return False
    save_limits({"net_capital": f"{Decimal(fen) / 100:.2f}"}, "演示银行设定的资本净额")
    run_monitoring(as_of)
    return True
