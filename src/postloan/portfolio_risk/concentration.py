"""Concentration and group exposure (集中度与集团客户授信), from one screening date's results.

Exposure is the loans' balance on the screening date (`LoanAssessment.balance`). A group's
exposure (集团) is the sum over its members: the customers carrying its `group_id`, plus the
customers a member names in `related_parties` as 子公司/关联企业 that belong to no group (each
such customer counted once, in the first group by id). Every figure is an aggregate query;
Python only merges the handful of per-group rows.

Indicators
- 单一客户贷款集中度: the largest customer's balance ÷ net capital;
- 单一集团客户授信集中度: the largest group's exposure ÷ net capital;
- 最大十家客户贷款集中度: the ten largest customers' balances ÷ net capital;
- 行业占比 (GB/T 4754 门类, corporate loans) and 地区占比 (prefecture, the region code's first 4
  digits, all loans): each segment's share of the balance, and their 赫芬达尔指数 = Σ share².
Without a net capital (a setting with no default) the three ratios are None: 未设定资本净额.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr, Upper

from postloan.core.codetables import industry_name, region_name
from postloan.portfolio.choices import CLASS_LABELS
from postloan.portfolio.models import Customer, CustomerGroup, RelatedParty
from postloan.portfolio_risk.limits import Limits
from postloan.risk.choices import CLASS_ORDER
from postloan.risk.current import current_class_expression, non_performing_q

ZERO = Decimal("0")
TOP = 10
GROUP_LINKS = ("subsidiary", "affiliate")


def _q4(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"))


def share(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(Decimal("0.0001"))


@dataclass
class Exposure:
    key: str
    label: str
    balance: Decimal = ZERO
    npl_balance: Decimal = ZERO
    members: int = 1
    share: Decimal | None = None  # of the portfolio's balance
    of_capital: Decimal | None = None  # of net capital


@dataclass
class Breach:
    rule_id: str
    subject_key: str
    subject_label: str
    value: Decimal
    limit: Decimal
    summary: str


@dataclass
class Concentration:
    as_of: dt.date | None
    limits: Limits
    total: Decimal = ZERO
    corporate_total: Decimal = ZERO
    customers: list[Exposure] = field(default_factory=list)  # the ten largest
    groups: list[Exposure] = field(default_factory=list)  # every group, largest first
    industries: list[Exposure] = field(default_factory=list)
    regions: list[Exposure] = field(default_factory=list)
    top10_balance: Decimal = ZERO
    industry_hhi: Decimal | None = None
    region_hhi: Decimal | None = None
    breaches: list[Breach] = field(default_factory=list)

    @property
    def capital_set(self) -> bool:
        return self.limits.capital_set

    def _of_capital(self, amount: Decimal) -> Decimal | None:
        return share(amount, self.limits.net_capital) if self.capital_set else None

    @property
    def largest_customer(self) -> Exposure | None:
        return self.customers[0] if self.customers else None

    @property
    def largest_group(self) -> Exposure | None:
        return self.groups[0] if self.groups else None

    @property
    def top10_of_capital(self) -> Decimal | None:
        return self._of_capital(self.top10_balance)

    def indicators(self) -> list[dict]:
        """The indicator table: name, value, limit, breached (None when not computable)."""
        lim = self.limits
        c, g = self.largest_customer, self.largest_group
        rows = [
            ("single_customer", "单一客户贷款集中度", c and c.of_capital, lim.single_customer_max),
            ("single_group", "单一集团客户授信集中度", g and g.of_capital, lim.single_group_max),
            ("top10", "最大十家客户贷款集中度", self.top10_of_capital, lim.top10_max),
            (
                "industry_share",
                "最大单一行业贷款占比",
                self.industries[0].share if self.industries else None,
                lim.industry_share_max,
            ),
            ("industry_hhi", "行业集中度（赫芬达尔指数）", self.industry_hhi, lim.industry_hhi_max),
            (
                "region_share",
                "最大单一地区贷款占比",
                self.regions[0].share if self.regions else None,
                lim.region_share_max,
            ),
            ("region_hhi", "地区集中度（赫芬达尔指数）", self.region_hhi, lim.region_hhi_max),
        ]
        return [
            {
                "key": key,
                "label": label,
                "value": value,
                "limit": limit,
                "breached": None if value is None else value > limit,
                "needs_capital": key in ("single_customer", "single_group", "top10"),
            }
            for key, label, value, limit in rows
        ]

    def chart_data(self) -> dict:
        """What the web page's ECharts and the documents' matplotlib charts both draw."""
        return {
            "groups": [[e.label, str(e.balance)] for e in self.groups[:TOP]],
            "industries": [[e.label, str(e.balance)] for e in self.industries],
            "regions": [[e.label, str(e.balance)] for e in self.regions],
        }


def _money(value) -> Decimal:
    return Decimal(value or 0)


def _aggregates():
    return {"bal": Sum("balance"), "npl": Sum("balance", filter=non_performing_q())}


def customer_exposures(at, limit: int | None = TOP) -> list[dict]:
    rows = (
        at.values("customer_id", "customer__name")
        .annotate(**_aggregates())
        .order_by("-bal", "customer_id")
    )
    return list(rows[:limit] if limit else rows)


def _links(direct):
    """customer_id → group_id of the customers a group member names as 子公司/关联企业 that belong
    to no group themselves (the first group by id when several name one)."""
    links = (
        RelatedParty.objects.filter(
            relation__in=GROUP_LINKS,
            related_customer__isnull=False,
            related_customer__group_id="",
            customer__in=direct,
        )
        .values_list("related_customer_id", "customer__group_id")
        .order_by("customer__group_id")
    )
    linked: dict[str, str] = {}
    for customer_id, group_id in links:
        linked.setdefault(customer_id, group_id)
    return linked


def group_members() -> tuple[dict[str, str], dict[str, str]]:
    """(direct members, linked members): customer_id → group_id."""
    direct = Customer.objects.exclude(group_id="")
    return dict(direct.values_list("customer_id", "group_id")), _links(direct)


def group_exposures(at) -> list[Exposure]:
    linked = _links(Customer.objects.exclude(group_id=""))
    totals: dict[str, list] = {
        r["customer__group_id"]: [_money(r["bal"]), _money(r["npl"]), r["n"]]
        for r in at.exclude(customer__group_id="")
        .values("customer__group_id")
        .annotate(**_aggregates(), n=Count("customer", distinct=True))
    }
    rows = (
        at.filter(customer__group_id="", customer_id__in=list(linked))
        .values("customer_id")
        .annotate(**_aggregates())
    )
    for r in rows:
        t = totals.setdefault(linked[r["customer_id"]], [ZERO, ZERO, 0])
        t[0] += _money(r["bal"])
        t[1] += _money(r["npl"])
        t[2] += 1
    names = dict(CustomerGroup.objects.filter(pk__in=totals).values_list("group_id", "name"))
    out = [Exposure(g, names.get(g) or g, b, n, m) for g, (b, n, m) in totals.items()]
    return sorted(out, key=lambda e: (-e.balance, e.key))


def _segments(qs, column: str, labeller, total: Decimal) -> list[Exposure]:
    rows = [
        Exposure(
            r[column] or "",
            labeller(r[column] or ""),
            _money(r["bal"]),
            _money(r["npl"]),
            r["n"],
            share(r["bal"], total),
        )
        for r in qs.values(column).annotate(**_aggregates(), n=Count("customer", distinct=True))
    ]
    return sorted((r for r in rows if r.balance), key=lambda e: (-e.balance, e.key))


def _industry_label(code: str) -> str:
    name = industry_name(code) if code else None  # the GB/T 4754 门类 (core/data)
    return f"{code} {name}" if name else "未填写"


def _region_label(code: str) -> str:
    return f"{region_name(code + '00')}（{code}）" if code else "未填写"


def hhi(rows: list[Exposure]) -> Decimal | None:
    if not rows:
        return None
    return _q4(sum(((r.share or ZERO) ** 2 for r in rows), ZERO))


def concentration(at, as_of: dt.date | None, limits: Limits) -> Concentration:
    """The indicators over `at` (LoanAssessment rows of one date, already scoped)."""
    result = Concentration(as_of, limits)
    agg = at.aggregate(
        total=Sum("balance"), corporate=Sum("balance", filter=Q(customer__type="corporate"))
    )
    result.total, result.corporate_total = _money(agg["total"]), _money(agg["corporate"])
    customers = customer_exposures(at, TOP)
    result.customers = [
        Exposure(
            r["customer_id"],
            r["customer__name"],
            _money(r["bal"]),
            _money(r["npl"]),
            1,
            share(r["bal"], result.total),
            result._of_capital(_money(r["bal"])),
        )
        for r in customers
    ]
    result.top10_balance = sum((e.balance for e in result.customers), ZERO)
    result.groups = group_exposures(at)
    for e in result.groups:
        e.share = share(e.balance, result.total)
        e.of_capital = result._of_capital(e.balance)
    corporate = at.filter(customer__type="corporate").annotate(
        section=Upper(Substr("customer__industry_code", 1, 1))
    )
    result.industries = _segments(corporate, "section", _industry_label, result.corporate_total)
    result.regions = _segments(
        at.annotate(prefecture=Substr("customer__region_code", 1, 4)),
        "prefecture",
        _region_label,
        result.total,
    )
    result.industry_hhi = hhi(result.industries)
    result.region_hhi = hhi(result.regions)
    result.breaches = breaches(result)
    return result


def breaches(c: Concentration) -> list[Breach]:
    lim = c.limits
    found: list[Breach] = []

    def pct(v: Decimal) -> str:
        return f"{(v * 100).quantize(Decimal('0.01'))}%"

    if c.capital_set:
        for e in c.customers:
            if e.of_capital is not None and e.of_capital > lim.single_customer_max:
                found.append(
                    Breach(
                        "concentration.single_customer",
                        e.key,
                        e.label,
                        e.of_capital,
                        lim.single_customer_max,
                        f"单一客户贷款集中度 {pct(e.of_capital)}，超过上限 {pct(lim.single_customer_max)}"
                        f"（贷款余额 {e.balance:,.2f} 元）",
                    )
                )
        for e in c.groups:
            if e.of_capital is not None and e.of_capital > lim.single_group_max:
                found.append(
                    Breach(
                        "concentration.single_group",
                        e.key,
                        e.label,
                        e.of_capital,
                        lim.single_group_max,
                        f"单一集团客户授信集中度 {pct(e.of_capital)}，超过上限 "
                        f"{pct(lim.single_group_max)}（{e.members} 户成员，余额 {e.balance:,.2f} 元）",
                    )
                )
        top10 = c.top10_of_capital
        if top10 is not None and top10 > lim.top10_max:
            found.append(
                Breach(
                    "concentration.top10",
                    "bank",
                    "最大十家客户",
                    top10,
                    lim.top10_max,
                    f"最大十家客户贷款集中度 {pct(top10)}，超过上限 {pct(lim.top10_max)}",
                )
            )
    for rule, rows, limit, word in (
        ("concentration.industry_share", c.industries, lim.industry_share_max, "行业"),
        ("concentration.region_share", c.regions, lim.region_share_max, "地区"),
    ):
        for e in rows:
            if e.key and e.share is not None and e.share > limit:
                found.append(
                    Breach(
                        rule,
                        e.key,
                        e.label,
                        e.share,
                        limit,
                        f"{word}“{e.label}”贷款占比 {pct(e.share)}，超过上限 {pct(limit)}",
                    )
                )
    for rule, value, limit, word in (
        ("concentration.industry_hhi", c.industry_hhi, lim.industry_hhi_max, "行业"),
        ("concentration.region_hhi", c.region_hhi, lim.region_hhi_max, "地区"),
    ):
        if value is not None and value > limit:
            found.append(
                Breach(
                    rule,
                    "bank",
                    f"{word}集中度",
                    value,
                    limit,
                    f"{word}集中度赫芬达尔指数 {value}，超过上限 {limit}",
                )
            )
    return found


@dataclass
class GroupView:
    group_id: str
    name: str
    total: Decimal
    members: list[dict]  # customer_id, name, balance, worst class, branch, via


def group_view(customer_id: str, at) -> GroupView | None:
    """The customer 360's 集团: the group the customer belongs to (directly or as a linked
    subsidiary/affiliate), its total exposure on the screening date and each member's balance
    and worst current class. `at` is that date's LoanAssessment rows (not scoped: a group's
    exposure is the bank's)."""
    own = Customer.objects.filter(pk=customer_id).values_list("group_id", flat=True).first()
    direct = Customer.objects.exclude(group_id="")
    linked = _links(direct)
    gid = own or linked.get(customer_id)
    if not gid:
        return None
    ids = list(direct.filter(group_id=gid).values_list("customer_id", flat=True))
    ids += [cid for cid, g in linked.items() if g == gid]
    rows = (
        at.filter(customer_id__in=ids)
        .annotate(cls=current_class_expression())
        .values("customer_id", "cls")
        .annotate(bal=Sum("balance"))
    )
    by_customer: dict[str, dict] = {}
    for r in rows:
        m = by_customer.setdefault(r["customer_id"], {"balance": ZERO, "worst": "normal"})
        m["balance"] += _money(r["bal"])
        if CLASS_ORDER[r["cls"]] > CLASS_ORDER[m["worst"]]:
            m["worst"] = r["cls"]
    people = Customer.objects.filter(pk__in=ids).select_related("branch")
    out = []
    for c in people:
        m = by_customer.get(c.customer_id, {"balance": ZERO, "worst": ""})
        out.append(
            {
                "customer_id": c.customer_id,
                "name": c.name,
                "branch": c.branch.name,
                "balance": m["balance"],
                "worst": m["worst"],
                "worst_label": CLASS_LABELS.get(m["worst"], "—"),
                "linked": c.group_id != gid,
            }
        )
    out.sort(key=lambda m: (-m["balance"], m["customer_id"]))
    group = CustomerGroup.objects.filter(pk=gid).first()
    return GroupView(gid, group.name if group else gid, sum((m["balance"] for m in out), ZERO), out)
