"""Guarantees, collateral with appraisals and revaluations, and disbursements (附件1)."""

from __future__ import annotations

from datetime import date, timedelta

from postloan.demo.customers import other_bank_account
from postloan.demo.names import (
    GUARANTEE_COMPANIES,
    REAL_ESTATE_PAYEES,
    SECURITIES_PAYEES,
    SUPPLIER_WORDS,
    TRADE_NAMES,
    person_name,
)
from postloan.demo.state import DemoBank, Loan, add_months, flag, iso, yuan

SOURCES = ("第三方评估", "内部重估", "市场询价")
REVALUE_MONTHS = {
    "real_estate": 6,
    "land": 6,
    "equipment": 12,
    "vehicle": 12,
    "equity": 3,
    "bill": 3,
    "receivable": 6,
}
# The bank's loan-to-value ceilings (the engine's defaults); other types are lent at ~60%.
LTV_CEILING = {"real_estate": 0.7, "land": 0.7, "equipment": 0.5, "equity": 0.5, "deposit": 0.9}
# Formal re-appraisal (重新评估) of collateral: every N years after the first appraisal.
REAPPRAISE_YEARS = {"real_estate": 3, "land": 3}
REAPPRAISE_YEARS_OTHER = 2
# Yearly change of value: over the long run (what a re-appraisal finds) and since the last
# appraisal (what the periodic market checks see: a soft property market, depreciation).
LONG_RUN = {"real_estate": 0.03, "land": 0.03, "equipment": -0.06, "vehicle": -0.08}
DRIFT = {
    "real_estate": -0.01,
    "land": 0.0,
    "equipment": -0.06,
    "vehicle": -0.08,
    "equity": -0.02,
    "bill": 0.0,
    "receivable": 0.0,
}
DESCRIPTIONS = {
    "real_estate": "工业厂房及办公楼",
    "land": "工业用地国有建设用地使用权",
    "equipment": "生产线设备",
    "vehicle": "营运车辆",
    "deposit": "定期存单",
    "equity": "非上市公司股权",
    "receivable": "应收账款",
    "bill": "商业承兑汇票",
}


def supplier_name(bank: DemoBank, c) -> str:
    rng = bank.rng
    prefix = c.name[:2] if c.type == "corporate" else "杭州"
    return prefix + rng.choice(TRADE_NAMES) + rng.choice(SUPPLIER_WORDS) + "有限公司"


def _appraisal(bank: DemoBank, loan: Loan, type_: str, secured_fen: int) -> tuple[int, date]:
    """(appraised value, appraisal date): lent within the type's LTV ceiling at origination,
    formally re-appraised every few years since, so the register's appraisal is current."""
    rng = bank.rng
    ltv = LTV_CEILING.get(type_, 0.6) * rng.uniform(0.55, 0.85)
    original = int(secured_fen / ltv)
    appraisal = loan.start - timedelta(days=rng.randint(5, 40))
    trend = loan.notes.get("collateral")
    if trend == "stale":
        return original // 10_000 * 10_000, add_months(bank.as_of, -30)
    if trend == "drop":
        return original // 10_000 * 10_000, appraisal
    every = 12 * REAPPRAISE_YEARS.get(type_, REAPPRAISE_YEARS_OTHER)
    first = appraisal
    while add_months(appraisal, every) <= bank.as_of - timedelta(days=30):
        appraisal = add_months(appraisal, every)
    years = (appraisal - first).days / 365
    value = int(original * max(1 + LONG_RUN.get(type_, 0.0) * years, 0.3))
    return value // 10_000 * 10_000, appraisal


