"""Build queued meeting packs (会议材料): `postloan build_meeting_packs [--job ID]`."""

from django.core.management.base import BaseCommand

from postloan.documents.choices import PackStatus
from postloan.documents.models import PackJob
from postloan.documents.pack import build_meeting_pack


class Command(BaseCommand):
    help = "生成排队中的例会会议材料PDF"

    def add_arguments(self, parser):
        parser.add_argument("--job", type=int, help="只生成指定任务")

    def handle(self, *args, **options):
        ids = (
            [options["job"]]
            if options.get("job")
            else list(
                PackJob.objects.filter(status=PackStatus.QUEUED)
                .order_by("created_at")
                .values_list("pk", flat=True)
            )
        )
        for job_id in ids:
            job = build_meeting_pack(job_id)
            self.stdout.write(f"任务{job_id}：{job.get_status_display()} {job.error}".strip())
