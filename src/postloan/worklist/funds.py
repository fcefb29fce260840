"""Funds checks (资金落实): does the customer's settlement account hold what falls due?

One query reads the latest end-of-day balance (on or before the check date) of every
settlement account of the customers concerned. A task whose data are missing says why:
no settlement account, no balance rows, no amount (e.g. a loan without an interest rate).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from postloan.core.fields import from_fen
from postloan.core.formats import yuan_text

STALE_DAYS = 7


@dataclass
class FundsResult:
    status: str  # sufficient | short | unknown
    required: Decimal | None
    available: Decimal | None
    shortfall: Decimal | None
    message: str
    balance_date: dt.date | None = None

    @property
    def label(self) -> str:
        return {"sufficient": "资金充足", "short": "资金不足", "unknown": "无法核实"}[self.status]

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "required": str(self.required) if self.required is not None else None,
            "available": str(self.available) if self.available is not None else None,
            "shortfall": str(self.shortfall) if self.shortfall is not None else None,
            "message": self.message,
            "balance_date": self.balance_date.isoformat() if self.balance_date else None,
        }


def settlement_balances(customer_ids, on: dt.date) -> dict[str, dict]:
    """{customer_id: {accounts, with_balance, available (Decimal), oldest_date, frozen}}."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    marks = ",".join(["%s"] * len(ids))
    sql = f"""
        SELECT a.customer_id, a.account_id, b.balance, b.balance_date, b.frozen
        FROM accounts a
        LEFT JOIN account_balances b ON b.id = (
            SELECT b2.id FROM account_balances b2
            WHERE b2.account_id = a.account_id AND b2.balance_date <= %s
            ORDER BY b2.balance_date DESC LIMIT 1)
        WHERE a.type = 'settlement' AND a.customer_id IN ({marks})
    """
    out: dict[str, dict] = {}
    with connection.cursor() as cur:
        cur.execute(sql, [on, *ids])
        rows = cur.fetchall()
    for customer_id, _account, balance_fen, balance_date, frozen in rows:
        info = out.setdefault(
            customer_id,
            {"accounts": 0, "with_balance": 0, "available": Decimal("0"), "dates": [], "frozen": 0},
        )
        info["accounts"] += 1
        if balance_fen is None:
            continue
        if isinstance(balance_date, str):
            balance_date = dt.date.fromisoformat(balance_date)
        info["with_balance"] += 1
        info["dates"].append(balance_date)
        if frozen:
            info["frozen"] += 1
        else:
            info["available"] += from_fen(int(balance_fen))
    return out


def evaluate(required: Decimal | None, info: dict | None, on: dt.date) -> FundsResult:
    if required is None:
        return FundsResult("unknown", None, None, None, "无法计算应落实金额（借据缺少利率等数据）")
    if not info or info["accounts"] == 0:
        return FundsResult("unknown", required, None, None, "客户无结算账户，无法核实资金")
    if info["with_balance"] == 0:
        return FundsResult(
            "unknown", required, None, None, f"结算账户在{on:%Y-%m-%d}前无余额数据，无法核实资金"
        )
    available = info["available"]
    oldest = min(info["dates"])
    notes = []
    if (on - oldest).days > STALE_DAYS:
        notes.append(f"余额数据截至{oldest:%Y-%m-%d}")
    if info["frozen"]:
        notes.append(f"{info['frozen']}个账户冻结，余额未计入")
    shortfall = max(required - available, Decimal("0"))
    status = "sufficient" if shortfall == 0 else "short"
    head = (
        "结算账户余额足以覆盖应还金额"
        if status == "sufficient"
        else f"资金缺口{yuan_text(shortfall)}"
    )
    return FundsResult(status, required, available, shortfall, "；".join([head, *notes]), oldest)


def check_tasks(tasks, as_of: dt.date) -> dict[int, FundsResult]:
    """Funds-check results for calendar tasks, balances as of min(as_of, event date)."""
    tasks = [t for t in tasks if t.is_funds_check]
    by_date: dict[dt.date, list] = {}
    for task in tasks:
        by_date.setdefault(min(as_of, task.event_date), []).append(task)
    results = {}
    for on, group in by_date.items():
        balances = settlement_balances([t.customer_id for t in group], on)
        for task in group:
            results[task.pk] = evaluate(task.amount_due, balances.get(task.customer_id), on)
    return results