def _collateral(bank: DemoBank, loan: Loan, type_: str, secured_fen: int) -> str:
    rng = bank.rng
    c = loan.customer
    collateral_id = bank.next_id("YP", 8)
    trend = loan.notes.get("collateral")
    appraised, appraisal = _appraisal(bank, loan, type_, secured_fen)
    if c.type == "retail" and type_ == "real_estate":
        description = "个人住房"
        owner = c.name
    else:
        description = DESCRIPTIONS[type_]
        owner = c.name if rng.random() < 0.8 or c.type == "retail" else c.controller
    registered = rng.random() < 0.96 or trend is not None
    bank.add(
        "collaterals",
        (
            collateral_id,
            type_,
            description,
            owner,
            yuan(appraised),
            iso(appraisal),
            flag(registered),
        ),
    )
    every = REVALUE_MONTHS.get(type_)
    if every is None:
        return collateral_id
    values: list[tuple[date, float]] = []
    step = 1
    first_allowed = add_months(bank.as_of, -36)
    while True:
        day = add_months(appraisal, step * every)
        if day > bank.as_of:
            break
        if trend == "stale" and day > add_months(bank.as_of, -16):
            break
        if day >= first_allowed:
            years = (day - appraisal).days / 365
            values.append((day, 1 + DRIFT[type_] * years + rng.uniform(-0.03, 0.03)))
        step += 1
    if trend == "drop":
        values = [
            (bank.as_of - timedelta(days=240), 0.95),
            (bank.as_of - timedelta(days=120), 0.84),
            (bank.as_of - timedelta(days=20), 0.72),
        ]
    for day, ratio in values:
        market = int(appraised * max(ratio, 0.05)) // 100 * 100
        bank.add("collateral_values", (collateral_id, iso(day), yuan(market), rng.choice(SOURCES)))
    return collateral_id


def _guarantee(bank, loan, kind, *, guarantor=None, name="", collateral="", secured=None):
    bank.add(
        "guarantees",
        (
            bank.next_id("DB", 8),
            loan.loan_id,
            "",
            kind,
            guarantor.customer_id if guarantor else "",
            guarantor.name if guarantor else name,
            collateral,
            yuan(secured if secured is not None else loan.principal_fen),
            iso(loan.start),
            iso(loan.maturity),
        ),
    )


def _guarantor(bank: DemoBank, loan: Loan) -> None:
    rng = bank.rng
    c = loan.customer
    chosen = loan.notes.get("guarantor")
    if chosen is not None:
        _guarantee(bank, loan, "guarantor", guarantor=chosen)
        return
    r = rng.random()
    corporates = bank.free_corporates or bank.corporates
    if c.type == "corporate" and r < 0.4 and len(corporates) > 1:
        g = corporates[rng.randrange(len(corporates))]
        if g is not c:
            _guarantee(bank, loan, "guarantor", guarantor=g)
            return
    if c.type == "corporate" and r < 0.7:
        _guarantee(bank, loan, "guarantor", name=c.controller)
    elif c.type == "corporate":
        _guarantee(
            bank,
            loan,
            "guarantor",
            name="浙江" + rng.choice(TRADE_NAMES) + rng.choice(GUARANTEE_COMPANIES),
        )
    else:
        _guarantee(bank, loan, "guarantor", name=person_name(rng))


def build_security(bank: DemoBank) -> None:
    rng = bank.rng
    for loan in bank.loans:
        method = loan.guarantee_method
        c = loan.customer
        if loan.product == "bank_acceptance":
            ratio = float(loan.deposit_ratio or 0)
            _guarantee(bank, loan, "deposit", name=c.name, secured=int(loan.principal_fen * ratio))
            if method == "mixed":
                _guarantor(bank, loan)
            continue
        if method in ("guarantee", "mixed"):
            _guarantor(bank, loan)
        if method in ("mortgage", "mixed"):
            if c.type == "retail" or loan.notes.get("collateral"):
                type_ = "real_estate"
            else:
                type_ = rng.choice(("real_estate", "real_estate", "land", "equipment", "vehicle"))
            secured = loan.principal_fen
            collateral_id = _collateral(bank, loan, type_, secured)
            _guarantee(bank, loan, "mortgage", collateral=collateral_id, secured=secured)
        if method == "pledge":
            type_ = rng.choice(("deposit", "receivable", "equity", "bill"))
            collateral_id = _collateral(bank, loan, type_, loan.principal_fen)
            _guarantee(bank, loan, "pledge", collateral=collateral_id)


