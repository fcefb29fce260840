from django.apps import AppConfig
from django.db.models.signals import post_save


class ReportsConfig(AppConfig):
    name = "postloan.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self):
        from postloan.reports.receivers import on_screening_saved

        post_save.connect(
            on_screening_saved, sender="risk.ScreeningRun", dispatch_uid="reports-accountability"
        )
