from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "postloan.units"
    label = "units"
    verbose_name = "机构风险监测与停复牌"
