from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "postloan.meetings"
    label = "meetings"
    verbose_name = "贷后管理例会"

    def ready(self):
        from postloan.meetings import receivers

        receivers.connect()
