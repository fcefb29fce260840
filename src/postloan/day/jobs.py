"""Background tasks of the business day (django-tasks), submitted through `ops.jobs.submit`."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from postloan.core.errors import DomainError
from postloan.day.pipeline import Today, rerun_step, run_day_steps
from postloan.ops.jobs import date_of, running, set_progress, submit, user_of
from postloan.ops.models import JobProgress
from postloan.risk import partition, replica
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


# --- the screening partitioned across queue workers (`postloan screen --partitions N`) ---------
#
# submit_partitioned_screening ─► N × partition_job (one per unit subtree: its own snapshot,
#     read from the read replica when one is set and in step, and its own DuckDB; its share
#     written as Parquet under a folder all workers see) ─► partition_coordinator_job (waits
#     for the N jobs, merges the shares — `risk.partition.merge_results` — and runs the day:
#     the merged result persisted as one screening run, then the worklist and the other steps).
# Under the immediate backend the jobs run one after the other in the calling process; under
# the database queue (`POSTLOAN_TASK_BACKEND=db`) any `postloan db_worker` claims them, the
# workers side by side, the coordinator (enqueued last) once a worker is free.


def partition_wait_seconds() -> int:
    return int(getattr(settings, "POSTLOAN_PARTITION_WAIT_SECONDS", 3600))


@task()
def partition_job(job_id: int, as_of: str, k: int, n: int, out: str) -> dict:
    """分区筛查 k/n: the partition's customers (and those linked to them) screened here."""
    with running(job_id) as (_job, outcome):
        set_progress(job_id, 10, f"正在筛查第 {k + 1}/{n} 个分区")
        connection = replica.read_connection()  # refuses a replica behind the primary
        report = partition.write_share(date_of(as_of), k, n, Path(out), connection=connection)
        outcome.update(
            message=f"第 {k + 1}/{n} 个分区筛查完成：本分区客户 "
            f"{report['sizes'].get('own_customers', 0):,} 户，用时 {report['seconds']} 秒",
            partition=k,
            seconds=report["seconds"],
        )
    return report


@task()
def partition_coordinator_job(
    job_id: int, as_of: str, n: int, out: str, worker_jobs: list[int], user_id=None
) -> dict:
    """分区筛查汇总: wait for the partitions, merge, persist as one run, then the day's steps."""
    with running(job_id) as (_job, outcome):
        set_progress(job_id, 5, f"正在等待 {n} 个分区筛查完成")
        _wait_for(worker_jobs)
        set_progress(job_id, 40, "正在汇总各分区结果")
        parts, reports = partition.read_shares(Path(out), n)
        merged = partition.merge_results(parts)
        day = Today(date_of(as_of), user_of(user_id), RunSource.CLI, screening_result=merged)
        outcome.update(run_day_steps(job_id, day))
        outcome.update(partitions=[r["seconds"] for r in reports])
        if outcome.get("ok"):
            shutil.rmtree(out, ignore_errors=True)
        run = ScreeningRun.objects.filter(as_of=day.as_of).order_by("-pk").first()
        if run is not None:
            outcome.update(run_id=run.pk)
    return {"run_id": run.pk if run else None}


def _wait_for(job_ids: list[int]) -> None:
    deadline = time.monotonic() + partition_wait_seconds()
    done = (JobProgress.Status.SUCCEEDED, JobProgress.Status.FAILED)
    while True:
        jobs = list(JobProgress.objects.filter(pk__in=job_ids).values_list("pk", "status"))
        failed = [pk for pk, status in jobs if status == JobProgress.Status.FAILED]
        if failed:
            raise DomainError(
                f"分区筛查未完成：后台任务 {'、'.join(f'#{pk}' for pk in failed)} 失败，"
                "未写入任何筛查结果；请查看该任务的原因后重新执行"
            )
        if len(jobs) == len(job_ids) and all(status in done for _, status in jobs):
            return
        if time.monotonic() > deadline:
            raise DomainError(
                f"分区筛查超时：{partition_wait_seconds()} 秒内仍有分区未完成，未写入任何筛查结果"
            )
        time.sleep(1.0)


def submit_partitioned_screening(as_of: dt.date, n: int, user=None) -> JobProgress:
    """Queue the n partition jobs and their coordinator; returns the coordinator's job."""
    if n < 1:
        raise DomainError("分区数至少为 1")
    # not a scratch folder (swept once its maker's process is gone): the shares outlive the
    # submitting command; the coordinator removes the folder after a successful merge
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    out = Path(settings.VAR_DIR) / "partitions" / f"{as_of:%Y%m%d}-{stamp}"
    out.mkdir(parents=True)
    day = f"{as_of:%Y-%m-%d}"
    workers = [
        submit(
            JobProgress.Kind.SCREENING,
            partition_job,
            user,
            label=f"分区筛查 {k + 1}/{n} {day}",
            as_of=day,
            k=k,
            n=n,
            out=str(out),
        )
        for k in range(n)
    ]
    return submit(
        JobProgress.Kind.BUSINESS_DAY,
        partition_coordinator_job,
        user,
        label=f"营业日处理 {day}（{n} 个分区）",
        as_of=day,
        n=n,
        out=str(out),
        worker_jobs=[w.pk for w in workers],
        user_id=getattr(user, "pk", None),
    )
