"""`postloan clean-uploads`: delete uploaded import files whose import has finished."""

import datetime as dt

from django.core.management.base import BaseCommand

from postloan.ops.housekeeping import clean_uploads, keep_for


class Command(BaseCommand):
    help = "删除导入已结束、且超过保留天数的上传文件（导入记录和报告保留）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="保留多少天（默认取 POSTLOAN_UPLOAD_KEEP_DAYS，7）",
        )

    def handle(self, *args, **options):
        days = options["older_than_days"]
        removed = clean_uploads(dt.timedelta(days=days) if days is not None else keep_for())
        names = "、".join(f.name for f in removed) or "无"
        self.stdout.write(f"已删除 {len(removed)} 个上传文件夹：{names}")
