"""What each user may see. Every page, export and API goes through these helpers.

- A unit sees itself and its subtree (by the branch path of the user's staff record).
- An account manager (with no wider role) sees only the customers assigned to them.
- Admins, and staff of the head office, see the whole bank; a user with no staff record sees nothing.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from postloan.org.choices import Role
from postloan.org.roles import user_roles

# Roles that look at a whole unit rather than at their own customers.
UNIT_WIDE_ROLES = {
    Role.RISK_MANAGER,
    Role.DEPT_HEAD,
    Role.CHAIR,
    Role.VICE_CHAIR,
    Role.MEMBER,
    Role.CREDIT_MGMT,
    Role.AUDITOR,
    Role.ADMIN,
}


def staff_of(user):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        return None


def sees_everything(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def customer_scope(user, prefix: str = "") -> Q:
    """A Q over a model whose `{prefix}` points at a Customer (prefix '' for Customer itself)."""
    if sees_everything(user):
        return Q()
    staff = staff_of(user)
    if staff is None:
        return Q(pk__in=[])
    roles = user_roles(user)
    if roles & {str(r) for r in UNIT_WIDE_ROLES}:
        return Q(**{f"{prefix}branch__path__startswith": staff.branch.path})
    if Role.ACCOUNT_MANAGER.value in roles:
        return Q(**{f"{prefix}manager_id": staff.staff_id})
    return Q(pk__in=[])


def visible_customers(user) -> QuerySet:
    from postloan.portfolio.models import Customer

    return Customer.objects.filter(customer_scope(user))


def visible_branches(user) -> QuerySet:
    from postloan.org.models import Branch

    if sees_everything(user):
        return Branch.objects.all()
    staff = staff_of(user)
    if staff is None:
        return Branch.objects.none()
    return Branch.objects.filter(path__startswith=staff.branch.path)


def visible(user, queryset: QuerySet, customer_path: str = "customer__") -> QuerySet:
    """Restrict any queryset of customer-owned rows (loans, signals …) to what `user` may see."""
    return queryset.filter(customer_scope(user, customer_path))


def get_customer_for_user(user, customer_id: str):
    customer = visible_customers(user).filter(pk=customer_id).first()
    if customer is None:
        raise Http404(gettext("客户不存在或无权查看"))
    return customer
