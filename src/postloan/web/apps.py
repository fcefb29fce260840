from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "postloan.web"
    label = "web"
    verbose_name = "页面"

    def ready(self) -> None:
        from postloan.core import cache

        cache.connect()  # ORM writes; after an import the day's 页面数据缓存 step (postloan.day)
