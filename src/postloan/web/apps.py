from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "postloan.web"
    label = "web"
    verbose_name = "页面"

    def ready(self) -> None:
        from postloan.core import cache

        cache.connect()
        try:
            from postloan.ingest.signals import import_completed
        except ImportError:  # the importer is not installed
            return
        import_completed.connect(cache.note_change, dispatch_uid="postloan_cache_import")
