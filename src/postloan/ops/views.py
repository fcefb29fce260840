"""Operations pages: the background jobs with their progress, and the audit trail for auditors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from postloan.core.business_date import calendar_day, current_business_date
from postloan.core.models import AuditEvent
from postloan.core.tables import DATETIME, INT, TEXT, Column
from postloan.day.jobs import screening_job
from postloan.documents import list_export
from postloan.documents.excel import list_workbook
from postloan.documents.http import XLSX, download
from postloan.documents.models import PackJob
from postloan.ingest.jobs import import_batch
from postloan.ops import audit_trail as audit_trail_rows
from postloan.ops import jobs
from postloan.ops.access import can_read_audit, can_see_jobs, get_job_for_user
from postloan.ops.models import JobProgress
from postloan.web.labels import person_name


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
            messages.success(request, f"已提交筛查任务 #{job.pk}：{job.get_status_display()}")
        return redirect("ops:jobs")
    jobs_qs, state, _words, errors = _filtered_jobs(request)
    page = Paginator(jobs_qs, 30).get_page(request.GET.get("page"))
    template = "ops/_job_rows.html" if request.htmx else "ops/job_list.html"
    context = {"page": page, "business_date": current_business_date(), "state": state}
    context.update(errors=errors, query=list_export.export_query(request))
    return render(request, template, context)


JOB_CHOICES = {
    "kind": ("kind", JobProgress.Kind, "类型"),
    "status": ("status", JobProgress.Status, "状态"),
}


def _filtered_jobs(request):
    """后台任务's filters (类型, 状态, 提交日期 from/to): the page and its export alike."""
    qs = JobProgress.objects.select_related("created_by__staff")
    return list_export.filter_list(request, qs, JOB_CHOICES, "created_at", "提交日期")


JOB_SHEET = [
    Column("编号", INT, 8),
    Column("类型", TEXT, 12),
    Column("说明", TEXT, 30),
    Column("状态", TEXT, 8),
    Column("进度（%）", INT, 8),
    Column("进展说明", TEXT, 40),
    Column("提交人", TEXT, 10),
    Column("提交时间", DATETIME, 17),
    Column("开始时间", DATETIME, 17),
    Column("结束时间", DATETIME, 17),
    Column("执行次数", INT, 8),
]


@login_required
@require_GET
def job_export(request):
    """后台任务 as the page filtered them (every page, newest first), people by 姓名."""
    if not can_see_jobs(request.user):
        raise PermissionDenied(gettext("只有系统管理员和风险管理部门可以查看后台任务"))
    jobs_qs, _state, words, _errors = _filtered_jobs(request)

    def rows():
        for job in jobs_qs.iterator(chunk_size=2000):
            yield [
                job.pk,
                job.get_kind_display(),
                job.label,
                job.get_status_display(),
                job.progress,
                job.message,
                person_name(job.created_by),
                job.created_at,
                job.started_at,
                job.finished_at,
                job.attempts,
            ]

    return list_export.respond("后台任务", JOB_SHEET, rows(), words)


@login_required
@require_GET
def job_detail(request, pk: int):
    """One job's progress; HTMX polls the status partial until the job has finished."""
    job = get_job_for_user(request.user, pk)
    context = {"job": job, "outcome": job_outcome_link(job), "steps": job.day_steps.all()}
    context["can_rerun"] = can_see_jobs(request.user)
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
    events, filters, errors = _audit_events(request)
    if errors:
        events = events.none()
    info = "筛选条件：" + (audit_trail_rows.filters_text(filters) or "全部")
    rows = audit_trail_rows.export_rows(events)
    content = list_workbook("审计记录", "审计记录", audit_trail_rows.EXPORT_COLUMNS, rows, info)
    return download(content, f"审计记录-{calendar_day():%Y%m%d}.xlsx", XLSX)
