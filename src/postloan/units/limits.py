"""The indicators of a unit's post-loan work and their limits in force (the latest saved
version over the defaults), versioned and audited like the early-warning thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from postloan.core.audit import record
from postloan.core.errors import DomainError
from postloan.risk.access import require_risk_department
from postloan.units.models import LimitVersion


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    bound: str  # "max": breached above the limit; "min": breached below it
    default: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("npl_ratio", "不良贷款率", "max", "0.0600"),
    Indicator("new_npl_ratio", "近12个月新发放贷款不良率", "max", "0.0600"),
    Indicator("overdue_rate", "逾期贷款率", "max", "0.0500"),
    Indicator("signals_on_time", "预警信号按时处置率", "min", "0.8000"),
    Indicator("inspections_on_time", "贷后检查按时完成率", "min", "0.8000"),
    Indicator("resolution_rate", "例会决议执行率", "min", "0.8000"),
)
BY_CODE = {i.code: i for i in INDICATORS}
# A suspended product line with new loans after the suspension: always an alert (limit 0).
NEW_BUSINESS = Indicator("new_business_suspended", "停牌期间新发放贷款笔数", "max", "0")
LABELS = {i.code: i.label for i in (*INDICATORS, NEW_BUSINESS)}


def default_values() -> dict[str, str]:
    return {i.code: i.default for i in INDICATORS}


def current_version() -> LimitVersion | None:
    return LimitVersion.objects.order_by("-version").first()


def current_values() -> dict[str, str]:
    values = default_values()
    version = current_version()
    if version is not None:
        values.update({k: v for k, v in version.values.items() if k in values})
    return values


def breached(code: str, value, limit) -> bool:
    """Whether `value` (None: no data) is over the indicator's limit."""
    if value is None:
        return False
    bound = BY_CODE[code].bound if code in BY_CODE else NEW_BUSINESS.bound
    value, limit = Decimal(str(value)), Decimal(str(limit))
    return value > limit if bound == "max" else value < limit


def _ratio(text, label: str) -> str:
    try:
        share = Decimal(str(text).strip().rstrip("%"))
    except InvalidOperation as exc:
        raise DomainError(f"{label}的限值格式不正确", label) from exc
    if str(text).strip().endswith("%") or share > 1:
        share = share / 100
    if not 0 <= share <= 1:
        raise DomainError(f"{label}的限值应在0到100%之间", label)
    return str(share.quantize(Decimal("0.0001")))


def update_limits(values: dict, reason: str, acting_user) -> LimitVersion:
    """A new version of the limits (who, when, why are kept; the change is audited)."""
    require_risk_department(acting_user, "修改机构风险指标限值")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("修改限值必须填写原因", "reason")
    unknown = sorted(set(values) - set(BY_CODE))
    if unknown:
        raise DomainError(f"未知的指标：{'、'.join(unknown)}")
    cleaned = {k: _ratio(v, BY_CODE[k].label) for k, v in values.items() if str(v).strip()}
    with transaction.atomic():
        before = current_values()
        merged = {**before, **cleaned}
        changed = {k: v for k, v in merged.items() if Decimal(before[k]) != Decimal(v)}
        if not changed:
            raise DomainError("限值没有变化")
        latest = LimitVersion.objects.select_for_update().order_by("-version").first()
        version = LimitVersion.objects.create(
            version=(latest.version + 1) if latest else 1,
            values=merged,
            changed_by=acting_user,
            reason=reason,
        )
        record(
            actor=acting_user,
            action="units.update_limits",
            obj=version,
            before={k: before[k] for k in changed},
            after=changed,
            reason=reason,
        )
    return version
