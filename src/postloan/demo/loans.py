"""Facilities (授信) and loans (借据) of every product, with their repayment terms."""

from __future__ import annotations

from datetime import date, timedelta

from postloan.demo.state import Customer, DemoBank, Loan, add_months, iso, yuan

# product → (term months choices, freq months or 0 for bullet, rate range in ppm or None)
TERMS = {
    "working_capital": ((12, 12, 24), (3, 12), (30_000, 48_000)),
    "fixed_asset": ((36, 48, 60), (3,), (32_000, 46_000)),
    "project": ((60, 84, 96), (3, 6), (34_000, 46_000)),
    "trade_finance": ((6, 6, 12), (0,), (28_000, 40_000)),
    "bank_acceptance": ((6, 6, 12), (0,), None),
    "letter_of_guarantee": ((12, 24), (0,), None),
    "personal_business": ((12, 24, 36), (1,), (33_000, 55_000)),
    "personal_consumption": ((12, 24, 36), (1,), (32_000, 60_000)),
    "mortgage": ((120, 240, 300, 360), (1,), (30_500, 36_000)),
}
PURPOSES = {
    "working_capital": ("采购原材料", "支付货款", "日常经营周转", "支付工程款"),
    "fixed_asset": ("购置生产设备", "厂房建设", "生产线技术改造"),
    "project": ("项目建设", "园区基础设施建设"),
    "trade_finance": ("国内信用证项下采购", "进口原材料采购"),
    "bank_acceptance": ("支付货款", "采购原材料"),
    "letter_of_guarantee": ("履约保函", "投标保函", "预付款保函"),
    "personal_business": ("经营周转", "进货", "店铺装修"),
    "personal_consumption": ("装修", "购车", "教育", "旅游"),
    "mortgage": ("购买自住住房",),
}
GUARANTEE_METHODS = {
    "working_capital": ("credit", "guarantee", "guarantee", "mortgage", "mortgage", "mixed"),
    "fixed_asset": ("mortgage", "mixed"),
    "project": ("mortgage", "mixed"),
    "trade_finance": ("guarantee", "pledge"),
    "bank_acceptance": ("pledge", "mixed"),
    "letter_of_guarantee": ("guarantee", "pledge"),
    "personal_business": ("mortgage", "guarantee"),
    "personal_consumption": ("credit", "credit", "guarantee"),
    "mortgage": ("mortgage",),
}
FACILITY_PRODUCTS = {
    "working_capital",
    "trade_finance",
    "bank_acceptance",
    "letter_of_guarantee",
    "personal_business",
}


