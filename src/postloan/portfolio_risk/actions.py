"""What changes portfolio-risk state: a new version of the limits (audited), and the business
day's 组合风险监测 step that raises, refreshes and releases the portfolio signals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from postloan.core.audit import record
from postloan.portfolio.choices import RETAIL_PRODUCTS, Product
from postloan.portfolio_risk import retail
from postloan.portfolio_risk.concentration import concentration
from postloan.portfolio_risk.limits import FIELDS, current_limits, current_values, parse
from postloan.portfolio_risk.models import LimitVersion, PortfolioSignal, PortfolioSignalStatus
from postloan.risk.access import require_risk_department
from postloan.risk.models import LoanAssessment
from postloan.risk.screenings import latest_screening

VINTAGE_RULE = "retail.vintage_worse"


def update_limits(values: dict, reason: str, acting_user) -> LimitVersion:
    """A new version of the portfolio limits (who, when, why, before and after are kept)."""
    require_risk_department(acting_user, "修改组合限额")
    return save_limits(values, reason, acting_user)


def save_limits(values: dict, reason: str, acting_user=None) -> LimitVersion:
    """`update_limits` without the permission check, for the system's own callers (the demo
    bank's setup records its net capital as a version, with its reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "修改限额必须填写原因"})
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ValidationError(f"未知的限额：{'、'.join(unknown)}")
    errors = {}
    parsed = {}
    for key, raw in values.items():
        try:
            parsed[key] = parse(key, raw)
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = current_values()
        merged = {**before, **parsed}
        changed = {k: v for k, v in merged.items() if before.get(k) != v}
        if not changed:
            raise ValidationError("限额没有变化")
        latest = LimitVersion.objects.select_for_update().order_by("-version").first()
        version = LimitVersion.objects.create(
            version=(latest.version + 1) if latest else 1,
            values=merged,
            changed_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            reason=reason,
        )
        record(
            actor=acting_user,
            action="portfolio_risk.update_limits",
            obj=version,
            before={k: before.get(k) for k in changed},
            after=changed,
            reason=reason,
        )
    return version


@dataclass(frozen=True)
class Finding:
    rule_id: str
    subject_key: str
    subject_label: str
    value: Decimal
    limit: Decimal
    summary: str
    evidence: dict


def concentration_findings(as_of: dt.date) -> tuple[list[Finding], bool]:
    """The breaches of the bank-wide concentration limits on the latest screening date on or
    before `as_of`; and whether net capital is set."""
    limits = current_limits()
    screened = latest_screening(as_of)
    if screened is None:
        return [], limits.capital_set
    c = concentration(LoanAssessment.objects.filter(as_of=screened), screened, limits)
    return [
        Finding(
            b.rule_id,
            b.subject_key,
            b.subject_label,
            b.value,
            b.limit,
            b.summary,
            {"screened_on": screened.isoformat(), "total": str(c.total)},
        )
        for b in c.breaches
    ], limits.capital_set


def vintage_findings(as_of: dt.date) -> list[Finding]:
    limits = current_limits()
    con = retail.loaded(as_of)
    found = []
    try:
        for product in sorted(RETAIL_PRODUCTS):
            batch = retail.retail_batch(as_of, retail.Filters(product=product), con=con)
            label = Product(product).label
            for b in retail.worse_vintages(
                batch, limits.vintage_worse_by, limits.vintage_min_loans
            ):
                pct = lambda v: f"{(v * 100).quantize(Decimal('0.01'))}%"  # noqa: E731
                found.append(
                    Finding(
                        VINTAGE_RULE,
                        f"{product}:{b.cohort}",
                        f"{label} {b.cohort} 批次",
                        b.rate,
                        b.baseline + limits.vintage_worse_by,
                        f"{label} {b.cohort} 批次（{b.loans} 笔）账龄 {b.mob} 个月逾期30天以上占比 "
                        f"{pct(b.rate)}，此前批次同账龄平均 {pct(b.baseline)}，"
                        f"高出 {pct(b.rate - b.baseline)}（阈值 {pct(limits.vintage_worse_by)}）",
                        {
                            "product": product,
                            "cohort": b.cohort,
                            "mob": b.mob,
                            "baseline": str(b.baseline),
                            "loans": b.loans,
                        },
                    )
                )
    finally:
        con.close()
    return found


def apply_findings(as_of: dt.date, findings: list[Finding], rules: set[str] | None = None) -> dict:
    """Open a signal per new finding, refresh the open ones found again, release the open ones
    of `rules` no longer found; one transaction, audited. Returns counts."""
    counts = {"raised": 0, "still": 0, "released": 0}
    keys = {(f.rule_id, f.subject_key) for f in findings}
    with transaction.atomic():
        open_ = {
            (s.rule_id, s.subject_key): s
            for s in PortfolioSignal.objects.select_for_update().filter(
                status=PortfolioSignalStatus.OPEN
            )
        }
        new = []
        for f in findings:
            s = open_.get((f.rule_id, f.subject_key))
            if s is None:
                new.append(
                    PortfolioSignal(
                        rule_id=f.rule_id,
                        subject_key=f.subject_key,
                        subject_label=f.subject_label[:200],
                        raised_on=as_of,
                        last_seen_on=as_of,
                        value=f.value,
                        limit=f.limit,
                        summary=f.summary,
                        evidence=f.evidence,
                    )
                )
            elif as_of >= s.raised_on:
                s.last_seen_on = max(s.last_seen_on, as_of)
                s.value, s.limit, s.summary, s.evidence = f.value, f.limit, f.summary, f.evidence
                s.save(update_fields=["last_seen_on", "value", "limit", "summary", "evidence"])
                counts["still"] += 1
        PortfolioSignal.objects.bulk_create(new)
        counts["raised"] = len(new)
        gone = [
            s.pk
            for k, s in open_.items()
            if k not in keys and (rules is None or s.rule_id in rules) and as_of >= s.raised_on
        ]
        counts["released"] = PortfolioSignal.objects.filter(pk__in=gone).update(
            status=PortfolioSignalStatus.RELEASED, released_on=as_of
        )
        record(
            actor=None,
            action="portfolio_risk.monitor",
            object_type="portfolio_risk.portfoliosignal",
            object_id=as_of.isoformat(),
            after={**counts, "findings": sorted(f"{r}:{k}" for r, k in keys)},
        )
    return counts


CONCENTRATION_RULES = {
    "concentration.single_customer",
    "concentration.single_group",
    "concentration.top10",
    "concentration.industry_share",
    "concentration.region_share",
    "concentration.industry_hhi",
    "concentration.region_hhi",
}


def run_monitoring(as_of: dt.date) -> str:
    """The business day's 组合风险监测: concentration against the limits, retail vintages against
    the earlier cohorts; the portfolio signals follow. Returns the step's message."""
    findings, capital_set = concentration_findings(as_of)
    findings += vintage_findings(as_of)
    counts = apply_findings(as_of, findings, CONCENTRATION_RULES | {VINTAGE_RULE})
    message = (
        f"组合风险信号：新增 {counts['raised']} 条，持续 {counts['still']} 条，"
        f"消除 {counts['released']} 条"
    )
    if not capital_set:
        message += "；未设定资本净额，客户与集团集中度未计算"
    return message
