from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ForecastConfig(AppConfig):
    name = "postloan.forecast"
    label = "forecast"
    verbose_name = gettext_lazy("违约概率模型")
