"""资金账户监管 (附件1): where a loan's money went within N days of each disbursement.

The trail is the screening engine's (`risk/engine/figures.py`, ``eng_fund_use_trail``; the
findings of EW-FUND-USE are its flagged rows), persisted by the screening and read here through
`risk.queries.fund_use_trail` — this page, 附件1 and the signal cannot disagree. The findings:
- the payee of an entrusted payment (受托支付) is the borrower itself (name or own account);
- a payee, or an outflow of the borrower's accounts within the window (not to its own
  accounts, not to a declared payee), is a related party (name or account, incl. a related
  customer's accounts) — 流向关联方 — or carries a real-estate / securities / futures keyword;
- money comes back from the entrusted payee within the window (受托支付后资金回流);
- for self payment (自主支付), an outflow of at least `fund_use_payee_differs_share` of the
  disbursement to a counterparty other than the loan's declared payees (与申报收款人不一致;
  salary, tax and loan repayments excepted).
A 个人住房贷款 (mortgage) paying a developer is its agreed purpose: the real-estate keyword is
not held against a mortgage's payee — by the engine too (the "deliberate difference" this page
once had is the engine's rule now). The page lists every disbursement; the screening follows
those of its last `fund_use_lookback_days` and each keeps the trail of the last screening that
followed it; one no screening followed says so. What is shown here and not computed by the
engine is presentation only: the keyword's class (房地产 or 证券/期货, by the name) and the
coverage notes (no account, no flows in the window).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy

from postloan.core.business_date import current_business_date
from postloan.portfolio.models import Account, Disbursement, Transaction
from postloan.risk import queries
from postloan.risk.thresholds import current_thresholds

FLAG_LABELS = {
    "borrower": gettext_lazy("受托支付收款人为借款人本身"),
    "related": gettext_lazy("流向关联方"),
    "real_estate": gettext_lazy("流向房地产"),
    "securities": gettext_lazy("流向证券/期货"),
    "payee_mismatch": gettext_lazy("与申报收款人不一致"),
    "returned": gettext_lazy("受托支付后资金回流"),
}
# the engine's finding kinds (EW-FUND-USE evidence) → this page's flags
ENGINE_FLAGS = {
    "payee_is_borrower": "borrower",
    "payee_related": "related",
    "outflow_related": "related",
    "flow_back": "returned",
    "payee_differs": "payee_mismatch",
}
RESTRICTED = {"payee_restricted", "outflow_restricted"}  # 房地产 or 证券/期货, by the name
SECURITIES_MARKS = ("证券", "期货", "基金", "股票")


def page_flags(kinds, name: str) -> list[str]:
    """The engine's finding kinds of one row as this page's flags, in order, once each."""
    out = []
    for kind in kinds:
        if kind in RESTRICTED:
            flag = "securities" if any(m in (name or "") for m in SECURITIES_MARKS) else None
            flag = flag or "real_estate"
        else:
            flag = ENGINE_FLAGS.get(kind)
        if flag and flag not in out:
            out.append(flag)
    return out


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
    verified: bool = True  # False: no account transactions (or no screening) to follow it by

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


def trail_for_loan(loan, as_of: dt.date | None = None) -> FundUseTrail:
    """The loan's trail as the screenings up to `as_of` (default: the business date) left it:
    four small reads (disbursements, accounts, the dates with flows, the engine's rows)."""
    as_of = as_of or current_business_date() or dt.date.max  # no business date: the latest
    th = current_thresholds()
    window = dt.timedelta(days=int(th.fund_use_window_days))
    disbursements = list(Disbursement.objects.filter(loan=loan).order_by("pay_date", "id"))
    notes: list[str] = []
    if not disbursements:
        notes.append("无贷款资金支付记录（disbursements），无法追踪资金流向")
        return FundUseTrail(loan, [], notes)
    accounts = list(
        Account.objects.filter(customer_id=loan.customer_id).values_list("account_id", flat=True)
    )
    start, end = disbursements[0].pay_date, disbursements[-1].pay_date + window
    flow_days = set(
        Transaction.objects.filter(account_id__in=accounts, txn_date__gte=start, txn_date__lte=end)
        .values_list("txn_date", flat=True)
        .distinct()
    )
    if not accounts:
        notes.append("客户在本行无账户，无法核实资金去向及回流")
    elif not flow_days:
        notes.append(f"客户账户在{start:%Y-%m-%d}至{end:%Y-%m-%d}无流水，无法核实资金去向")
    if loan.product == "mortgage":
        notes.append("个人住房贷款支付给房地产开发企业属约定用途，不视为流向房地产")
    engine = queries.fund_use_trail(loan.loan_id, as_of)
    trails = []
    for d in disbursements:
        method = d.payment_method or loan.payment_method or ""
        trail = DisbursementTrail(
            d.pay_date, d.amount, d.payee_name, method, d.declared_purpose, d.pay_date + window
        )
        trails.append(trail)
        if not method:
            trail.notes.append("支付方式未填写，无法判断受托/自主支付")
        if not any(d.pay_date <= day <= trail.window_end for day in flow_days):
            trail.notes.append("无账户流水，未能核实资金去向及回流")
            trail.verified = False
        rows = engine.get((d.pay_date, d.payee_name))
        if rows is None:
            trail.notes.append(
                f"该笔支付未经风险预警筛查跟踪（筛查跟踪支付后{th.fund_use_lookback_days}天内的"
                "支付），系统未核实其资金去向"
            )
            trail.verified = False
            continue
        for row in rows:
            if row.row_kind == "payment":
                trail.flags = page_flags(row.flag_list, row.payee_name)
                continue
            trail.flows.append(
                Flow(
                    row.txn_date,
                    row.direction,
                    row.txn_amount,
                    row.counterparty_name,
                    row.account_id,
                    row.summary,
                    page_flags(row.flag_list, row.counterparty_name),
                )
            )
    return FundUseTrail(loan, trails, notes)
