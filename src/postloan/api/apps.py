from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "postloan.api"
    label = "api"
    verbose_name = "接口"
