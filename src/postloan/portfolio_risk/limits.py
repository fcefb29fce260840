"""The portfolio limits in force: the latest saved version over the defaults.

Defaults are the regulator's ceilings (《商业银行风险监管核心指标》: 单一客户贷款集中度 ≤ 10%,
单一集团客户授信集中度 ≤ 15%, 最大十家客户 ≤ 50%) and common warning lines; the bank's net
capital (资本净额) has none: until the bank sets it the ratios against it are not computed."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from postloan.portfolio_risk.models import LimitVersion

# key: (label, unit, default)
FIELDS: dict[str, tuple[str, str, str | None]] = {
    "net_capital": (_("资本净额（元）"), "元", None),
    "single_customer_max": (_("单一客户贷款集中度上限（占资本净额）"), "比例", "0.10"),
    "single_group_max": (_("单一集团客户授信集中度上限（占资本净额）"), "比例", "0.15"),
    "top10_max": (_("最大十家客户贷款集中度上限（占资本净额）"), "比例", "0.50"),
    "industry_share_max": (_("单一行业贷款占比上限"), "比例", "0.30"),
    "region_share_max": (_("单一地区贷款占比上限"), "比例", "0.60"),
    "industry_hhi_max": (_("行业集中度赫芬达尔指数上限"), "比例", "0.25"),
    "region_hhi_max": (_("地区集中度赫芬达尔指数上限"), "比例", "0.40"),
    "vintage_worse_by": (_("账龄曲线恶化阈值（高于此前批次同账龄均值的百分点）"), "比例", "0.02"),
    "vintage_min_loans": (_("账龄分析最少借据数（批次少于此数不预警）"), "笔", "20"),
}
RATIO_KEYS = tuple(k for k, (_l, unit, _d) in FIELDS.items() if unit == "比例")


@dataclass(frozen=True)
class Limits:
    net_capital: Decimal | None
    single_customer_max: Decimal
    single_group_max: Decimal
    top10_max: Decimal
    industry_share_max: Decimal
    region_share_max: Decimal
    industry_hhi_max: Decimal
    region_hhi_max: Decimal
    vintage_worse_by: Decimal
    vintage_min_loans: int

    @property
    def capital_set(self) -> bool:
        return self.net_capital is not None and self.net_capital > 0


def default_values() -> dict[str, str | None]:
    return {k: default for k, (_l, _u, default) in FIELDS.items()}


def current_values() -> dict[str, str | None]:
    values = default_values()
    version = LimitVersion.current()
    if version is not None:
        values.update({k: v for k, v in version.values.items() if k in values})
    return values


def parse(key: str, raw) -> str | None:
    """A setting's text as stored; raises ValueError with a Chinese reason."""
    text = ("" if raw is None else str(raw)).strip().replace(",", "")
    label, unit, _default = FIELDS[key]
    if text == "":
        if key == "net_capital":
            return None
        raise ValueError(f"{label}不能为空")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}必须是数字：{raw}") from None
    if value <= 0 or (unit == "比例" and value > 1):
        raise ValueError(f"{label}超出范围：{raw}")
    if unit == "笔":
        if value != value.to_integral_value():
            raise ValueError(f"{label}必须是整数：{raw}")
        return str(int(value))
    return str(value.quantize(Decimal("0.01")) if unit == "元" else value)


def current_limits() -> Limits:
    v = current_values()
    return Limits(
        net_capital=Decimal(v["net_capital"]) if v.get("net_capital") else None,
        **{k: Decimal(v[k]) for k in RATIO_KEYS},
        vintage_min_loans=int(v["vintage_min_loans"]),
    )
