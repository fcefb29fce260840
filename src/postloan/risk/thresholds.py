"""The early-warning thresholds in force: the latest saved version over the engine's defaults."""

import dataclasses
from decimal import Decimal
from typing import Any

from postloan.risk.engine.thresholds import Thresholds
from postloan.risk.models import ThresholdVersion


def default_values() -> dict[str, Any]:
    return {
        f.name: _jsonable(getattr(Thresholds(), f.name)) for f in dataclasses.fields(Thresholds)
    }


def current_values() -> dict[str, Any]:
    values = default_values()
    version = ThresholdVersion.current()
    if version is not None:
        values.update({k: v for k, v in version.values.items() if k in values})
    return values


def current_thresholds() -> Thresholds:
    """The engine's `Thresholds` in force: the latest saved version over the defaults."""
    return Thresholds.from_dict(current_values())


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | frozenset | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


# What each threshold is called on the 预警阈值 page (early-warning.md), with the unit of its
# value; amounts the engine holds in fen (`…_fen`) are shown and entered in 元.
LABELS: dict[str, tuple[str, str]] = {
    "dpd_warning_from": ("逾期预警起点（逾期天数达到此数起预警）", "天"),
    "dpd_orange_over": ("逾期橙色预警（超过天数）", "天"),
    "dpd_red_over": ("逾期红色预警（超过天数）", "天"),
    "maturity_funds_days_before": ("到期前检查账户资金的天数", "天"),
    "interest_funds_days_before": ("结息日前检查账户资金的天数", "天"),
    "interest_funds_days_after": ("回看最近结息日的天数", "天"),
    "return_ratio_min": ("销售资金归行率下限（比例，如 0.50）", "比例"),
    "return_ratio_drop_points": ("归行率下降幅度（百分点，如 0.20）", "比例"),
    "inflow_drop_yellow": ("账户流入降至前期的比例（黄色）", "比例"),
    "inflow_drop_orange": ("账户流入降至前期的比例（橙色）", "比例"),
    "fund_use_window_days": ("放款后监测资金流向的天数", "天"),
    "fund_use_lookback_days": ("资金用途回看天数", "天"),
    "fund_use_payee_differs_share": ("收款人与合同不符的金额占比", "比例"),
    "fund_use_keywords": ("资金流向限制行业关键词（以逗号分隔）", "词"),
    "large_outflow_share": ("大额流出占当月流入的比例", "比例"),
    "large_outflow_floor_fen": ("大额流出金额下限（元）", "元"),
    "large_outflow_lookback_days": ("大额流出回看天数", "天"),
    "revenue_drop_orange": ("营业收入同比下降幅度（橙色）", "比例"),
    "revenue_drop_red": ("营业收入同比下降幅度（红色）", "比例"),
    "debt_ratio_max": ("资产负债率上限", "比例"),
    "debt_ratio_rise_points": ("资产负债率上升幅度（百分点）", "比例"),
    "current_ratio_min": ("流动比率下限", "比例"),
    "tax_drop": ("开票金额同比下降幅度", "比例"),
    "tax_window_months": ("开票金额比较的月数", "月"),
    "credit_debt_jump": ("征信债务余额增幅", "比例"),
    "guarantees_to_net_assets": ("对外担保与净资产之比上限", "比例"),
    "litigation_red_share_of_net_assets": ("涉诉金额占净资产比例（红色）", "比例"),
    "collateral_value_drop": ("押品价值降至原值的比例", "比例"),
    "ltv_real_estate": ("抵押率上限：房产", "比例"),
    "ltv_land": ("抵押率上限：土地", "比例"),
    "ltv_equipment": ("抵押率上限：机器设备", "比例"),
    "ltv_equity": ("质押率上限：股权", "比例"),
    "ltv_deposit": ("质押率上限：存单", "比例"),
    "appraisal_stale_months": ("押品重估期限（月）", "月"),
    "appraisal_stale_months_equity_bill": ("股权、票据类押品重估期限（月）", "月"),
    "inspection_finding_lookback_days": ("检查发现问题回看天数", "天"),
}


def label_for(name: str) -> str:
    """The Chinese label of a threshold; one the table does not know yet reads 其他阈值."""
    return LABELS.get(name, ("其他阈值", ""))[0]
