"""Customers (corporate and retail), their accounts and their related parties."""

from __future__ import annotations

import math
from datetime import date

from postloan.demo.names import (
    INDUSTRIES,
    NON_REAL_ESTATE_INDUSTRIES,
    REGIONS,
    TRADE_NAMES,
    company_name,
    masked_person_id,
    person_name,
    uscc,
)
from postloan.demo.state import Customer, DemoBank, iso


def _unit_for(bank: DemoBank, i: int, n: int) -> str:
    # The 分行 keeps a double share of customers; the 支行 split the rest evenly.
    units = bank.unit_codes
    weights = [2] + [1] * (len(units) - 1)
    total = sum(weights)
    pos = (i * total) // max(n, 1)
    acc = 0
    for unit, w in zip(units, weights, strict=True):
        acc += w
        if pos < acc:
            return unit
    return units[-1]


def _new_account(bank: DemoBank, customer: Customer, type_: str, opened: date) -> str:
    account_id = f"{customer.branch_code}{bank.next_id('', 12)}"
    bank.add("accounts", (account_id, customer.customer_id, type_, iso(opened)))
    bank.account_rows.append((account_id, customer.idx, customer.type, type_, opened))
    customer.accounts.append(account_id)
    if type_ == "settlement" and not customer.settlement_account:
        customer.settlement_account = account_id
    if type_ == "margin":
        customer.margin_account = account_id
    return account_id


def build_customers(bank: DemoBank) -> None:
    rng = bank.rng
    scale = bank.scale
    counters: dict[str, int] = {}

    def manager(unit: str, kind: str) -> str:
        pool = bank.managers[unit][kind]
        n = counters.get(unit + kind, 0)
        counters[unit + kind] = n + 1
        return pool[n % len(pool)]

    for i in range(scale.corporates):
        unit = _unit_for(bank, i, scale.corporates)
        region, prefix = rng.choice(REGIONS)
        industries = INDUSTRIES if rng.random() < 0.08 else NON_REAL_ESTATE_INDUSTRIES
        code, word, _ = rng.choice(industries)
        revenue_yuan = min(max(math.exp(rng.gauss(math.log(2_500_000), 1.0)), 300_000), 150_000_000)
        customer = Customer(
            customer_id=f"C{i + 1:07d}",
            idx=len(bank.customers),
            name=company_name(rng, prefix, word),
            type="corporate",
            branch_code=unit,
            manager_id=manager(unit, "corporate"),
            industry_code=code,
            region_code=region,
            id_number=uscc(rng, region),
            controller=person_name(rng),
            established=date(rng.randint(1998, 2021), rng.randint(1, 12), rng.randint(1, 28)),
            monthly_revenue_fen=int(revenue_yuan) * 100,
        )
        bank.customers.append(customer)

    # Company names must be unique: put a distinguishing character before the suffix.
    seen: set[str] = set()
    for customer in bank.customers:
        if customer.name in seen:
            suffix = "股份有限公司" if customer.name.endswith("股份有限公司") else "有限公司"
            base = customer.name[: -len(suffix)]
            for extra in "新海金华东南西北中兴昌隆泰和":
                if base + extra + suffix not in seen:
                    customer.name = base + extra + suffix
                    break
            else:
                customer.name = f"{base}{customer.idx}{suffix}"
        seen.add(customer.name)

    for i in range(scale.retail):
        unit = _unit_for(bank, i, scale.retail)
        region, _ = rng.choice(REGIONS)
        customer = Customer(
            customer_id=f"R{i + 1:08d}",
            idx=len(bank.customers),
            name=person_name(rng),
            type="retail",
            branch_code=unit,
            manager_id=manager(unit, "retail"),
            region_code=region,
            id_number=masked_person_id(rng, region),
        )
        bank.customers.append(customer)
    bank.by_id = {c.customer_id: c for c in bank.customers}


def build_accounts(bank: DemoBank) -> None:
    rng = bank.rng
    for customer in bank.customers:
        if customer.type == "corporate":
            opened = max(customer.established, date(2012, 1, 1))
            opened = date(opened.year + rng.randint(0, 3), opened.month, opened.day)
            _new_account(bank, customer, "settlement", opened)
            if rng.random() < 0.4:
                _new_account(bank, customer, "general", date(opened.year + 1, opened.month, 1))
            if rng.random() < 0.5:
                _new_account(bank, customer, "margin", date(opened.year + 1, opened.month, 15))
        else:
            opened = date(rng.randint(2010, 2023), rng.randint(1, 12), rng.randint(1, 28))
            _new_account(bank, customer, "settlement", opened)


def other_bank_account(bank: DemoBank) -> str:
    return "62" + "".join(str(bank.rng.randrange(10)) for _ in range(17))


def build_customer_rows(bank: DemoBank) -> None:
    for c in bank.customers:
        bank.add(
            "customers",
            (
                c.customer_id,
                c.name,
                c.type,
                c.branch_code,
                c.manager_id,
                c.industry_code,
                c.region_code,
                c.id_number,
                c.controller,
                iso(c.established),
                c.group_id,
            ),
        )


def build_related_parties(bank: DemoBank) -> None:
    rng = bank.rng
    groups: dict[str, list[Customer]] = {}
    for c in bank.corporates:
        if c.group_id:
            groups.setdefault(c.group_id, []).append(c)
    for c in bank.corporates:
        names = set()

        def add(name, relation, related_customer="", account="", c=c, names=names):
            if (name, relation) in names:
                return
            names.add((name, relation))
            bank.add("related_parties", (c.customer_id, name, relation, related_customer, account))

        bank.controller_accounts[c.idx] = other_bank_account(bank)
        add(c.controller, "controller", "", bank.controller_accounts[c.idx])
        add(c.controller, "shareholder")
        if rng.random() < 0.6:
            add(person_name(rng), "shareholder")
        if rng.random() < 0.3:
            add(person_name(rng), "family", "", other_bank_account(bank))
        for member in groups.get(c.group_id, []):
            if member is not c:
                add(member.name, "affiliate", member.customer_id, member.settlement_account)
        if rng.random() < 0.25:
            add(
                c.name[:2] + rng.choice(TRADE_NAMES) + "实业有限公司",
                "affiliate",
                "",
                other_bank_account(bank),
            )
    for c in bank.customers:
        if c.type == "retail" and rng.random() < 0.1:
            bank.add(
                "related_parties",
                (c.customer_id, person_name(rng), "family", "", other_bank_account(bank)),
            )
