from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "postloan.analytics"
    label = "analytics"
    verbose_name = "分析副本"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from postloan.analytics.receivers import COPIED_MODELS, copied_row_changed

        for model in COPIED_MODELS():
            post_save.connect(copied_row_changed, sender=model, dispatch_uid=f"analytics-{model}")
            post_delete.connect(
                copied_row_changed, sender=model, dispatch_uid=f"analytics-d-{model}"
            )
