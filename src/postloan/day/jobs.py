"""Background tasks of the business day (django-tasks), submitted through `ops.jobs.submit`."""

from __future__ import annotations

from django_tasks import task

from postloan.day.pipeline import Today, rerun_step, run_day_steps
from postloan.ops.jobs import date_of, running, set_progress, user_of
from postloan.ops.models import JobProgress
from postloan.risk.choices import RunSource
from postloan.risk.models import ScreeningRun


@task()
def screening_job(job_id: int, as_of: str, user_id=None) -> dict:
    """风险预警筛查 and the rest of the day (the 筛查 button on /ops/jobs/): its steps are
    recorded on this job."""
    with running(job_id) as (_job, outcome):
        set_progress(job_id, 5, "正在筛查")
        day = Today(date_of(as_of), user_of(user_id), RunSource.CLI)
        outcome.update(run_day_steps(job_id, day))
        run = ScreeningRun.objects.filter(as_of=day.as_of).order_by("-pk").first()
        if run is not None:
            outcome.update(run_id=run.pk, counts=run.counts)
    return {"run_id": run.pk if run else None}


@task()
def day_step_job(job_id: int, day_job_id: int, step: str, user_id=None) -> dict:
    """重新执行营业日处理的一个步骤: runs it alone; the day's job follows its outcome."""
    with running(job_id) as (_job, outcome):
        set_progress(job_id, 10, "正在重新执行")
        done = rerun_step(
            JobProgress.objects.get(pk=day_job_id), step, acting_user=user_of(user_id)
        )
        outcome.update(
            ok=done.ok,
            day_job_id=day_job_id,
            message=f"{done.get_step_display()}：{done.get_status_display()}（{done.message}）",
        )
    return {"day_job_id": day_job_id, "step": step}
