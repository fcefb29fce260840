"""持证上岗 and 责任书 (d2): certificates for the certified staff and a letter for every unit
head and account manager — with the faults a post-loan check should find: one account manager
with customers whose certificate expired two months before the business date, and one whose
letter for the year was never signed.

Draws from its own random stream, so the rest of the bank is the same with or without it."""

from __future__ import annotations

import random
from datetime import date, timedelta

from postloan.demo.state import DemoBank, add_months, iso

CERT_YEARS = 5


def build_staffing(bank: DemoBank) -> None:
    rng = random.Random(bank.seed * 7919 + 19)
    as_of = bank.as_of
    staff = bank.rows.get("staff", [])
    with_customers = {c.manager_id for c in bank.customers if c.manager_id}
    managers = [s[0] for s in staff if s[4] == "account_manager" and s[0] in with_customers]
    certified_managers = [m for m in managers if _row(staff, m)[6] == "true"]
    expired = certified_managers[len(certified_managers) // 3] if certified_managers else None
    unsigned = certified_managers[2 * len(certified_managers) // 3] if certified_managers else None
    for row in staff:
        staff_id, _name, _branch, department, position, _years, certified = row
        if certified != "true":
            continue
        cert_type = "retail_credit" if department == "retail" else "credit"
        if department == "risk":
            cert_type = "risk"
        if staff_id == expired:
            expires = as_of - timedelta(days=rng.randint(55, 65))
            issued = add_months(expires, -12 * CERT_YEARS)
        else:
            issued = add_months(as_of, -rng.randint(3, 12 * CERT_YEARS - 3))
            expires = add_months(issued, 12 * CERT_YEARS)
        bank.add(
            "staff_certificates",
            (staff_id, cert_type, f"ZG{issued:%Y}{staff_id[1:]}", iso(issued), iso(expires)),
        )
    year_start, year_end = date(as_of.year, 1, 1), date(as_of.year, 12, 31)
    signed = year_start + timedelta(days=rng.randint(3, 20))
    for row in staff:
        staff_id, _name, branch, department, position, _years, _certified = row
        if position == "president":
            bank.add(
                "responsibility_letters",
                (
                    f"ZR{as_of.year}{staff_id}",
                    staff_id,
                    branch,
                    iso(year_start),
                    iso(year_end),
                    iso(signed),
                ),
            )
        elif position == "account_manager" and staff_id != unsigned:
            bank.add(
                "responsibility_letters",
                (
                    f"ZR{as_of.year}{staff_id}",
                    staff_id,
                    "",
                    iso(year_start),
                    iso(year_end),
                    iso(signed),
                ),
            )
    bank.stories["expired_certificate"] = {
        "customer_ids": [c.customer_id for c in bank.customers if c.manager_id == expired],
        "loan_ids": [],
        "staff_ids": [expired] if expired else [],
    }
    bank.stories["unsigned_letter"] = {
        "customer_ids": [],
        "loan_ids": [],
        "staff_ids": [unsigned] if unsigned else [],
    }


def _row(staff: list[tuple], staff_id: str) -> tuple:
    return next(r for r in staff if r[0] == staff_id)
