"""What a managing unit sees of its lower units' 停复牌: each unit's latest indicators against
the limits, its open alerts and its suspensions (a few queries for the whole subtree). Read by
the /units/ page and the upper unit's meeting materials (the quality report's 贷后管理工作)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from postloan.org.models import Branch
from postloan.units import choices as ch
from postloan.units.limits import INDICATORS, LABELS, current_values
from postloan.units.models import Suspension, UnitAlert, UnitIndicator


@dataclass
class Cell:
    code: str
    label: str
    value: str | None
    limit: str
    bound: str
    breached: bool


@dataclass
class UnitRow:
    unit: Branch
    as_of: dt.date | None
    cells: list[Cell]
    alerts: list = field(default_factory=list)
    suspensions: list = field(default_factory=list)

    @property
    def breached(self) -> bool:
        return any(c.breached for c in self.cells) or bool(self.alerts)


@dataclass
class UnitOversight:
    upper: Branch
    as_of: dt.date
    rows: list[UnitRow]

    @property
    def alerts(self) -> list:
        return [a for r in self.rows for a in r.alerts]

    @property
    def suspensions(self) -> list:
        return [s for r in self.rows for s in r.suspensions]

    def lines(self) -> list[str]:
        """The meeting materials' sentences (贷后管理工作): breaches, alerts, suspensions."""
        out = []
        over = [r for r in self.rows if r.breached]
        if not any(r.as_of for r in self.rows) and not self.suspensions:
            return out  # no monitoring yet: nothing to say, rather than "all within"
        if not over:
            out.append(
                f"辖内{len(self.rows)}个机构贷后管理主要风险指标均在限值以内，无机构风险预警。"
            )
        for r in over:
            names = "、".join(
                f"{c.label}{percent(c.value)}（限值{percent(c.limit)}）"
                for c in r.cells
                if c.breached
            )
            extra = "、".join(
                LABELS.get(a.indicator, a.indicator)
                for a in r.alerts
                if a.indicator not in {c.code for c in r.cells if c.breached}
            )
            text = names or extra
            out.append(f"{r.unit.name}风险指标超限：{text}，已向管理行发出机构风险预警。")
        for s in self.suspensions:
            when = f"{s.suspended_on:%Y-%m-%d}起" if s.suspended_on else ""
            pending = sum(1 for t in s.tasks.all() if t.verified_on is None)
            out.append(
                f"{s.branch.name}{s.get_product_display()}新业务{s.get_status_display()}"
                f"（{when}{s.reason}；整改任务{s.tasks.count()}项，未验证{pending}项）。"
            )
        return out


def percent(value) -> str:
    if value is None:
        return "无数据"
    return f"{float(value) * 100:.2f}%"


def unit_oversight(upper: Branch, as_of: dt.date) -> UnitOversight:
    """One row per unit below `upper` (its whole subtree), with its latest indicators."""
    units = list(
        Branch.objects.filter(path__startswith=upper.path).exclude(pk=upper.pk).order_by("path")
    )
    codes = [u.pk for u in units]
    latest: dict[str, UnitIndicator] = {}
    for row in UnitIndicator.objects.filter(branch_id__in=codes, as_of__lte=as_of).order_by(
        "branch_id", "-as_of"
    ):
        latest.setdefault(row.branch_id, row)
    alerts: dict[str, list] = {}
    for a in UnitAlert.objects.filter(
        branch_id__in=codes, status=ch.AlertStatus.OPEN
    ).select_related("branch"):
        alerts.setdefault(a.branch_id, []).append(a)
    suspensions: dict[str, list] = {}
    for s in (
        Suspension.objects.filter(branch_id__in=codes, status__in=ch.OPEN_SUSPENSION)
        .select_related("branch")
        .prefetch_related("tasks")
    ):
        suspensions.setdefault(s.branch_id, []).append(s)
    limits = current_values()
    rows = []
    for unit in units:
        ind = latest.get(unit.pk)
        values = ind.values if ind else {}
        breaches = set(ind.breaches) if ind else set()
        cells = [
            Cell(i.code, i.label, values.get(i.code), limits[i.code], i.bound, i.code in breaches)
            for i in INDICATORS
        ]
        rows.append(
            UnitRow(
                unit,
                ind.as_of if ind else None,
                cells,
                alerts.get(unit.pk, []),
                suspensions.get(unit.pk, []),
            )
        )
    return UnitOversight(upper, as_of, rows)