def build_disbursements(bank: DemoBank) -> None:
    """Payments of each loan's money, and the account movements they cause (within the window)."""
    rng = bank.rng
    window = add_months(date(bank.as_of.year, bank.as_of.month, 1), -17)
    for loan in bank.loans:
        if loan.product in ("bank_acceptance", "letter_of_guarantee") or loan.start > bank.as_of:
            continue
        if loan.start < add_months(bank.as_of, -36):
            continue
        c = loan.customer
        payments: list[tuple[date, int, str, str]] = []
        variant = loan.notes.get("diversion")
        if loan.payment_method == "self":
            payments.append((loan.start, loan.principal_fen, c.name, c.settlement_account))
        else:
            parts = 1 if loan.product == "mortgage" or variant else rng.randint(1, 3)
            left = loan.principal_fen
            for p in range(parts):
                amount = left if p == parts - 1 else left * rng.randint(30, 60) // 100 // 100 * 100
                left -= amount
                if loan.product == "mortgage":
                    payee = "杭州" + rng.choice(TRADE_NAMES) + REAL_ESTATE_PAYEES[0]
                else:
                    payee = supplier_name(bank, c)
                day = min(loan.start + timedelta(days=p * rng.randint(3, 10)), bank.as_of)
                payments.append((day, amount, payee, "1202" + other_bank_account(bank)[4:]))
        seen = set()
        for day, amount, payee, account in payments:
            if (day, payee) in seen:
                continue
            seen.add((day, payee))
            bank.add(
                "disbursements",
                (
                    loan.loan_id,
                    iso(day),
                    yuan(amount),
                    payee,
                    account,
                    loan.payment_method,
                    loan.purpose,
                ),
            )
        if loan.start < window or not c.settlement_account:
            continue
        _txn(
            bank,
            c.settlement_account,
            loan.start,
            "in",
            loan.principal_fen,
            "钱塘商业银行杭州分行",
            "330100000000001",
            "贷款发放",
            "loan_disbursement",
        )
        if loan.payment_method == "entrusted":
            for day, amount, payee, account in payments:
                _txn(
                    bank,
                    c.settlement_account,
                    day,
                    "out",
                    amount,
                    payee,
                    account,
                    f"受托支付{loan.purpose}",
                    "purchase",
                )
        if variant:
            _diversion(bank, loan, variant, payments)


def _txn(bank, account_id, day, direction, amount_fen, name, account, summary, category) -> str:
    txn_id = bank.next_id("X", 11)
    bank.special_txns.append(
        (txn_id, account_id, day, direction, amount_fen, name, account, summary, category)
    )
    return txn_id


def _diversion(bank: DemoBank, loan: Loan, variant: str, payments) -> None:
    c = loan.customer
    acct = c.settlement_account
    p = loan.principal_fen
    ids = []
    if variant == "related_party":
        ids.append(
            _txn(
                bank,
                acct,
                loan.start + timedelta(days=8),
                "out",
                p * 60 // 100,
                c.controller,
                bank.controller_accounts.get(c.idx, ""),
                "往来款",
                "",
            )
        )
    elif variant == "real_estate":
        ids.append(
            _txn(
                bank,
                acct,
                loan.start + timedelta(days=10),
                "out",
                p * 50 // 100,
                "杭州" + TRADE_NAMES[3] + REAL_ESTATE_PAYEES[1],
                "1202" + other_bank_account(bank)[4:],
                "购房款",
                "other",
            )
        )
        ids.append(
            _txn(
                bank,
                acct,
                loan.start + timedelta(days=15),
                "out",
                p * 20 // 100,
                "浙商" + SECURITIES_PAYEES[0],
                "1202" + other_bank_account(bank)[4:],
                "证券保证金转入",
                "other",
            )
        )
    else:
        day, amount, payee, account = payments[0]
        ids.append(
            _txn(
                bank,
                acct,
                day + timedelta(days=6),
                "in",
                amount * 85 // 100,
                payee,
                account,
                "退回货款",
                "other",
            )
        )
        ids.append(
            _txn(
                bank,
                acct,
                day + timedelta(days=9),
                "out",
                amount * 80 // 100,
                c.name,
                other_bank_account(bank),
                "转账",
                "",
            )
        )
    bank.story("fund_diversion", c, loan, txn_ids={loan.loan_id: ids})
