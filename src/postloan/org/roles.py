"""Roles as Django groups, and which role a staff position implies by default."""

from django.contrib.auth.models import Group, Permission

from postloan.core.audit import record
from postloan.org.choices import Role

POSITION_ROLES: dict[str, tuple[str, ...]] = {
    "president": (Role.CHAIR,),
    "vice_president": (Role.VICE_CHAIR,),
    "dept_head": (Role.DEPT_HEAD,),
    "deputy_head": (Role.DEPT_HEAD,),
    "account_manager": (Role.ACCOUNT_MANAGER,),
    "risk_manager": (Role.RISK_MANAGER,),
    "approver": (Role.MEMBER,),
    "reviewer": (Role.MEMBER,),
    "staff": (),
}

# Department heads of these departments also act for the department's role.
DEPARTMENT_ROLES: dict[str, tuple[str, ...]] = {
    "risk": (Role.RISK_MANAGER,),
    "credit_mgmt": (Role.CREDIT_MGMT,),
}


def roles_for(position: str, department: str) -> tuple[str, ...]:
    roles = list(POSITION_ROLES.get(position, ()))
    if position in {"dept_head", "deputy_head", "staff"}:
        roles.extend(DEPARTMENT_ROLES.get(department, ()))
    return tuple(dict.fromkeys(roles))


# Roles that work in the maintenance pages (/admin/): admins change, auditors only read.
ADMIN_SITE_ROLES = {Role.ADMIN.value, Role.AUDITOR.value}
MAINTAINED_APPS = ("org", "portfolio", "core", "ingest", "risk", "worklist", "meetings")


def _permissions_for(role: str):
    perms = Permission.objects.filter(content_type__app_label__in=MAINTAINED_APPS)
    if role == Role.ADMIN:
        return perms.exclude(
            content_type__model="auditevent", codename__regex=r"^(add|change|delete)_"
        )
    if role == Role.AUDITOR:
        return perms.filter(codename__startswith="view_")
    return perms.none()


def ensure_groups() -> dict[str, Group]:
    """Create one group per role, with the admin-site permissions the role needs."""
    groups = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        if role.value in ADMIN_SITE_ROLES:
            group.permissions.set(_permissions_for(role.value))
        groups[role.value] = group
    return groups


def grant_role(user, role: str, *, acting_user=None) -> None:
    """Give `user` a role; admins and auditors also get into the maintenance pages. Audited."""
    groups = ensure_groups()
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.add(groups[str(role)])
    record(
        actor=acting_user,
        action="org.role_granted",
        obj=user,
        before={"roles": before},
        after={"roles": sorted(user.groups.values_list("name", flat=True))},
    )
    if str(role) in ADMIN_SITE_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_postloan_roles", None)


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_postloan_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN.value)
        user._postloan_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & {str(r) for r in roles})
