from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "postloan.reports"
    label = "reports"
    verbose_name = "报表"
