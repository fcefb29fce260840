from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "postloan.ingest"
    label = "ingest"
    verbose_name = "数据导入"
