"""Who may use the operations pages, and which jobs a user may follow."""

from django.http import Http404

from postloan.ops.models import JobProgress
from postloan.org.choices import Role
from postloan.org.roles import has_role


def can_see_jobs(user) -> bool:
    """System administrators and the risk department (they start imports and screenings)."""
    return bool(getattr(user, "is_superuser", False)) or has_role(
        user, Role.ADMIN, Role.RISK_MANAGER
    )


def can_read_audit(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMIN, Role.AUDITOR)


def visible_jobs(user):
    """The jobs a user may follow: all of them for the system administrators and the risk
    department, otherwise only the ones the user submitted (an upload, a meeting pack)."""
    if can_see_jobs(user):
        return JobProgress.objects.all()
    if not getattr(user, "is_authenticated", False):
        return JobProgress.objects.none()
    return JobProgress.objects.filter(created_by=user)


def get_job_for_user(user, pk) -> JobProgress:
    job = visible_jobs(user).select_related("created_by").filter(pk=pk).first()
    if job is None:
        raise Http404("后台任务不存在或无权查看")
    return job
