"""`postloan day --as-of DATE`: the whole business day; `postloan day --rerun-job N --step NAME`:
one step of a recorded day again, alone (its job on /ops/jobs/ follows the outcome)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from postloan.core.business_date import parse_as_of
from postloan.day.models import Step
from postloan.day.pipeline import rerun_step, run_business_day
from postloan.ops.models import JobProgress


class Command(BaseCommand):
    help = (
        "营业日处理：筛查、贷后工作计划、例会决议核实、问责比对、页面数据缓存；或重新执行其中一步"
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="业务日期 YYYY-MM-DD（默认：系统业务日期）")
        parser.add_argument("--rerun-job", type=int, help="重新执行该营业日处理任务的一个步骤")
        parser.add_argument("--step", choices=Step.values, help="要重新执行的步骤")

    def handle(self, *args, as_of=None, rerun_job=None, step=None, **options):
        if rerun_job is None:
            job = run_business_day(parse_as_of(as_of))
            self.report(job)
            return
        if not step:
            raise CommandError("请用 --step 指定要重新执行的步骤")
        job = JobProgress.objects.filter(pk=rerun_job).first()
        if job is None:
            raise CommandError(f"后台任务 #{rerun_job} 不存在")
        try:
            rerun_step(job, step)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        job.refresh_from_db()
        self.report(job)

    def report(self, job: JobProgress) -> None:
        for step in job.day_steps.all():
            self.stdout.write(
                f"{step.position}. {step.get_step_display()}：{step.get_status_display()}"
                f"（{step.seconds} 秒）{step.message}"
            )
        if job.status != JobProgress.Status.SUCCEEDED:
            raise CommandError(f"{job.message}（后台任务 #{job.pk}）")
        self.stdout.write(self.style.SUCCESS(f"{job.label}：{job.message}（后台任务 #{job.pk}）"))
