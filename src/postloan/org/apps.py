from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_role_groups(sender, **kwargs):
    from postloan.org.roles import ensure_groups

    ensure_groups()


class OrgConfig(AppConfig):
    name = "postloan.org"
    label = "org"
    verbose_name = "机构与人员"

    def ready(self):
        post_migrate.connect(_create_role_groups, dispatch_uid="postloan-role-groups")
