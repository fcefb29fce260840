from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "postloan.meetings"
    label = "meetings"
    verbose_name = "贷后管理例会"
