"""审批条件 (covenants), 信贷档案 (credit files) and 客户投诉 (complaints) of the demo bank.

Drawn with their own random generator (seeded from the bank's seed), after every other table,
so the rest of the bank is the same with or without them. What they give the demo:
- covenants on about half the corporate borrowers: 资产负债率 ≤ 70% and 流动比率 ≥ 1.0 (the
  `financial_deterioration` stories, at 78% / 0.82, breach them), 销售资金归行率 ≥ 50% on some
  (a few at 95%: breached), registration by 60 days after disbursement for mortgage and
  pledge loans (the ~4% unregistered collaterals breach), fund use as approved, insurance
  kept on secured loans and a few free-text conditions (to confirm; some not yet due);
- the credit file of every loan against the default checklist: ~93% of items filed, the
  rest missing, lent out, or (rarely) lost;
- complaints from about 1% of customers (at least 4), most resolved within a week or two, some late, a few
  still open.
"""

from __future__ import annotations

import random
from datetime import timedelta

from postloan import contract
from postloan.demo.state import DemoBank, iso

CHANNELS = [code for code, _ in contract.COMPLAINT_CHANNELS]
CATEGORIES = [code for code, _ in contract.COMPLAINT_CATEGORIES]
COMPLAINT_TEXTS = {
    "service": "柜面办理等候时间长，工作人员解释不清",
    "fees": "对贷款相关收费标准有异议",
    "loan_process": "续贷审批进度慢，未及时告知所需材料",
    "collection": "催收电话过于频繁，影响正常生活",
    "credit_report": "征信报告显示逾期记录，认为系银行扣款失败所致",
    "other": "对网点服务提出意见",
}
FREE_TEXT = (
    "实际控制人追加个人无限连带责任保证",
    "每季度提供主要购销合同及发票",
    "新增对外担保须事先书面告知我行",
)


def _rng(bank: DemoBank, salt: int) -> random.Random:
    return random.Random(bank.seed * 7919 + salt)


def required_items(product: str, guarantee_method: str) -> list[str]:
    products = contract.CREDIT_FILE_DEFAULT_PRODUCTS
    items = list(products.get(product, products["*"]))
    for item in contract.CREDIT_FILE_DEFAULT_GUARANTEE_METHODS.get(guarantee_method, ()):
        if item not in items:
            items.append(item)
    return items


def build_covenants(bank: DemoBank) -> None:
    rng = _rng(bank, 1)
    as_of = bank.as_of
    for c in bank.corporates:
        loans = bank.loans_by_customer.get(c.idx) or []
        if not loans or (rng.random() > 0.5 and "financial_deterioration" not in c.stories):
            continue

        def add(kind, threshold="", frequency="once", due=None, text="", loan=None, c=c):
            bank.add(
                "covenants",
                (
                    bank.next_id("TJ", 7),
                    c.customer_id,
                    loan.loan_id if loan is not None else "",
                    c.facility_id or "" if loan is None else "",
                    kind,
                    threshold,
                    frequency,
                    iso(due),
                    text,
                ),
            )

        add("debt_ratio_max", "0.70", "annual", text="借款人资产负债率不高于70%")
        if rng.random() < 0.6 or "financial_deterioration" in c.stories:
            add("current_ratio_min", "1.0", "quarterly", text="借款人流动比率不低于1.0")
        if rng.random() < 0.4:
            strict = rng.random() < 0.15
            threshold = "0.95" if strict else "0.50"
            text = f"销售回款归行率不低于{'95' if strict else '50'}%"
            add("sales_return_min", threshold, "quarterly", text=text, loan=loans[0])
        for loan in loans:
            if loan.guarantee_method in ("mortgage", "pledge", "mixed") and rng.random() < 0.7:
                due = loan.start + timedelta(days=60)
                add("collateral_registered_by", "", "once", due, "放款后60日内办妥抵质押登记", loan)
            if loan.guarantee_method in ("mortgage", "mixed") and rng.random() < 0.5:
                add(
                    "insurance_kept",
                    "",
                    "annual",
                    text="抵押物投保财产一切险，我行为第一受益人",
                    loan=loan,
                )
            if rng.random() < 0.3:
                add("funds_purpose", "", "once", text=f"贷款用于{loan.purpose}", loan=loan)
        if rng.random() < 0.15:
            due = as_of + timedelta(days=rng.choice((-45, 30, 90)))
            add("free_text", "", "once", due, rng.choice(FREE_TEXT))


def build_credit_files(bank: DemoBank) -> None:
    rng = _rng(bank, 2)
    for loan in bank.loans:
        for item in required_items(loan.product, loan.guarantee_method):
            draw = rng.random()
            if draw < 0.93:
                state, location = "received", f"档案室{rng.randint(1, 12):02d}柜"
            elif draw < 0.975:
                continue  # no row: not yet registered in the file system (missing)
            elif draw < 0.985:
                state, location = "missing", ""
            elif draw < 0.997:
                state, location = "borrowed", "借阅：授信审批部"
            else:
                state, location = "lost", ""
            day = loan.start + timedelta(days=rng.randint(0, 20))
            bank.add(
                "credit_files",
                (loan.loan_id, item, state, location, iso(min(day, bank.as_of)), ""),
            )


def build_complaints(bank: DemoBank) -> None:
    rng = _rng(bank, 3)
    as_of = bank.as_of
    chosen = rng.sample(
        bank.customers, min(len(bank.customers), max(4, len(bank.customers) // 100))
    )
    for c in sorted(chosen, key=lambda c: c.idx):
        received = as_of - timedelta(days=rng.randint(1, 300))
        draw = rng.random()
        if draw < 0.75:
            resolved = received + timedelta(days=rng.randint(1, 12))
        elif draw < 0.9:
            resolved = received + timedelta(days=rng.randint(20, 45))  # late
        else:
            resolved = None  # still open
        if resolved is not None and resolved > as_of:
            resolved = None
        category = rng.choice(CATEGORIES)
        bank.add(
            "complaints",
            (
                bank.next_id("TS", 6),
                c.customer_id,
                c.branch_code,
                iso(received),
                iso(resolved),
                rng.choice(CHANNELS),
                category,
                COMPLAINT_TEXTS[category],
            ),
        )


def build_all(bank: DemoBank) -> None:
    build_covenants(bank)
    build_credit_files(bank)
    build_complaints(bank)
