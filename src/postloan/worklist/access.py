"""Access to post-loan work: who may see which item and who may act on it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext

from postloan.org.choices import Role
from postloan.org.roles import has_role
from postloan.org.visibility import visible, visible_branches
from postloan.risk.access import get_loan_for_user  # noqa: F401 - the one loan lookup
from postloan.worklist.models import (
    CalendarTask,
    CollectionCase,
    DepartmentCheck,
    FollowUp,
    Inspection,
)

WORKING_ROLES = (
    Role.ACCOUNT_MANAGER,
    Role.RISK_MANAGER,
    Role.DEPT_HEAD,
    Role.CREDIT_MGMT,
    Role.ADMIN,
)


def visible_inspections(user):
    return visible(user, Inspection.objects.all())


def visible_tasks(user):
    return visible(user, CalendarTask.objects.all())


def visible_cases(user):
    return visible(user, CollectionCase.objects.all())


def visible_follow_ups(user):
    return visible(user, FollowUp.objects.all())


def get_follow_up_for_user(user, pk):
    return _one(
        visible_follow_ups(user).select_related("customer", "loan", "assignee"),
        pk,
        "事项不存在或无权查看",
    )


def _one(queryset, pk, message):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(message)
    return obj


def get_inspection_for_user(user, pk):
    return _one(
        visible_inspections(user).select_related("customer", "assignee", "inspector__staff"),
        pk,
        "检查不存在或无权查看",
    )


def get_task_for_user(user, pk):
    return _one(visible_tasks(user).select_related("customer", "loan"), pk, "事项不存在或无权查看")


def get_case_for_user(user, pk):
    return _one(visible_cases(user).select_related("customer", "owner"), pk, "案件不存在或无权查看")


def get_department_check_for_user(user, pk):
    qs = DepartmentCheck.objects.filter(branch__in=visible_branches(user)).select_related("branch")
    return _one(qs, pk, "检查不存在或无权查看")


def require_worker(user) -> None:
    if not (user.is_superuser or has_role(user, *WORKING_ROLES)):
        raise PermissionDenied(gettext("您的角色只能查看，不能办理"))


def require_credit_mgmt(user) -> None:
    if not (user.is_superuser or has_role(user, Role.CREDIT_MGMT, Role.ADMIN)):
        raise PermissionDenied(gettext("仅信贷管理部门可以登记季度检查"))
