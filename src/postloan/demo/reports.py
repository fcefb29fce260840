"""Financial statements, monthly tax invoices and credit reports (征信) of the customers."""

from __future__ import annotations

from datetime import date, timedelta

from postloan.demo.state import Customer, DemoBank, add_months, flag, iso, yuan
from postloan.demo.trends import SEASON, revenue_factor

RATINGS = ("AA+", "AA", "AA", "AA-", "A+", "A+", "A", "BBB+")


def _months_ago(as_of: date, year: int, month: int) -> int:
    return (as_of.year - year) * 12 + as_of.month - month


def monthly_revenue(c: Customer, as_of: date, year: int, month: int, growth: float) -> int:
    ago = _months_ago(as_of, year, month)
    factor = SEASON[month - 1] * (1 + growth) ** (-ago / 12) * revenue_factor(c, ago)
    return int(c.monthly_revenue_fen * factor)


def _quarter_ends(as_of: date) -> list[date]:
    ends = []
    for year in (as_of.year - 1, as_of.year):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            end = date(year, month, day)
            if end + timedelta(days=25) <= as_of:
                ends.append(end)
    return ends


def build_financials(bank: DemoBank) -> None:
    rng = bank.rng
    as_of = bank.as_of
    for c in bank.corporates:
        growth = rng.uniform(-0.04, 0.15)
        assets_ratio = rng.uniform(0.8, 1.6)
        debt_ratio = rng.uniform(0.35, 0.65)
        current_ratio = rng.uniform(1.1, 2.0)
        margin = rng.uniform(0.02, 0.09)
        ocf_margin = rng.uniform(0.03, 0.1)
        bad = "financial_deterioration" in c.stories
        periods = [(date(y, 12, 31), "annual") for y in (as_of.year - 2, as_of.year - 1)]
        periods += [(end, "quarterly") for end in _quarter_ends(as_of)]
        for end, kind in periods:
            revenue = sum(
                monthly_revenue(c, as_of, end.year, m, growth) for m in range(1, end.month + 1)
            )
            recent = _months_ago(as_of, end.year, end.month) < 12
            dr = 0.78 if bad and recent else debt_ratio + rng.uniform(-0.02, 0.02)
            cr = 0.82 if bad and recent else current_ratio + rng.uniform(-0.05, 0.05)
            total_assets = int(c.monthly_revenue_fen * 12 * assets_ratio)
            liabilities = int(total_assets * dr)
            current_assets = int(total_assets * rng.uniform(0.45, 0.65))
            current_liabilities = int(current_assets / cr)
            profit = int(revenue * (-0.06 if bad and recent else margin))
            ocf = int(
                revenue * (-0.05 if bad and recent else ocf_margin + rng.uniform(-0.02, 0.02))
            )
            bank.add(
                "financials",
                (
                    c.customer_id,
                    iso(end),
                    kind,
                    yuan(revenue),
                    yuan(profit),
                    yuan(total_assets),
                    yuan(liabilities),
                    yuan(current_assets),
                    yuan(current_liabilities),
                    yuan(int(current_assets * 0.3)),
                    yuan(int(current_assets * 0.32)),
                    yuan(ocf),
                    flag(kind == "annual" and (end.year < as_of.year - 1 or rng.random() < 0.7)),
                ),
            )
        c.growth = growth


def build_tax_invoices(bank: DemoBank) -> None:
    rng = bank.rng
    as_of = bank.as_of
    for c in bank.corporates:
        special_share = rng.uniform(0.7, 0.92)
        ticket = rng.randint(20_000, 200_000) * 100
        growth = c.growth
        for ago in range(23, -1, -1):
            first = add_months(date(as_of.year, as_of.month, 1), -ago)
            total = monthly_revenue(c, as_of, first.year, first.month, growth)
            total = int(total * rng.uniform(0.96, 1.04))
            month = f"{first.year:04d}-{first.month:02d}"
            for kind, share in (("vat_special", special_share), ("vat_general", 1 - special_share)):
                amount = int(total * share) // 100 * 100
                if amount <= 0:
                    continue
                count = max(1, amount // ticket)
                tax = amount * 13 // 100
                bank.add(
                    "tax_invoices",
                    (c.customer_id, month, kind, str(count), yuan(amount), yuan(tax)),
                )


def build_credit_reports(bank: DemoBank) -> None:
    rng = bank.rng
    as_of = bank.as_of
    for c in bank.customers:
        loans = bank.loans_by_customer.get(c.idx, [])
        here = sum(x.principal_fen for x in loans if x.maturity > as_of or x.unpaid_from)
        overdue_here = sum(x.principal_fen for x in loans if x.unpaid_from)
        overdue90_here = sum(x.principal_fen for x in loans if x.notes.get("dpd", 0) > 90)
        if c.type == "corporate":
            offsets = (285, 195, 105, 15)
            rating = rng.choice(RATINGS) if c.monthly_revenue_fen > 400_000_000 else ""
        elif any(x.product == "personal_business" for x in loans) or overdue_here:
            offsets = (40,)
            rating = ""
        else:
            continue
        others = int(here * rng.uniform(0.2, 1.5))
        jump = "credit_debt_jump" in c.stories  # 多头借贷: borrowed heavily elsewhere lately
        for n, days in enumerate(offsets):
            latest = n == len(offsets) - 1
            total = here + int(others * (0.9 + 0.05 * n))
            if jump and latest:
                total = (here + int(others * (0.9 + 0.05 * (n - 1)))) * 16 // 10
            overdue = overdue_here if latest else 0
            overdue90 = overdue90_here if latest else 0
            npl_other = False
            r = rating
            if latest and "npl_other_fi" in c.stories:
                overdue += others // 4
                npl_other = True
            if latest and "credit_cross20" in c.stories:
                overdue90 = max(overdue90, total * 25 // 100)
                overdue = max(overdue, overdue90)
                npl_other = True
            if "event_rating_downgrade" in c.stories:
                r = "BBB-" if latest else "AA"
            guarantees = (
                int(total * rng.uniform(0.0, 0.6)) // 100 * 100 if c.type == "corporate" else 0
            )
            bank.add(
                "credit_reports",
                (
                    c.customer_id,
                    iso(as_of - timedelta(days=days)),
                    yuan(total),
                    yuan(overdue),
                    yuan(overdue90),
                    flag(npl_other),
                    yuan(guarantees),
                    r,
                ),
            )
