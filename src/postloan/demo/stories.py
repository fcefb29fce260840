"""Customers drifting into trouble the way the seed describes, so every rule has something real.

`assign_stories` picks the customers (before loans exist); `apply_stories` bends their loans,
limits and events. Everything is recorded in `bank.stories` (written as stories.json).
"""

from __future__ import annotations

from datetime import timedelta

from postloan.demo.customers import other_bank_account
from postloan.demo.loans import new_loan, set_facility_limit
from postloan.demo.names import person_name
from postloan.demo.state import Customer, DemoBank, Loan, add_months, iso, yuan

# Stories that need customers of their own (no two of these on one customer).
EXCLUSIVE = (
    "other_bank_proceeds",
    "falling_invoices",
    "controller_missing",
    "collateral_value_drop",
    "fund_diversion",
    "guarantor_trouble",
    "guarantor_in_trouble",
    "restructured",
    "financial_deterioration",
    "maturity_shortfall",
    "npl_contagion",
    "ecl_50",
    "ecl_90",
    "credit_cross20",
    "npl_other_fi",
    "stale_appraisal",
    "large_outflow",
    "credit_debt_jump",
    "interest_shortfall",
)
DPD_LADDER = (1, 3, 7, 8, 15, 30, 31, 60, 90, 91, 120, 180, 270, 271, 360, 361, 400)

EVENT_TEXT = {
    "litigation": ("medium", "因买卖合同纠纷被供应商起诉", "中国裁判文书网"),
    "enforcement": ("high", "被法院列为被执行人", "中国执行信息公开网"),
    "dishonest": ("high", "被列入失信被执行人名单", "中国执行信息公开网"),
    "equity_frozen": ("high", "实际控制人所持公司股权被司法冻结", "国家企业信用信息公示系统"),
    "asset_seized": ("high", "名下厂房及土地被法院查封", "中国执行信息公开网"),
    "controller_missing": ("high", "实际控制人失联，电话无法接通，厂区停工", "客户经理现场检查"),
    "controller_change": ("medium", "实际控制人变更，原股东全部退出", "国家企业信用信息公示系统"),
    "bankruptcy": ("high", "法院裁定受理破产清算申请", "全国企业破产重整案件信息网"),
    "evade_debt": ("high", "转移资产、恶意逃废银行债务", "同业通报"),
    "fund_misuse": ("high", "贷后检查发现贷款资金被用于购买理财产品", "贷后检查"),
    "refinance_to_repay": ("medium", "以新发放贷款归还他行到期贷款（借新还旧）", "贷后检查"),
    "rating_downgrade": ("high", "外部主体评级由AA下调至BBB-", "评级机构公告"),
    "policy_impact": ("medium", "所在行业受产能压减政策影响，订单明显减少", "行业政策"),
    "inspection_finding": ("medium", "内部审计发现贸易背景真实性存疑", "内部审计"),
    "negative_news": ("low", "媒体报道拖欠供应商货款", "网络舆情"),
    "other": ("low", "主要客户流失", "客户经理报告"),
}


def class_for_dpd(dpd: int) -> str:
    if dpd > 360:
        return "loss"
    if dpd > 270:
        return "doubtful"
    if dpd > 90:
        return "substandard"
    if dpd >= 1:
        return "special_mention"
    return "normal"


