from django.apps import AppConfig


class DayConfig(AppConfig):
    name = "postloan.day"
    label = "day"
    verbose_name = "营业日处理"

    def ready(self) -> None:
        from postloan.day import receivers

        receivers.connect()
