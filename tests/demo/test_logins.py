"""Demo logins: one user per role, linked to a suitable staff member of the XS bank."""

import csv

import pytest
from django.contrib.auth import get_user_model

from postloan.demo.logins import EXTRA_LOGINS, create_demo_logins
from postloan.org.choices import Role
from postloan.org.models import Branch, Staff
from postloan.org.tree import rebuild_paths
from postloan.portfolio.models import Customer


def _rows(folder, name):
    with (folder / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _load_org(folder):
    # Only the organisation and customers are needed here (the importer loads everything).
    Branch.objects.bulk_create(
        Branch(branch_code=r["branch_code"], name=r["name"], level=r["level"])
        for r in _rows(folder, "branches")
    )
    for r in _rows(folder, "branches"):
        if r["parent_code"]:
            Branch.objects.filter(pk=r["branch_code"]).update(parent_id=r["parent_code"])
    rebuild_paths()
    Staff.objects.bulk_create(
        Staff(
            staff_id=r["staff_id"],
            name=r["name"],
            branch_id=r["branch_code"],
            department=r["department"],
            position=r["position"],
            credit_years=int(r["credit_years"]),
            certified=r["certified"] == "true",
        )
        for r in _rows(folder, "staff")
    )
    Customer.objects.bulk_create(
        Customer(
            customer_id=r["customer_id"],
            name=r["name"],
            type=r["type"],
            branch_id=r["branch_code"],
            manager_id=r["manager_id"],
        )
        for r in _rows(folder, "customers")
    )


@pytest.mark.django_db
def test_it_creates_one_login_per_role_linked_to_fitting_staff(xs_bank):
    _load_org(xs_bank)
    rows = create_demo_logins()
    assert {r["username"] for r in rows} == {role.value for role in Role} | {"risk_head"}
    users = {u.username: u for u in get_user_model().objects.all()}
    # the second pair of eyes for a 认定 better than the suggestion: a 风险部 head of the 分行
    head = users["risk_head"]
    assert (head.staff.department, head.staff.position) == ("risk", "dept_head")
    assert head.groups.filter(name="dept_head").exists() and head.staff.branch.level == "branch"
    assert next(r for r in rows if r["username"] == "risk_head")["role"].endswith("（风险部）")
    assert users["chair"].staff.position == "president"
    assert users["chair"].staff.branch.level == "branch"
    assert users["account_manager"].staff.customers.exists()
    assert users["member"].staff.credit_years >= 5 and users["member"].staff.certified
    assert users["credit_mgmt"].staff.department == "credit_mgmt"
    assert users["admin"].is_superuser and not hasattr(users["admin"], "staff")
    assert users["risk_manager"].check_password("postloan-risk_manager")
    assert users["auditor"].groups.filter(name="auditor").exists()


@pytest.mark.django_db
def test_it_is_idempotent(xs_bank):
    _load_org(xs_bank)
    create_demo_logins()
    rows = create_demo_logins(password_for=lambda role: f"x-{role}")
    logins = len(Role) + len(EXTRA_LOGINS)
    assert get_user_model().objects.count() == logins
    assert Staff.objects.filter(user__isnull=False).count() == logins - 1
    # the second run changes no existing user (issue 15, part 5)
    assert get_user_model().objects.get(username="chair").check_password("postloan-chair")
    assert len(rows) == logins and all(r["existing"] for r in rows)


@pytest.mark.django_db
def test_it_sets_up_a_valid_branch_committee_for_the_demo(xs_bank):
    from postloan.demo.committees import create_demo_committee
    from postloan.meetings.committee import committee_validity

    _load_org(xs_bank)
    create_demo_logins()
    committee = create_demo_committee()
    assert committee.branch.level == "branch"
    validity = committee_validity(committee.branch)
    assert validity.valid, validity
    roles = sorted(committee.active_members().values_list("role", flat=True))
    assert roles.count("chair") == 1 and "individual" in roles
    certified = committee.active_members().filter(role="individual", certified_by__isnull=False)
    assert certified.count() == roles.count("individual")
    assert create_demo_committee() == committee  # idempotent