def make_overdue(bank: DemoBank, loan: Loan, dpd: int, bank_class: str | None = None) -> None:
    """Reshape the schedule so that on the as-of date the loan is exactly `dpd` days past due."""
    anchor = bank.as_of - timedelta(days=dpd)
    if loan.n_inst == 1:
        loan.anchor_k = 0
    else:
        loan.anchor_k = max(1, min(loan.n_inst - 2, loan.n_inst // 3)) if loan.n_inst > 2 else 1
    loan.anchor = anchor
    loan.start = add_months(anchor, -(loan.anchor_k + 1) * loan.freq)
    loan.unpaid_from = anchor
    loan.classification = bank_class or class_for_dpd(dpd)
    if dpd > 90:
        loan.credit_impaired = True
        loan.ecl_permille = {"substandard": 300, "doubtful": 600, "loss": 950}.get(
            class_for_dpd(dpd), 300
        )
    else:
        loan.ecl_permille = 50
    loan.notes["dpd"] = dpd


def live_loans(bank: DemoBank, customer: Customer) -> list[Loan]:
    return [
        loan
        for loan in bank.loans_by_customer.get(customer.idx, [])
        if loan.maturity > bank.as_of or loan.unpaid_from
    ]


def _story_loan(
    bank: DemoBank, customer: Customer, share: float, product="working_capital"
) -> Loan:
    principal = max(50_000_000, int(customer.monthly_revenue_fen * share) // 1_000_000 * 1_000_000)
    loan = new_loan(bank, customer, customer.facility_id, product, principal, term=12)
    return loan


def assign_stories(bank: DemoBank) -> None:
    k = bank.scale.stories_per_kind
    corporates = list(bank.corporates)
    order = list(range(len(corporates)))
    bank.rng.shuffle(order)
    pool = [corporates[i] for i in order]
    for code in EXCLUSIVE:
        count = max(2, k) if code == "restructured" else k
        # Short of cash before a 结息日: only customers without an acceptance-bill margin.
        fits = [c for c in pool if code != "interest_shortfall" or not c.margin_account]
        for customer in fits[:count]:
            bank.story(code, customer)
            pool.remove(customer)
    taken = 0
    # Groups (集团): several members, one will be non-performing.
    for g in range(k):
        members = pool[taken : taken + 4]
        taken += 4
        group_id = f"G{g + 1:04d}"
        for member in members:
            member.group_id = group_id
            bank.story("group_npl", member, group_ids={group_id: [m.customer_id for m in members]})
    bank.free_corporates = pool[taken:] or pool
    # Quiet groups: a few more groups without trouble.
    rest = bank.free_corporates
    n_quiet = max(1, len(rest) // 60)
    for g in range(n_quiet):
        members = rest[g * 3 : g * 3 + 3]
        if len(members) == 3 and not any(m.group_id for m in members):
            for member in members:
                member.group_id = f"G{k + g + 1:04d}"


def _customers(bank: DemoBank, code: str) -> list[Customer]:
    return [bank.by_id[c] for c in bank.stories.get(code, {}).get("customer_ids", [])]


def _event(bank: DemoBank, customer: Customer, type_: str, days_ago: int, amount_fen=None):
    severity, text, source = EVENT_TEXT[type_]
    event_id = bank.next_id("EV", 7)
    day = bank.as_of - timedelta(days=days_ago)
    bank.add(
        "events",
        (event_id, customer.customer_id, iso(day), type_, severity, yuan(amount_fen), text, source),
    )
    bank.story(f"event_{type_}", customer)
    return event_id


def apply_stories(bank: DemoBank) -> None:  # noqa: C901 - a list of stories, read top to bottom
    rng = bank.rng
    as_of = bank.as_of

    for c in _customers(bank, "controller_missing"):
        _event(bank, c, "controller_missing", rng.randint(10, 40))
        set_facility_limit(bank, c.facility_id, None, status="frozen")
        for loan in live_loans(bank, c):
            loan.classification = "special_mention"

    for c in _customers(bank, "collateral_value_drop") + _customers(bank, "stale_appraisal"):
        trend = "drop" if "collateral_value_drop" in c.stories else "stale"
        loan = _story_loan(bank, c, 1.0, "fixed_asset")
        loan.guarantee_method = "mortgage"
        loan.notes["collateral"] = trend
        code = "collateral_value_drop" if trend == "drop" else "stale_appraisal"
        bank.story(code, c, loan)

    for i, c in enumerate(_customers(bank, "fund_diversion")):
        loan = _story_loan(bank, c, 1.5)
        loan.start = as_of - timedelta(days=40 + 5 * i)
        loan.anchor = add_months(loan.start, loan.freq)
        loan.anchor_k = 0
        variant = ("related_party", "real_estate", "back_to_borrower")[i % 3]
        loan.payment_method = "entrusted" if variant == "back_to_borrower" else "self"
        loan.purpose = "采购原材料"
        loan.notes["diversion"] = variant
        bank.story("fund_diversion", c, loan, variant={loan.loan_id: variant})

    guarantors = _customers(bank, "guarantor_in_trouble")
    for c, g in zip(_customers(bank, "guarantor_trouble"), guarantors, strict=False):
        bad = _story_loan(bank, g, 1.0)
        make_overdue(bank, bad, 200)
        loans = live_loans(bank, c)
        target = next((x for x in loans if x.product == "working_capital"), loans[0])
        target.guarantee_method = "guarantee"
        target.notes["guarantor"] = g
        bank.story("guarantor_trouble", c, target, guarantor={c.customer_id: g.customer_id})
        bank.story("guarantor_trouble", g, bad)

    for i, c in enumerate(_customers(bank, "restructured")):
        loan = _story_loan(bank, c, 1.0)
        loan.freq, loan.n_inst = 3, 8
        loan.restructured = True
        loan.restructure_date = add_months(as_of, -8) - timedelta(days=5)
        loan.start = loan.restructure_date
        loan.anchor, loan.anchor_k = add_months(loan.start, 3), 0
        loan.purpose = "借新还旧（重组）"
        loan.classification = "special_mention"
        if i == 0:  # missed the second instalment inside the observation period
            loan.unpaid_from = loan.due_date(1)
            loan.classification = "substandard"
            loan.credit_impaired = True
            loan.ecl_permille = 250
            bank.story(
                "restructured_missed", c, loan, dpd={loan.loan_id: (as_of - loan.due_date(1)).days}
            )
        elif i == 1:  # restructured out of 可疑: paying on time, but no upgrade while observed
            loan.classification = "doubtful"
            loan.credit_impaired = True
            loan.ecl_permille = 350
            bank.story("restructured_npl", c, loan)
        bank.story("restructured", c, loan)

    for i, c in enumerate(_customers(bank, "large_outflow")):
        _large_outflow(bank, c, "related" if i % 2 == 0 else "individual")

    for c in _customers(bank, "interest_shortfall"):
        # A bullet loan paying interest quarterly (按季结息); the accounts ran dry before the
        # last 结息日 (see trends.balance_factor) and recovered afterwards.
        loan = _story_loan(bank, c, 1.0)
        loan.freq, loan.n_inst, loan.anchor_k = 12, 1, 0
        loan.start = as_of - timedelta(days=150)
        loan.anchor = add_months(loan.start, 12)
        bank.story("interest_shortfall", c, loan)

    for c in _customers(bank, "credit_debt_jump"):
        bank.story("credit_debt_jump", c)

    for c in _customers(bank, "maturity_shortfall"):
        loan = _story_loan(bank, c, 1.2)
        loan.freq, loan.n_inst, loan.anchor_k = 12, 1, 0
        loan.anchor = as_of + timedelta(days=2)
        loan.start = add_months(loan.anchor, -12)
        bank.story("maturity_shortfall", c, loan, maturity={loan.loan_id: iso(loan.anchor)})

    for c in _customers(bank, "npl_contagion"):
        while len(live_loans(bank, c)) < 3:
            _story_loan(bank, c, 0.5)
        total = sum(x.principal_fen for x in live_loans(bank, c))
        bad = new_loan(
            bank, c, c.facility_id, "working_capital", max(total // 3, 50_000_000), term=12
        )
        bad.freq, bad.n_inst = 12, 1
        make_overdue(bank, bad, 95)
        bank.story("npl_contagion", c, bad)

    for code, permille, dpd, bank_class in (
        ("ecl_50", 550, 45, "substandard"),
        ("ecl_90", 920, 200, "doubtful"),
    ):
        for c in _customers(bank, code):
            loan = _story_loan(bank, c, 1.0)
            make_overdue(bank, loan, dpd, bank_class)
            loan.credit_impaired = True
            loan.ecl_permille = permille
            bank.story(code, c, loan)

    for members in bank.stories.get("group_npl", {}).get("group_ids", {}).values():
        c = bank.by_id[members[0]]
        loan = _story_loan(bank, c, 1.0)
        make_overdue(bank, loan, 150)
        bank.story("group_npl", c, loan, npl_member={c.group_id: c.customer_id})

    # Credit limits around the monthly-meeting threshold of 10,000,000 (含).
    free = bank.free_corporates
    for i, c in enumerate(free[: 2 * bank.scale.stories_per_kind + 1]):
        limit = (1_000_000_000, 999_000_000, 990_000_000)[i % 3]
        _rescale_limit(bank, c, limit)
        bank.story("credit_10m_exact" if i % 3 == 0 else "credit_just_under_10m", c)
    big = [c for c in bank.corporates if _limit(bank, c) >= 1_000_000_000]
    for c in big[: 3 * bank.scale.stories_per_kind]:
        bank.story("credit_over_10m", c)

    # Events of every type, on customers outside the exclusive stories where possible.
    event_types = [t for t in EVENT_TEXT if t != "controller_missing"]
    pos = 2 * bank.scale.stories_per_kind + 1
    for t in event_types:
        for _ in range(bank.scale.stories_per_kind):
            c = free[pos % len(free)]
            pos += 1
            amount = (
                c.monthly_revenue_fen * rng.randint(1, 6)
                if t in ("litigation", "enforcement")
                else None
            )
            _event(bank, c, t, rng.randint(5, 150), amount)
            loans = live_loans(bank, c)
            if t == "bankruptcy" and loans:
                make_overdue(bank, loans[0], 400, "doubtful")
                bank.story("class_disagree", c, loans[0])
            elif t == "evade_debt" and loans:
                make_overdue(bank, loans[0], 300)
            elif t in ("fund_misuse", "refinance_to_repay", "rating_downgrade") and loans:
                for loan in loans:
                    loan.classification = "special_mention"
            elif t == "dishonest" and loans:
                make_overdue(bank, loans[0], 120)
    for c in bank.corporates:
        if not c.stories and rng.random() < 0.03:
            _event(
                bank, c, rng.choice(("negative_news", "litigation", "other")), rng.randint(30, 500)
            )

    # DPD ladder on retail loans (and the bank's class mostly agreeing with DPD).
    retail = [c for c in bank.customers if c.type == "retail"]
    reps = max(1, bank.scale.stories_per_kind // 2 + 1)
    ladder_customers = retail[-len(DPD_LADDER) * reps :]
    for n, c in enumerate(ladder_customers):
        dpd = DPD_LADDER[n % len(DPD_LADDER)]
        loan = live_loans(bank, c)[0]
        disagree = n < len(DPD_LADDER) and dpd in (91, 271)
        bank_class = {91: "special_mention", 271: "substandard"}[dpd] if disagree else None
        make_overdue(bank, loan, dpd, bank_class)
        bank.story("dpd_ladder", c, loan, dpd={loan.loan_id: dpd})
        if disagree:
            bank.story("class_disagree", c, loan)

    # A retail batch (批量审议): small consumer loans 10–60 days overdue at one 支行.
    unit = bank.unit_codes[-1]
    batch = [c for c in retail if c.branch_code == unit and not c.stories][
        : 5 * bank.scale.stories_per_kind
    ]
    for c in batch:
        loan = live_loans(bank, c)[0]
        make_overdue(bank, loan, rng.randint(10, 60))
        bank.story("retail_batch", c, loan, dpd={loan.loan_id: loan.notes["dpd"]})

    # A current loan the bank classified worse than the data supports.
    for c in free[-2:]:
        loans = live_loans(bank, c)
        if loans and not loans[0].unpaid_from:
            loans[0].classification = "substandard"
            bank.story("class_disagree", c, loans[0])

    # The remaining stories live in the flows, reports and collateral (see those modules).
    for code in ("other_bank_proceeds", "falling_invoices", "financial_deterioration"):
        for c in _customers(bank, code):
            bank.story(code, c)
    for c in _customers(bank, "npl_other_fi") + _customers(bank, "credit_cross20"):
        for loan in live_loans(bank, c):
            loan.classification = "special_mention"


def _large_outflow(bank: DemoBank, c: Customer, party: str) -> None:
    """Most of a month's takings sent out in one go to the actual controller (a related party)
    or to a private person with no trade behind it (往来款)."""
    day = bank.as_of - timedelta(days=bank.rng.randint(5, 20))
    amount = c.monthly_revenue_fen * 8 // 10 // 10_000 * 10_000
    if party == "related":
        name, account = c.controller, bank.controller_accounts.get(c.idx, "")
    else:
        name, account = person_name(bank.rng), other_bank_account(bank)
    txn_id = bank.next_id("X", 11)
    bank.special_txns.append(
        (txn_id, c.settlement_account, day, "out", amount, name, account, "往来款", "")
    )
    bank.story(
        "large_outflow",
        c,
        txn_ids={c.customer_id: [txn_id]},
        party={c.customer_id: party},
    )


def _limit(bank: DemoBank, c: Customer) -> int:
    for row in bank.rows["facilities"]:
        if row[0] == c.facility_id:
            return row[2]
    return 0


def _rescale_limit(bank: DemoBank, c: Customer, limit: int) -> None:
    old = _limit(bank, c)
    set_facility_limit(bank, c.facility_id, limit)
    for loan in bank.loans_by_customer.get(c.idx, []):
        if loan.facility_id == c.facility_id and old:
            loan.principal_fen = max(
                1_000_000, loan.principal_fen * limit // old // 10_000 * 10_000
            )
