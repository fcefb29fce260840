"""The practice defaults (`~` in early-warning.md) as one frozen, named set of thresholds.

The risk department may change any of them; the engine only reads a `Thresholds` value.
Ratios are `Decimal` so every comparison in SQL is exact decimal arithmetic on integer fen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from decimal import Decimal


@dataclass(frozen=True)
class Thresholds:
    # repayment (EW-DPD levels and funds checks)
    dpd_warning_from: int = 8
    dpd_orange_over: int = 30
    dpd_red_over: int = 90
    maturity_funds_days_before: int = 3
    interest_funds_days_before: int = 3
    interest_funds_days_after: int = 45  # the last 结息日 is looked back on this long
    # account (销售归行率, inflow, fund use, large outflows)
    return_ratio_min: Decimal = Decimal("0.50")
    return_ratio_drop_points: Decimal = Decimal("0.20")
    inflow_drop_yellow: Decimal = Decimal("0.70")
    inflow_drop_orange: Decimal = Decimal("0.50")
    fund_use_window_days: int = 30
    fund_use_lookback_days: int = 90
    fund_use_payee_differs_share: Decimal = Decimal("0.50")
    fund_use_keywords: tuple[str, ...] = ("房地产", "置业", "地产", "证券", "期货")
    large_outflow_share: Decimal = Decimal("0.30")
    large_outflow_floor_fen: int = 5_000_000
    large_outflow_lookback_days: int = 30
    # financial statements and tax invoices
    revenue_drop_orange: Decimal = Decimal("0.20")
    revenue_drop_red: Decimal = Decimal("0.30")
    debt_ratio_max: Decimal = Decimal("0.70")
    debt_ratio_rise_points: Decimal = Decimal("0.10")
    current_ratio_min: Decimal = Decimal("1.0")
    tax_drop: Decimal = Decimal("0.30")
    tax_window_months: int = 3
    # credit reports (征信)
    credit_debt_jump: Decimal = Decimal("0.30")
    guarantees_to_net_assets: Decimal = Decimal("1.00")
    # judicial
    litigation_red_share_of_net_assets: Decimal = Decimal("0.10")
    # collateral
    collateral_value_drop: Decimal = Decimal("0.80")
    ltv_real_estate: Decimal = Decimal("0.70")
    ltv_land: Decimal = Decimal("0.70")
    ltv_equipment: Decimal = Decimal("0.50")
    ltv_equity: Decimal = Decimal("0.50")
    ltv_deposit: Decimal = Decimal("0.90")
    appraisal_stale_months: int = 12
    appraisal_stale_months_equity_bill: int = 6
    # inspections
    inspection_finding_lookback_days: int = 365

    @classmethod
    def from_dict(cls, values: dict | None) -> Thresholds:
        """Build from a mapping of field name → value (strings allowed); unknown names refused."""
        values = dict(values or {})
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"未知的预警阈值：{', '.join(unknown)}")
        converted = {}
        for name, raw in values.items():
            default = getattr(cls, name)
            try:
                if isinstance(default, Decimal):
                    converted[name] = Decimal(str(raw))
                elif isinstance(default, bool):
                    converted[name] = bool(raw)
                elif isinstance(default, int):
                    converted[name] = int(raw)
                elif isinstance(default, tuple):
                    items = raw.split(",") if isinstance(raw, str) else raw
                    converted[name] = tuple(str(x).strip() for x in items if str(x).strip())
                else:
                    converted[name] = raw
            except (ArithmeticError, ValueError, TypeError) as exc:
                raise ValueError(f"预警阈值 {name} 的取值无效：{raw!r}") from exc
        return cls(**converted)

    def as_dict(self) -> dict:
        return asdict(self)
