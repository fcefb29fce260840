from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "postloan.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from postloan.ops import throttling  # noqa: F401 - connects the login signals
