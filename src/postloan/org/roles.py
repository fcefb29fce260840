"""Roles as Django groups, and which role a staff position implies by default."""

from django.contrib.auth.models import Group

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


def ensure_groups() -> dict[str, Group]:
    return {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}


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
