from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "postloan.org"
    label = "org"
    verbose_name = "机构与人员"
