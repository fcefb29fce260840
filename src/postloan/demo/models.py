"""The mark `postloan demo` leaves on a database it created itself."""

from django.db import models
from django.utils.translation import gettext_lazy


class DemoDatabase(models.Model):
    """One row: this database was empty when `postloan demo` first ran on it, so the fictional
    bank, the superuser and the role logins in it are the demo's own (postloan.demo.guard)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    created_at = models.DateTimeField(gettext_lazy("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("演示数据库标记")
        verbose_name_plural = gettext_lazy("演示数据库标记")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="single_demo_database_mark",
                violation_error_message="演示数据库标记只有一行",
            )
        ]

    def __str__(self) -> str:
        return f"演示数据库（{self.created_at:%Y-%m-%d %H:%M}）"
