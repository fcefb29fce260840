from django.db import models
from django.utils.translation import gettext_lazy


class PackStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("排队中")
    RUNNING = "running", gettext_lazy("生成中")
    DONE = "done", gettext_lazy("已完成")
    FAILED = "failed", gettext_lazy("生成失败")
