from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "postloan.core"
    label = "core"
    verbose_name = "系统"
