"""A valid 贷后管理例会 committee for the demo 分行, built from its staff through the actions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from postloan.meetings import actions
from postloan.meetings.models import Committee
from postloan.org.models import Branch, Staff

DEPARTMENTS = ("corporate", "retail", "credit_mgmt", "risk", "legal")
ROLE_BY_POSITION = {"president": "chair", "vice_president": "vice_chair"}


def _members(branch: Branch) -> list[tuple[Staff, str]]:
    staff = Staff.objects.filter(branch=branch).order_by("staff_id")
    members = [(s, ROLE_BY_POSITION[s.position]) for s in staff if s.position in ROLE_BY_POSITION]
    members += [
        (s, "department")
        for s in staff
        if s.position == "dept_head" and s.department in DEPARTMENTS
    ]
    members += [(s, "individual") for s in staff if s.position in ("approver", "reviewer")]
    return members


@transaction.atomic
def create_demo_committee() -> Committee | None:
    """Set up the 分行's committee (idempotent); individual members are certified by the
    分行's credit management department head, who must have the `credit_mgmt` demo login."""
    branch = Branch.objects.filter(level="branch").order_by("branch_code").first()
    if branch is None or Committee.objects.filter(branch=branch).exists():
        return Committee.objects.filter(branch=branch).first() if branch else None
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    certifier = (
        get_user_model()
        .objects.filter(staff__branch=branch, groups__name="credit_mgmt")
        .order_by("pk")
        .first()
    )
    committee = actions.set_up_committee(branch, acting_user=admin, note="演示数据自动组建")
    for n, (staff, role) in enumerate(_members(branch), start=1):
        member = actions.add_member(committee, staff, role, acting_user=admin)
        if role == "individual" and certifier is not None:
            actions.certify_member(
                member,
                acting_user=certifier,
                basis=staff.position,
                certificate_no=f"信管认〔2026〕{n}号",
                certificate_file=ContentFile(
                    b"%PDF-1.4\n% " + f"个人委员资格认定书：{staff.name}".encode() + b"\n%%EOF\n",
                    name=f"cert-{staff.staff_id}.pdf",
                ),
            )
    return committee
