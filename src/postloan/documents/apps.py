from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "postloan.documents"
    label = "documents"
    verbose_name = "文书与会议材料"
