from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "postloan.worklist"
    label = "worklist"
    verbose_name = "贷后工作"

    def ready(self) -> None:
        from postloan.worklist import receivers

        receivers.connect()
