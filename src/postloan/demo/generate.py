"""Generate a whole demo bank in the data-contract format: `generate_bank(scale, seed, out_dir)`."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from postloan import contract
from postloan.demo import (
    conditions,
    customers,
    flows,
    history,
    loans,
    org,
    reports,
    security,
    staffing,
    stories,
    writer,
)
from postloan.demo.portfolio_risk import build_portfolio_risk
from postloan.demo.scales import get_scale
from postloan.demo.state import DemoBank

DEFAULT_AS_OF = date(2026, 10, 31)
FLOW_TABLES = ("loans", "repayments", "transactions", "account_balances")


def generate_bank(
    scale: str, seed: int, out_dir: str | Path, as_of: date = DEFAULT_AS_OF
) -> dict[str, int]:
    """Write one `<table>.csv` per contract table plus `stories.json`; return rows per table."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    bank = DemoBank(
        scale=get_scale(scale), seed=int(seed), as_of=as_of, rng=random.Random(int(seed))
    )

    org.build_org(bank)
    customers.build_customers(bank)
    customers.build_accounts(bank)
    stories.assign_stories(bank)
    customers.build_customer_rows(bank)
    customers.build_related_parties(bank)
    loans.build_loans(bank)
    stories.apply_stories(bank)
    build_portfolio_risk(bank)
    security.build_security(bank)
    security.build_disbursements(bank)
    reports.build_financials(bank)
    reports.build_tax_invoices(bank)
    reports.build_credit_reports(bank)
    bank.rows["facilities"] = loans.facility_rows(bank)
    staffing.build_staffing(bank)  # d2: 持证上岗, 责任书
    conditions.build_all(bank)  # own random draws: the tables above are the same without it

    counts: dict[str, int] = {}
    for name in contract.LOAD_ORDER:
        if name not in FLOW_TABLES:
            counts[name] = writer.write_table(out, name, bank.rows.get(name, []))
    counts.update(flows.write_flows(bank, out))
    writer.write_stories(out, bank.stories)
    history.write_history(bank, out)  # the forecast model's month-end history
    return {name: counts[name] for name in contract.LOAD_ORDER}
