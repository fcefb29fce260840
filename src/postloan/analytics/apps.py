from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "postloan.analytics"
    label = "analytics"
    verbose_name = "分析副本"
    default_auto_field = "django.db.models.BigAutoField"
