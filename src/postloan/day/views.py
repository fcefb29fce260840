"""The business day's two buttons: 按业务日期重新筛查 (the risk pages) and 重新执行 a step of a
recorded day (a job's page on /ops/jobs/)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from postloan.core.business_date import current_business_date
from postloan.day.jobs import day_step_job
from postloan.day.pipeline import BY_NAME, DAY_KINDS, run_business_day
from postloan.ops import jobs
from postloan.ops.access import can_see_jobs, get_job_for_user
from postloan.ops.models import JobProgress
from postloan.risk.access import is_risk_department
from postloan.risk.choices import RunSource
from postloan.risk.models import ScreeningRun


@login_required
@require_POST
def screen(request):
    """The risk department screens the business date again, and the day's steps follow."""
    if not is_risk_department(request.user):
        raise PermissionDenied("只有风险管理部门可以发起筛查")
    try:
        as_of = dt.date.fromisoformat(request.POST.get("as_of") or "")
    except ValueError:
        as_of = current_business_date()
    if as_of is None:
        messages.error(request, "系统尚无业务日期")
        return redirect("risk:suggestions")
    job = run_business_day(as_of, acting_user=request.user, source=RunSource.WEB)
    run = ScreeningRun.objects.filter(as_of=as_of).order_by("-pk").first()
    if run is None or run.status != "succeeded":
        messages.error(request, f"筛查失败：{run.error if run else job.message}")
        return redirect("risk:suggestions")
    if job.status == JobProgress.Status.SUCCEEDED:
        messages.success(
            request, f"筛查完成：{run.as_of:%Y-%m-%d}，借据 {run.counts.get('loans', 0)} 笔"
        )
    else:
        messages.warning(request, f"筛查完成，{job.message}（后台任务 #{job.pk}）")
    return redirect(f"{reverse('risk:suggestions')}?as_of={run.as_of:%Y-%m-%d}")


@login_required
@require_POST
def rerun_step(request, pk: int, step: str):
    """Submit one step of a recorded business day again, as a background job."""
    if not can_see_jobs(request.user):
        raise PermissionDenied("只有系统管理员和风险管理部门可以重新执行营业日处理步骤")
    day_job = get_job_for_user(request.user, pk)
    spec = BY_NAME.get(step)
    try:
        if spec is None or day_job.kind not in DAY_KINDS:
            raise ValidationError("该后台任务没有这个营业日处理步骤")
        if not day_job.finished:
            raise ValidationError("该营业日处理仍在运行，请待其结束后再重新执行步骤")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("ops:job", pk=pk)
    job = jobs.submit(
        JobProgress.Kind.BUSINESS_DAY,
        day_step_job,
        request.user,
        label=f"重新执行：{spec.step.label}（营业日处理 #{day_job.pk}）",
        day_job_id=day_job.pk,
        step=step,
        user_id=request.user.pk,
    )
    messages.success(request, f"已提交重新执行任务 #{job.pk}：{job.get_status_display()}")
    return redirect("ops:job", pk=pk)
