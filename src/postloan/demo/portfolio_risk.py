"""The demo bank's 集团 table, one group that breaches the single-group limit, and one retail
cohort that goes bad (组合风险: concentration and 个贷批量监管).

* `groups`: one row per group the stories formed (its first member the core company).
* 集中度: a new group of three corporates without stories borrows more — its members' new
  working-capital loans bring its exposure to 2.3 times the largest customer's — and its core
  company names a fourth corporate as 子公司 (related_parties), which joins the group's exposure.
  The demo's net capital (`stories.json` → `portfolio_risk.settings.net_capital_fen`: the
  largest customer is 8.5% of it) is set by `postloan demo` as a recorded limits version;
  against it that group is above the 15% ceiling, the largest customer below 10%.
* 个贷: of the consumer loans originated in the quarter 7–9 months before the as-of date, one
  in eight stops paying from its second instalment: that cohort's 30+ curve rises above the
  earlier cohorts' at the same months on book.
"""

from __future__ import annotations

import random
from datetime import date

from postloan.demo.loans import new_loan, set_facility_limit
from postloan.demo.state import DemoBank, add_months

SINGLE_OF_CAPITAL = 0.085  # the largest customer, of the demo's net capital (below 10%)
GROUP_OF_LARGEST = 2.3  # the breaching group's exposure, of the largest customer's (≈ 19.5%)
BAD_SHARE = 8  # one loan in eight of the bad cohort


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


def _live(bank: DemoBank, loans) -> int:
    return sum(x.principal_fen for x in loans if x.maturity > bank.as_of or x.unpaid_from)


def _largest_customer(bank: DemoBank) -> int:
    return max((_live(bank, loans) for loans in bank.loans_by_customer.values()), default=0)


def build_portfolio_risk(bank: DemoBank) -> None:
    """After the stories, before the flows are written. Draws from its own random stream, so
    that everything generated after it is as it was without it."""
    shared, bank.rng = bank.rng, random.Random(bank.seed * 7919 + 19)
    try:
        _build(bank)
    finally:
        bank.rng = shared


def _build(bank: DemoBank) -> None:
    groups: dict[str, list] = {}
    for c in bank.corporates:
        if c.group_id:
            groups.setdefault(c.group_id, []).append(c)
    largest = _largest_customer(bank)
    # A new group of three corporates without a story of their own (so that no story's figures
    # move): they borrow more, and the first names a fourth as 子公司 in related_parties.
    free = [c for c in bank.free_corporates if not c.group_id and not c.stories and c.facility_id]
    gid = "G9001"  # beside the stories' G0001…
    if len(free) >= 4:
        members, subsidiary = free[:3], free[3]
        for m in members:
            m.group_id = gid
            row = bank.rows["customers"][m.idx]
            assert row[0] == m.customer_id
            bank.rows["customers"][m.idx] = (*row[:-1], gid)
        groups[gid] = members
        bank.add(
            "related_parties",
            (members[0].customer_id, subsidiary.name, "subsidiary", subsidiary.customer_id, ""),
        )
        have = sum(_live(bank, bank.loans_by_customer.get(m.idx, [])) for m in members)
        extra = max(0, int(largest * GROUP_OF_LARGEST) - have)
        for m in members:
            principal = (extra // len(members)) // 1_000_000 * 1_000_000
            if principal <= 0:
                continue
            new_loan(bank, m, m.facility_id, "working_capital", principal, term=12)
            needed = _live(bank, bank.loans_by_customer[m.idx]) * 12 // 10
            current = next(r[2] for r in bank.rows["facilities"] if r[0] == m.facility_id)
            if needed > current:
                set_facility_limit(bank, m.facility_id, needed // 1_000_000 * 1_000_000)
        bank.story(
            "concentration_group", members[0], group_ids={gid: [m.customer_id for m in members]}
        )
    else:
        gid = ""
    for gid, members in sorted(groups.items()):
        core = members[0]
        bank.add("groups", (gid, f"{core.name[:4]}集团", core.customer_id, core.controller))

    bad_quarter = _quarter(add_months(bank.as_of, -8))
    cohort = [
        x
        for x in bank.loans
        if x.product == "personal_consumption"
        and x.customer.type == "retail"
        and _quarter(x.start) == bad_quarter
        and x.unpaid_from is None
        and not x.customer.stories
        and x.maturity > bank.as_of
        and x.n_inst > 3
    ]
    for i, loan in enumerate(cohort):
        if i % BAD_SHARE == 0:
            loan.unpaid_from = loan.due_date(1)
            bank.story("vintage_bad", loan.customer, loan)
    year, q = bad_quarter
    capital = int(_largest_customer(bank) / SINGLE_OF_CAPITAL) // 100_000_000 * 100_000_000
    bank.story(
        "portfolio_risk",
        settings={
            "net_capital_fen": capital,
            "bad_cohort": f"{year}Q{q + 1}",
            "breaching_group": gid,
        },
    )
