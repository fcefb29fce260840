"""The organisation: 总行 → 分行 → 支行, and staff in every position the meeting needs."""

from __future__ import annotations

import math

from postloan.demo.names import SUB_BRANCH_PLACES, person_name
from postloan.demo.state import DemoBank, flag

BANK_NAME = "钱塘商业银行"
HEAD_OFFICE = "0001"
BRANCH = "3301"

CORPORATE_PER_MANAGER = 60
RETAIL_PER_MANAGER = 120


def sub_branch_code(i: int) -> str:
    return f"{BRANCH}{i + 1:02d}"


def _staff(
    bank: DemoBank, branch: str, department: str, position: str, years: int, certified: bool
):
    staff_id = bank.next_id("E", 5)
    name = person_name(bank.rng)
    bank.add("staff", (staff_id, name, branch, department, position, str(years), flag(certified)))
    return staff_id


def build_org(bank: DemoBank) -> None:
    rng = bank.rng
    scale = bank.scale
    bank.add("branches", (HEAD_OFFICE, f"{BANK_NAME}总行", "", "head_office"))
    bank.add("branches", (BRANCH, f"{BANK_NAME}杭州分行", HEAD_OFFICE, "branch"))
    for i in range(scale.sub_branches):
        place = SUB_BRANCH_PLACES[i % len(SUB_BRANCH_PLACES)]
        suffix = "" if i < len(SUB_BRANCH_PLACES) else str(i // len(SUB_BRANCH_PLACES) + 1)
        bank.add(
            "branches",
            (sub_branch_code(i), f"{BANK_NAME}杭州{place}{suffix}支行", BRANCH, "sub_branch"),
        )
    bank.unit_codes = [BRANCH] + [sub_branch_code(i) for i in range(scale.sub_branches)]

    # Head office: its own leadership and risk department (no customers).
    _staff(bank, HEAD_OFFICE, "leadership", "president", rng.randint(20, 30), True)
    _staff(bank, HEAD_OFFICE, "risk", "dept_head", rng.randint(15, 25), True)

    units = len(bank.unit_codes)
    corp_per_unit = math.ceil(scale.corporates / units)
    retail_per_unit = math.ceil(scale.retail / units)
    for unit in bank.unit_codes:
        big = unit == BRANCH
        _staff(bank, unit, "leadership", "president", rng.randint(18, 30), True)
        for _ in range(2):
            _staff(bank, unit, "leadership", "vice_president", rng.randint(12, 25), True)
        for dept in ("corporate", "retail", "credit_mgmt", "risk", "legal"):
            _staff(bank, unit, dept, "dept_head", rng.randint(10, 25), True)
            _staff(bank, unit, dept, "deputy_head", rng.randint(6, 20), True)
        for _ in range(3 if big else 2):
            _staff(bank, unit, "credit_mgmt", "approver", rng.randint(5, 22), True)
            _staff(bank, unit, "risk", "reviewer", rng.randint(5, 20), True)
        n_risk = max(2, math.ceil((corp_per_unit + retail_per_unit / 10) / 150))
        for _ in range(n_risk):
            _staff(bank, unit, "risk", "risk_manager", rng.randint(3, 15), True)
        managers = {"corporate": [], "retail": []}
        for kind, per_unit, per_manager in (
            ("corporate", corp_per_unit, CORPORATE_PER_MANAGER),
            ("retail", retail_per_unit, RETAIL_PER_MANAGER),
        ):
            for _ in range(max(1, math.ceil(per_unit / per_manager))):
                years = rng.randint(1, 15)
                certified = rng.random() > 0.08
                managers[kind].append(_staff(bank, unit, kind, "account_manager", years, certified))
        bank.managers[unit] = managers
        _staff(bank, unit, "other", "staff", rng.randint(1, 10), rng.random() > 0.5)
