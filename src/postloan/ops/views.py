"""Operations pages: the background jobs with their progress, and the audit trail for auditors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from postloan.core.business_date import current_business_date
from postloan.core.models import AuditEvent
from postloan.ops import audit_trail as audit_trail_rows
from postloan.ops import jobs
from postloan.ops.access import can_read_audit, can_see_jobs
from postloan.ops.models import JobProgress
from postloan.ops.tasks import import_batch, screening_job


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
        raise Http404(gettext("后台任务不存在或无权查看"))
    return job


def job_outcome_link(job: JobProgress) -> tuple[str, str] | None:
    """Where a job's result is read, as (label, url): an import's batch page (its success or its
    error report), a meeting pack's documents page."""
    if not job.finished:
        return None
    if job.kind == JobProgress.Kind.IMPORT:
        batch = import_batch(job)
        if batch is None:
            return None
        label = "查看导入结果" if batch.succeeded else "查看错误报告"
        return f"{label}（批次 #{batch.pk}）", reverse("ingest:detail", args=[batch.pk])
    if job.kind == JobProgress.Kind.MEETING_PACK:
        from postloan.documents.models import PackJob

        pack_id = job.params.get("pack_job_id")
        meeting_id = PackJob.objects.filter(pk=pack_id).values_list("meeting_id", flat=True).first()
        if meeting_id is None:
            return None
        return "查看会议材料", reverse("documents:meeting", args=[meeting_id])
    return None


@login_required
@require_http_methods(["GET", "POST"])
def job_list(request):
    if not can_see_jobs(request.user):
        raise PermissionDenied(gettext("只有系统管理员和风险管理部门可以查看后台任务"))
    if request.method == "POST":
        as_of = current_business_date()
        if as_of is None:
            messages.error(request, gettext("尚未设置业务日期，请先导入数据"))
        else:
            job = jobs.submit(
                JobProgress.Kind.SCREENING,
                screening_job,
                request.user,
                label=f"风险预警筛查 {as_of:%Y-%m-%d}",
                as_of=as_of.isoformat(),
                user_id=request.user.pk,
            )
            messages.success(
                request,
                gettext("已提交筛查任务 #%(job)s：%(status)s")
                % {"job": job.pk, "status": job.get_status_display()},
            )
        return redirect("ops:jobs")
    page = Paginator(JobProgress.objects.select_related("created_by"), 30).get_page(
        request.GET.get("page")
    )
    template = "ops/_job_rows.html" if request.htmx else "ops/job_list.html"
    return render(request, template, {"page": page, "business_date": current_business_date()})


@login_required
@require_GET
def job_detail(request, pk: int):
    """One job's progress; HTMX polls the status partial until the job has finished."""
    job = get_job_for_user(request.user, pk)
    context = {"job": job, "outcome": job_outcome_link(job)}
    if request.htmx:
        return render(request, "ops/_job_status.html", context)
    return render(request, "ops/job_detail.html", context)


def _audit_events(request):
    if not can_read_audit(request.user):
        raise PermissionDenied(gettext("只有内控/审计人员和系统管理员可以查看审计记录"))
    return audit_trail_rows.filter_events(audit_trail_rows.base_queryset(), request.GET)


@login_required
@require_GET
def audit_trail(request):
    events, filters, errors = _audit_events(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    everything = AuditEvent.objects.all()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ops/audit_trail.html",
        {
            "page": page,
            "entries": audit_trail_rows.entries(page.object_list),
            "filters": filters,
            "errors": errors,
            "typed": request.GET,
            "query": query.urlencode(),
            "actions": audit_trail_rows.action_choices(everything),
            "object_types": audit_trail_rows.object_type_choices(everything),
        },
    )


@login_required
@require_GET
def audit_export(request):
    """The filtered audit trail as an Excel workbook: exactly the rows the page lists."""
    from postloan.documents.excel import list_workbook
    from postloan.documents.views import XLSX, download

    events, filters, errors = _audit_events(request)
    if errors:
        events = events.none()
    info = "筛选条件：" + (audit_trail_rows.filters_text(filters) or "全部")
    rows = audit_trail_rows.export_rows(events)
    content = list_workbook("审计记录", "审计记录", audit_trail_rows.EXPORT_COLUMNS, rows, info)
    return download(content, f"审计记录-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