def _round_fen(fen: int, unit_yuan: int) -> int:
    unit = unit_yuan * 100
    return max(unit, (fen // unit) * unit)


def new_loan(
    bank: DemoBank,
    customer: Customer,
    facility_id: str,
    product: str,
    principal_fen: int,
    *,
    settled: bool = False,
    term: int | None = None,
) -> Loan:
    rng = bank.rng
    terms, freqs, rates = TERMS[product]
    term = term or rng.choice(terms)
    freq = rng.choice(freqs) or term
    if freq > term:
        freq = term
    n = max(1, term // freq)
    if settled:
        start = add_months(bank.as_of, -(term + rng.randint(1, 12)))
    else:
        start = add_months(bank.as_of, -rng.randint(0, max(0, term - 1)))
        start -= timedelta(days=rng.randint(1, 25))
    start = max(start, date(2010, 1, 4))
    rate = f"{rng.randrange(*rates) / 1_000_000:.4f}" if rates else ""
    method = rng.choice(GUARANTEE_METHODS[product])
    if product in ("bank_acceptance", "letter_of_guarantee"):
        payment = ""
    elif product == "mortgage":
        payment = "entrusted"
    elif product == "personal_consumption":
        payment = "entrusted" if principal_fen > 30_000_000 else "self"
    else:
        payment = "self" if rng.random() < 0.35 else "entrusted"
    deposit = ""
    if product == "bank_acceptance":
        deposit = rng.choice(("0.3000", "0.5000", "0.5000", "1.0000"))
        if deposit == "1.0000":
            method = "pledge"
    loan = Loan(
        loan_id=f"JJ{bank.as_of.year}{len(bank.loans) + 1:08d}",
        idx=len(bank.loans),
        customer=customer,
        facility_id=facility_id,
        product=product,
        principal_fen=principal_fen,
        rate=rate,
        start=start,
        freq=freq,
        n_inst=n,
        anchor=add_months(start, freq),
        anchor_k=0,
        guarantee_method=method,
        purpose=rng.choice(PURPOSES[product]),
        payment_method=payment,
        deposit_ratio=deposit,
    )
    if not settled and loan.maturity <= bank.as_of:
        # Keep live loans live: move the schedule so that it ends after the as-of date.
        shift = 1
        while add_months(loan.anchor, shift + (n - 1) * freq) <= bank.as_of:
            shift += 1
        loan.start = add_months(loan.start, shift)
        loan.anchor = add_months(start, freq + shift)
    bank.loans.append(loan)
    bank.loans_by_customer.setdefault(customer.idx, []).append(loan)
    return loan


def _facility(bank: DemoBank, customer: Customer, limit_fen: int, years: int = 1) -> str:
    rng = bank.rng
    facility_id = bank.next_id("SX", 7)
    start = add_months(bank.as_of, -rng.randint(1, 11)) - timedelta(days=rng.randint(0, 20))
    end = add_months(start, 12 * years)
    bank.add(
        "facilities", [facility_id, customer.customer_id, limit_fen, iso(start), iso(end), "active"]
    )
    return facility_id


def set_facility_limit(bank: DemoBank, facility_id: str, limit_fen: int, status: str | None = None):
    for row in bank.rows["facilities"]:
        if row[0] == facility_id:
            if limit_fen is not None:
                row[2] = limit_fen
            if status:
                row[5] = status
            return


def build_loans(bank: DemoBank) -> None:
    rng = bank.rng
    for customer in bank.customers:
        if customer.type == "corporate":
            _corporate_loans(bank, customer, rng)
        else:
            _retail_loans(bank, customer, rng)


def _corporate_loans(bank: DemoBank, customer: Customer, rng) -> None:
    limit = _round_fen(int(customer.monthly_revenue_fen * rng.uniform(1.5, 5.0)), 100_000)
    facility_id = _facility(bank, customer, limit, years=rng.choice((1, 1, 1, 2, 3)))
    customer.facility_id = facility_id
    products = ["working_capital"]
    if rng.random() < 0.6:
        products.append("working_capital")
    if customer.margin_account:
        products += ["bank_acceptance"] * rng.randint(1, 3)
    if rng.random() < 0.35:
        products.append("trade_finance")
    if rng.random() < 0.3:
        products.append("letter_of_guarantee")
    if rng.random() < 0.2:
        products.append("fixed_asset")
    if customer.industry_code[0] in "EDK" and rng.random() < 0.5:
        products.append("project")
    weights = [rng.uniform(0.5, 1.5) for _ in products]
    used = rng.uniform(0.55, 0.95)
    for product, w in zip(products, weights, strict=True):
        principal = _round_fen(int(limit * used * w / sum(weights)), 10_000)
        new_loan(bank, customer, facility_id, product, principal)
    for _ in range(rng.choice((0, 1, 1, 2))):
        principal = _round_fen(int(limit * rng.uniform(0.2, 0.5)), 10_000)
        new_loan(bank, customer, facility_id, "working_capital", principal, settled=True)


def _retail_loans(bank: DemoBank, customer: Customer, rng) -> None:
    r = rng.random()
    if r < 0.35:
        product = "mortgage"
        principal = _round_fen(int(rng.uniform(500_000, 3_000_000)) * 100, 10_000)
    elif r < 0.65:
        product = "personal_business"
        principal = _round_fen(int(rng.uniform(100_000, 2_000_000)) * 100, 10_000)
    else:
        product = "personal_consumption"
        principal = _round_fen(int(rng.uniform(20_000, 500_000)) * 100, 1_000)
    facility_id = ""
    if product == "personal_business":
        facility_id = _facility(bank, customer, _round_fen(int(principal * 1.2), 10_000), 3)
    new_loan(bank, customer, facility_id, product, principal)
    if rng.random() < 0.25:
        new_loan(
            bank,
            customer,
            "",
            "personal_consumption",
            _round_fen(int(rng.uniform(20_000, 300_000)) * 100, 1_000),
        )
    if rng.random() < 0.12:
        new_loan(
            bank,
            customer,
            "",
            "personal_consumption",
            _round_fen(int(rng.uniform(20_000, 200_000)) * 100, 1_000),
            settled=True,
            term=12,
        )


def facility_rows(bank: DemoBank) -> list[tuple]:
    """Format facilities; a facility covers the live loans drawn under it."""
    spans: dict[str, tuple[date, date]] = {}
    for loan in bank.loans:
        if loan.facility_id and (loan.maturity > bank.as_of or loan.unpaid_from):
            lo, hi = spans.get(loan.facility_id, (loan.start, loan.maturity))
            spans[loan.facility_id] = (min(lo, loan.start), max(hi, loan.maturity))
    rows = []
    for r in bank.rows.pop("facilities", []):
        start, end = date.fromisoformat(r[3]), date.fromisoformat(r[4])
        lo, hi = spans.get(r[0], (start, end))
        rows.append((r[0], r[1], yuan(r[2]), iso(min(start, lo)), iso(max(end, hi)), r[5]))
    return rows
