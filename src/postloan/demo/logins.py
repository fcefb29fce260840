"""One login per role on an imported demo bank: `create_demo_logins()`."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from postloan.accounts.passwords import mark_demo_account
from postloan.org.choices import Role
from postloan.org.models import Staff
from postloan.org.roles import ensure_groups, grant_role


def default_password(role: str) -> str:
    return f"postloan-{role}"


def _branch_staff():
    """Staff of the 分行 first (it holds the meetings the demo shows), then everyone else."""
    return Staff.objects.select_related("branch").order_by("branch__level", "staff_id")


def _pick(role: str) -> Staff | None:
    at_branch = _branch_staff().filter(branch__level="branch")
    if role == Role.ACCOUNT_MANAGER:
        return (
            Staff.objects.filter(position="account_manager", department="corporate")
            .annotate(n=Count("customers"))
            .filter(n__gt=0)
            .order_by("-n", "staff_id")
            .first()
        )
    choices = {
        Role.RISK_MANAGER: {"position": "risk_manager"},
        Role.CHAIR: {"position": "president"},
        Role.VICE_CHAIR: {"position": "vice_president"},
        Role.DEPT_HEAD: {"position": "dept_head", "department": "corporate"},
        Role.MEMBER: {"position": "approver"},
        Role.CREDIT_MGMT: {"position": "dept_head", "department": "credit_mgmt"},
        Role.AUDITOR: {"department": "other"},
    }
    return (
        at_branch.filter(**choices[role]).first() or _branch_staff().filter(**choices[role]).first()
    )


# Logins beyond one per role, for controls that need a second person: the 风险部负责人 approves
# a 认定 better than the system's suggestion (four eyes, risk.access.is_risk_head).
EXTRA_LOGINS = (("risk_head", Role.DEPT_HEAD, {"position": "dept_head", "department": "risk"}),)


def _pick_extra(where: dict) -> Staff | None:
    at_branch = _branch_staff().filter(branch__level="branch")
    return at_branch.filter(**where).first() or _branch_staff().filter(**where).first()


@transaction.atomic
def create_demo_logins(password_for: Callable[[str], str] = default_password) -> list[dict]:
    """Create a user per role, linked to a suitable staff member; idempotent.

    A user that already exists is never changed (no new password, role or staff link): it is
    listed with `existing=True`. New logins are marked as demo accounts (no forced password
    change, no expiry: docs/security.md)."""
    User = get_user_model()
    ensure_groups()
    rows = []
    wanted = [(role.value, role, None if role == Role.ADMIN else _pick(role)) for role in Role]
    wanted += [(name, role, _pick_extra(where)) for name, role, where in EXTRA_LOGINS]
    for username, role, staff in wanted:
        if role != Role.ADMIN and staff is None:
            continue
        password = password_for(username)
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            linked = getattr(existing, "staff", None)
            rows.append(_row(existing, password, role, linked, existing=True))
            continue
        user = User(username=username)
        user.set_password(password)
        if staff is not None:
            parts = staff.name
            user.first_name = parts[1:][:150]
            user.last_name = parts[:1]
        if role == Role.ADMIN:
            user.is_superuser = True
            user.is_staff = True
        user.save()
        if staff is not None and staff.user_id != user.pk:
            Staff.objects.filter(user=user).exclude(pk=staff.pk).update(user=None)
            staff.user = user
            staff.save(update_fields=["user"])
        grant_role(user, role.value)
        mark_demo_account(user)
        rows.append(_row(user, password, role, staff))
    return rows


def _row(user, password: str, role, staff, existing: bool = False) -> dict:
    return {
        "username": user.username,
        "password": password,
        "role": f"{role.label}（{staff.get_department_display()}）"
        if staff is not None and role == Role.DEPT_HEAD
        else str(role.label),
        "name": staff.name if staff else "系统管理员",
        "unit": staff.branch.name if staff else "",
        "existing": existing,
    }
