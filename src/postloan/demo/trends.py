"""Seasonality and the story trends that bend revenue, invoices, inflows and balances."""

from __future__ import annotations

from postloan.demo.state import Customer

# Month 1..12: Spring Festival dip in February, year-end peak in December.
SEASON = (0.85, 0.6, 1.0, 1.0, 1.02, 1.05, 0.98, 0.97, 1.03, 1.0, 1.1, 1.35)

OTHER_BANK_DROP = (0.25, 0.3, 0.3, 0.4, 0.55, 0.7)  # index: months before the as-of month


def revenue_factor(c: Customer, months_ago: int) -> float:
    """What the customer really sells (statements and invoices follow it)."""
    if "falling_invoices" in c.stories:
        return 0.55 if months_ago < 9 else (0.8 if months_ago < 12 else 1.0)
    if "financial_deterioration" in c.stories:
        return 0.6 if months_ago < 12 else 0.95
    return 1.0


def inflow_factor(c: Customer, months_ago: int) -> float:
    """How much of it arrives on this bank's accounts."""
    factor = revenue_factor(c, months_ago)
    if "other_bank_proceeds" in c.stories and months_ago < len(OTHER_BANK_DROP):
        factor *= OTHER_BANK_DROP[months_ago]
    if "controller_missing" in c.stories and months_ago < 2:
        factor *= 0.2
    return factor


def balance_factor(c: Customer, months_ago: int) -> float:
    if "maturity_shortfall" in c.stories and months_ago < 2:
        return 0.004
    if "interest_shortfall" in c.stories and 1 <= months_ago <= 3:
        return 0.002  # the month-end balances before the last 结息日
    if "other_bank_proceeds" in c.stories and months_ago < 6:
        return 0.3
    if c.stories & {
        "controller_missing",
        "event_dishonest",
        "event_bankruptcy",
        "event_evade_debt",
    }:
        return 0.05 if months_ago < 3 else 1.0
    return 1.0


def frozen(c: Customer, months_ago: int) -> bool:
    return bool(c.stories & {"event_enforcement", "event_asset_seized"}) and months_ago < 2
