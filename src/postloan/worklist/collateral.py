"""押品与保证人监测: revaluation schedule, LTV against type ceilings, appraisal staleness,
guarantor health. Read in a handful of queries for the whole visible book.

- Latest value: the newest `collateral_values` row, else the appraisal (`appraised_value`).
- Exposure of a collateral: the balances of the active loans it secures (its guarantee's loan,
  or every active loan under its guarantee's facility).
- LTV = exposure ÷ latest value, against the type's ceiling (setting).
- Stale: no valuation within the type's revaluation interval (setting, months).
- Market drop: latest market value <= 80% (setting) of the appraised value.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from postloan.core.formats import pct, round_half_up, yuan_text
from postloan.portfolio.models import Collateral, CollateralValue, Guarantee, Loan
from postloan.worklist import risk_link
from postloan.worklist.policy import setting
from postloan.worklist.schedule import add_months

NPL = ("substandard", "doubtful", "loss")


@dataclass
class CollateralStatus:
    collateral: Collateral
    latest_value: Decimal
    value_date: dt.date
    value_source: str
    next_revaluation: dt.date
    exposure: Decimal | None
    ltv: Decimal | None
    ceiling: Decimal | None
    customers: list[str]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def needs_revaluation(self) -> bool:
        return any(p.startswith("估值过期") or p.startswith("市场价值") for p in self.problems)


def collateral_statuses(as_of: dt.date, customer_ids) -> list[CollateralStatus]:
    """Every collateral securing the customers' active loans: its value as of `as_of`, when it
    is due for revaluation, its loan-to-value against the ceiling of its type, and the problems
    (a market value fallen below the appraisal, a stale valuation, a ceiling passed)."""
    links = _collateral_links(set(customer_ids))
    collaterals = Collateral.objects.filter(pk__in=list(links)).order_by("collateral_id")
    latest = _latest_values(list(links), as_of)
    rules = _CollateralRules.from_settings()
    return [
        _status(c, links[c.collateral_id], latest.get(c.collateral_id), rules, as_of)
        for c in collaterals
    ]


def _collateral_links(customer_ids: set) -> dict[str, dict]:
    """collateral id → {"loans": {loan id: balance}, "customers": {owner ids}}: the active
    loans each collateral secures, directly or through its facility, for the given customers."""
    guarantees = list(
        Guarantee.objects.filter(collateral__isnull=False).values(
            "collateral_id", "loan_id", "facility_id", "loan__customer_id", "facility__customer_id"
        )
    )
    loans = list(
        Loan.objects.filter(status="active", balance__gt=0).values(
            "loan_id", "facility_id", "balance", "customer_id"
        )
    )
    by_loan = {row["loan_id"]: row for row in loans}
    by_facility: dict[str, list] = {}
    for row in loans:
        if row["facility_id"]:
            by_facility.setdefault(row["facility_id"], []).append(row)
    links: dict[str, dict] = {}
    for g in guarantees:
        owner = g["loan__customer_id"] or g["facility__customer_id"]
        if owner not in customer_ids:
            continue
        entry = links.setdefault(g["collateral_id"], {"loans": {}, "customers": set()})
        entry["customers"].add(owner)
        secured = [by_loan[g["loan_id"]]] if g["loan_id"] in by_loan else []
        if g["facility_id"]:
            secured += by_facility.get(g["facility_id"], [])
        for row in secured:
            entry["loans"][row["loan_id"]] = row["balance"]
    return links


def _latest_values(collateral_ids: list, as_of: dt.date) -> dict[str, tuple]:
    """collateral id → (date, market value, source) of its latest valuation up to `as_of`."""
    latest: dict[str, tuple] = {}
    for cid, day, value, source in (
        CollateralValue.objects.filter(collateral_id__in=collateral_ids, value_date__lte=as_of)
        .order_by("value_date")
        .values_list("collateral_id", "value_date", "market_value", "source")
    ):
        latest[cid] = (day, value, source)
    return latest


@dataclass(frozen=True)
class _CollateralRules:
    ceilings: dict  # collateral type → the loan-to-value ceiling
    months: dict  # collateral type → months between valuations (default 12)
    drop: Decimal  # a market value at or below this share of the appraisal is a problem

    @classmethod
    def from_settings(cls) -> "_CollateralRules":
        return cls(
            {k: Decimal(v) for k, v in setting("WORKLIST_LTV_CEILINGS").items()},
            setting("WORKLIST_REVALUATION_MONTHS"),
            Decimal(setting("WORKLIST_MARKET_DROP_RATIO")),
        )


def _status(c, link: dict, latest, rules: _CollateralRules, as_of: dt.date) -> CollateralStatus:
    status_notes, problems = [], []
    if latest is not None:
        day, value, source = latest
        value_source = source or "重估/市场价"
        if c.appraised_value and value <= c.appraised_value * rules.drop:
            problems.append(
                f"市场价值{yuan_text(value)}低于评估价值的{rules.drop:.0%}（评估{yuan_text(c.appraised_value)}）"
            )
    else:
        day, value, value_source = c.appraisal_date, c.appraised_value, "评估价值"
        status_notes.append("无重估/市场价记录，按评估价值计算")
    next_due = add_months(day, int(rules.months.get(c.type, 12)))
    if next_due < as_of:
        problems.append(f"估值过期：最近估值{day:%Y-%m-%d}，应于{next_due:%Y-%m-%d}前重估")
    exposure = sum(link["loans"].values(), Decimal("0")) if link["loans"] else None
    ceiling = rules.ceilings.get(c.type)
    ltv = _loan_to_value(c, exposure, value, ceiling, problems, status_notes)
    return CollateralStatus(
        c,
        value,
        day,
        value_source,
        next_due,
        exposure,
        ltv,
        ceiling,
        sorted(link["customers"]),
        problems,
        status_notes,
    )


def _loan_to_value(c, exposure, value, ceiling, problems: list, notes: list) -> Decimal | None:
    """Exposure ÷ value (4 places), a problem above the type's ceiling; None, with a note, when
    it cannot be computed."""
    if exposure is None:
        notes.append("未关联有余额的借据，无法计算抵押率")
        return None
    if not value:
        notes.append("押品价值为0，无法计算抵押率")
        return None
    ltv = round_half_up(exposure / value, 4)
    if ceiling is not None and ltv > ceiling:
        problems.append(f"抵押率{pct(ltv, 1)}超过{c.get_type_display()}上限{pct(ceiling, 0)}")
    elif ceiling is None:
        notes.append(f"{c.get_type_display()}未设抵押率上限")
    return ltv


@dataclass
class GuarantorStatus:
    guarantee: Guarantee
    borrower_id: str
    problems: list[str]
    notes: list[str]


def guarantor_statuses(customer_ids) -> list[GuarantorStatus]:
    """Guarantors that are customers: open orange/red signal or an NPL loan (EW-GUARANTOR)."""
    customer_ids = set(customer_ids)
    guarantees = [
        g
        for g in Guarantee.objects.filter(kind="guarantor").select_related(
            "loan", "facility", "guarantor_customer"
        )
        if (g.loan.customer_id if g.loan else g.facility.customer_id) in customer_ids
    ]
    guarantor_ids = {g.guarantor_customer_id for g in guarantees if g.guarantor_customer_id}
    npl = set(
        Loan.objects.filter(
            customer_id__in=guarantor_ids, status="active", classification__in=NPL
        ).values_list("customer_id", flat=True)
    )
    signalled = risk_link.customers_with_open_severe_signal(guarantor_ids)
    out = []
    for g in guarantees:
        borrower = g.loan.customer_id if g.loan else g.facility.customer_id
        problems, notes = [], []
        if not g.guarantor_customer_id:
            notes.append("保证人非本行客户，无法用本行数据监测，请现场核实")
        else:
            if g.guarantor_customer_id in npl:
                problems.append("保证人在本行有不良贷款")
            if g.guarantor_customer_id in signalled:
                problems.append("保证人有未消除的橙色/红色预警信号")
        out.append(GuarantorStatus(g, borrower, problems, notes))
    return out
