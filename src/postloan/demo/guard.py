"""`postloan demo` runs only on a database of its own.

It refuses production settings, and any database that holds data it did not create itself:
a database is the demo's when it carries the `DemoDatabase` mark, written the first time the
demo ran on it while it was still empty. Data means a row in any table of PostLoan's own apps
or in the users table — not the rows migrations write (content types, permissions, the role
groups, default settings), which an empty, migrated database also has.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from postloan.demo.models import DemoDatabase

# Rows every freshly migrated database has (written by migrations, not by a person).
MIGRATION_ROWS = {
    "auth_group",
    "auth_group_permissions",
    "auth_permission",
    "django_content_type",
    "django_migrations",
}


class DemoRefused(CommandError):
    """The demo will not run here (the message says why, in Chinese)."""


def is_production() -> bool:
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    return bool(getattr(settings, "POSTLOAN_PRODUCTION", False)) or module.endswith(
        "settings_production"
    )


def _data_tables() -> dict[str, str]:
    """Tables that hold a bank's data or its users (PostLoan's apps and the users table),
    each with its Chinese name."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    tables = {User._meta.db_table: str(User._meta.verbose_name_plural)}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_config.name.startswith("postloan.") and model._meta.managed:
            tables[model._meta.db_table] = str(model._meta.verbose_name_plural)
    for table in (*MIGRATION_ROWS, DemoDatabase._meta.db_table):
        tables.pop(table, None)
    return dict(sorted(tables.items()))


def tables_with_data() -> list[str]:
    present = set(connection.introspection.table_names())
    found = []
    with connection.cursor() as cursor:
        for table in _data_tables():
            if table not in present:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                found.append(table)
    return found


def is_marked() -> bool:
    present = connection.introspection.table_names()
    return DemoDatabase._meta.db_table in present and DemoDatabase.objects.exists()


def check_demo_allowed() -> bool:
    """Raise DemoRefused unless the demo may run here; True if the database is already the
    demo's own (a second run), False if it is empty (the first run marks it)."""
    if is_production():
        raise DemoRefused(
            "postloan demo 不能在生产配置下运行（DJANGO_SETTINGS_MODULE=postloan.settings_production）。"
            "演示请使用默认配置和单独的数据库。"
        )
    if is_marked():
        return True
    found = tables_with_data()
    if found:
        names = _data_tables()
        shown = "、".join(dict.fromkeys(names[t] for t in found[:8])) + (
            "等" if len(found) > 8 else ""
        )
        raise DemoRefused(
            f"该数据库已有不是演示程序创建的数据（{shown}），postloan demo 拒绝在其上运行，"
            "以免导入虚构银行、创建或改动账号。请为演示使用一个空数据库"
            "（如另设 POSTLOAN_VAR_DIR 或 DATABASE_URL）；若这是旧版演示程序建的库，"
            "删除后重新运行即可。"
        )
    return False


def mark_demo_database() -> None:
    DemoDatabase.objects.get_or_create(pk=1)
