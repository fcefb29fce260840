"""Operations pages: the background jobs with their progress, and the audit trail for auditors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from postloan.core.business_date import current_business_date
from postloan.core.models import AuditEvent
from postloan.ops import jobs
from postloan.ops.access import can_read_audit, can_see_jobs
from postloan.ops.models import JobProgress
from postloan.ops.tasks import screening_job


@login_required
@require_http_methods(["GET", "POST"])
def job_list(request):
    if not can_see_jobs(request.user):
        raise PermissionDenied("只有系统管理员和风险管理部门可以查看后台任务")
    if request.method == "POST":
        as_of = current_business_date()
        if as_of is None:
            messages.error(request, "尚未设置业务日期，请先导入数据")
        else:
            job = jobs.submit(
                JobProgress.Kind.SCREENING,
                screening_job,
                request.user,
                label=f"风险预警筛查 {as_of:%Y-%m-%d}",
                as_of=as_of.isoformat(),
                user_id=request.user.pk,
            )
            messages.success(request, f"已提交筛查任务 #{job.pk}：{job.get_status_display()}")
        return redirect("ops:jobs")
    page = Paginator(JobProgress.objects.select_related("created_by"), 30).get_page(
        request.GET.get("page")
    )
    template = "ops/_job_rows.html" if request.htmx else "ops/job_list.html"
    return render(request, template, {"page": page, "business_date": current_business_date()})


@login_required
def audit_trail(request):
    if not can_read_audit(request.user):
        raise PermissionDenied("只有内控/审计人员和系统管理员可以查看审计记录")
    events = AuditEvent.objects.select_related("actor")
    for key in ("action", "object_type", "object_id"):
        value = request.GET.get(key, "").strip()
        if value:
            events = events.filter(**{f"{key}__startswith": value})
    actor = request.GET.get("actor", "").strip()
    if actor:
        events = events.filter(actor__username=actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "ops/audit_trail.html", {"page": page, "filters": request.GET})
