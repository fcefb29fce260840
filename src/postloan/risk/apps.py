from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "postloan.risk"
    label = "risk"
    verbose_name = "风险"
