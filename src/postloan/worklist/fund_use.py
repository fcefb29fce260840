"""资金账户监管 (附件1): where a loan's money went within N days of each disbursement.

The same findings as the screening engine's EW-FUND-USE (risk/engine/signals_account.py),
for one loan, with the rows behind them, and with the thresholds in force:
- the payee of an entrusted payment (受托支付) is the borrower itself (name or own account);
- a payee, or an outflow of the borrower's accounts within the window (not to its own
  accounts), is a related party (name or account, incl. a related customer's accounts) —
  流向关联方 — or carries a real-estate / securities / futures keyword;
- money comes back from the entrusted payee within the window (受托支付后资金回流);
- for self payment (自主支付), an outflow of at least `fund_use_payee_differs_share` of the
  disbursement to a counterparty other than the loan's declared payees (与申报收款人不一致;
  salary, tax and loan repayments excepted).
One deliberate difference: a 个人住房贷款 (mortgage) paying a developer is its agreed purpose,
so the real-estate keyword is not held against a mortgage's payee (the engine does; reported).
The page shows every disbursement (not only the last 90 days the signal looks at).
One page reads five small sets (disbursements, accounts, transactions in the window, related
parties, related customers' accounts): no query per row.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy

from postloan.portfolio.models import Account, Disbursement, RelatedParty, Transaction
from postloan.risk.thresholds import current_thresholds

FLAG_LABELS = {
    "borrower": gettext_lazy("受托支付收款人为借款人本身"),
    "related": gettext_lazy("流向关联方"),
    "real_estate": gettext_lazy("流向房地产"),
    "securities": gettext_lazy("流向证券/期货"),
    "payee_mismatch": gettext_lazy("与申报收款人不一致"),
    "returned": gettext_lazy("受托支付后资金回流"),
}
ROUTINE_CATEGORIES = {"salary", "tax", "loan_repayment"}
SECURITIES_MARKS = ("证券", "期货", "基金", "股票")


@dataclass(frozen=True)
class FundUseRules:
    window_days: int
    real_estate: tuple[str, ...]
    securities: tuple[str, ...]
    payee_differs_share: Decimal


def fund_use_rules() -> FundUseRules:
    """The thresholds in force for EW-FUND-USE, so this page and the signal agree."""
    th = current_thresholds()
    words = tuple(w for w in th.fund_use_keywords if w)
    securities = tuple(w for w in words if any(m in w for m in SECURITIES_MARKS))
    return FundUseRules(
        int(th.fund_use_window_days),
        tuple(w for w in words if w not in securities),
        securities,
        Decimal(str(th.fund_use_payee_differs_share)),
    )


@dataclass
class Flow:
    date: dt.date
    direction: str
    amount: Decimal
    counterparty: str
    account: str
    summary: str
    flags: list[str] = field(default_factory=list)

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[f]) for f in self.flags]


@dataclass
class DisbursementTrail:
    pay_date: dt.date
    amount: Decimal
    payee_name: str
    payment_method: str
    declared_purpose: str
    window_end: dt.date
    flags: list[str] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    verified: bool = True  # False: no account transactions to follow the money with

    @property
    def flag_labels(self) -> list[str]:
        every = self.flags + [f for flow in self.flows for f in flow.flags]
        return [str(FLAG_LABELS[f]) for f in dict.fromkeys(every)]


@dataclass
class FundUseTrail:
    loan: object
    trails: list[DisbursementTrail]
    notes: list[str]

    @property
    def suspicious(self) -> bool:
        return any(t.flag_labels for t in self.trails)


class Counterparties:
    """Who is who for one borrower: itself, its related parties, keyword classes."""

    def __init__(self, customer, own_accounts, related_names, related_accounts, rules):
        self.borrower = customer.name
        self.own_accounts = set(own_accounts)
        self.related_names = {n for n in related_names if n}
        self.related_accounts = {a for a in related_accounts if a}
        self.rules = rules

    def is_own(self, account: str) -> bool:
        return bool(account) and account in self.own_accounts

    def flags(self, name: str, account: str = "", *, mortgage: bool = False) -> list[str]:
        name = name or ""
        out = []
        if name in self.related_names or (account and account in self.related_accounts):
            out.append("related")
        if not mortgage and any(k in name for k in self.rules.real_estate):
            out.append("real_estate")
        if any(k in name for k in self.rules.securities):
            out.append("securities")
        return out


def trail_for_loan(loan) -> FundUseTrail:
    rules = fund_use_rules()
    customer = loan.customer
    disbursements = list(Disbursement.objects.filter(loan=loan).order_by("pay_date", "id"))
    notes: list[str] = []
    if not disbursements:
        notes.append("无贷款资金支付记录（disbursements），无法追踪资金流向")
        return FundUseTrail(loan, [], notes)
    accounts = set(Account.objects.filter(customer=customer).values_list("account_id", flat=True))
    related = list(
        RelatedParty.objects.filter(customer=customer).values_list(
            "related_name", "related_account", "related_customer_id", "related_customer__name"
        )
    )
    related_customers = [r[2] for r in related if r[2]]
    related_accounts = [r[1] for r in related] + list(
        Account.objects.filter(customer_id__in=related_customers).values_list(
            "account_id", flat=True
        )
    )
    parties = Counterparties(
        customer,
        accounts,
        [r[0] for r in related] + [r[3] for r in related],
        related_accounts,
        rules,
    )
    start = disbursements[0].pay_date
    end = disbursements[-1].pay_date + dt.timedelta(days=rules.window_days)
    txns = list(
        Transaction.objects.filter(account_id__in=accounts, txn_date__gte=start, txn_date__lte=end)
        .order_by("txn_date", "txn_id")
        .values_list(
            "txn_date",
            "direction",
            "amount",
            "counterparty_name",
            "counterparty_account",
            "summary",
            "category",
            "account_id",
        )
    )
    if not accounts:
        notes.append("客户在本行无账户，无法核实资金去向及回流")
    elif not txns:
        notes.append(f"客户账户在{start:%Y-%m-%d}至{end:%Y-%m-%d}无流水，无法核实资金去向")
    if loan.product == "mortgage":
        notes.append("个人住房贷款支付给房地产开发企业属约定用途，不视为流向房地产")
    payees = {d.payee_name for d in disbursements}
    trails = [_trail(loan, d, rules, parties, txns, payees) for d in disbursements]
    return FundUseTrail(loan, trails, notes)


def _trail(
    loan, d, rules: FundUseRules, parties: Counterparties, txns, payees
) -> DisbursementTrail:
    window_end = d.pay_date + dt.timedelta(days=rules.window_days)
    method = d.payment_method or loan.payment_method or ""
    trail = DisbursementTrail(
        d.pay_date, d.amount, d.payee_name, method, d.declared_purpose, window_end
    )
    entrusted = method == "entrusted"
    mortgage = loan.product == "mortgage"
    if entrusted and (d.payee_name == parties.borrower or parties.is_own(d.payee_account)):
        trail.flags.append("borrower")
    trail.flags.extend(parties.flags(d.payee_name, d.payee_account, mortgage=mortgage))
    if not method:
        trail.notes.append("支付方式未填写，无法判断受托/自主支付")
    if not txns:
        trail.notes.append("无账户流水，未能核实资金去向及回流")
        trail.verified = False
        return trail
    share = d.amount * rules.payee_differs_share
    for date, direction, amount, name, account, summary, category, acct in txns:
        if not d.pay_date <= date <= window_end:
            continue
        if direction == "in":
            if entrusted and (name == d.payee_name or (account and account == d.payee_account)):
                trail.flows.append(Flow(date, direction, amount, name, acct, summary, ["returned"]))
            continue
        if parties.is_own(account):
            continue
        flags = parties.flags(name, account)
        if (
            method == "self"
            and amount >= share
            and (category or "other") not in ROUTINE_CATEGORIES
            and (name or "") not in payees
        ):
            flags.append("payee_mismatch")
        if flags or (category or "other") not in ROUTINE_CATEGORIES:
            trail.flows.append(Flow(date, direction, amount, name, acct, summary, flags))
    return trail
