from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "postloan.web"
    label = "web"
    verbose_name = "页面"
