"""One account per user name whatever its case or surrounding spaces, in the database itself:
a unique index on lower(trim(username)) of auth_user (SQLite and PostgreSQL alike), beside
Django's own case-sensitive unique constraint. The forms and `accounts.usernames` already keep
names in their normalised form (NFKC, trimmed, lower case); this index holds for every other
path too (a script, the shell, a fixture, a race between two admin saves).

Before the index is built, existing names that would clash are listed in Chinese: the
migration stops, naming them, instead of failing on the database's English message."""

from django.conf import settings
from django.db import migrations

INDEX = "accounts_username_normalised_uniq"


def refuse_clashes(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    seen: dict[str, str] = {}
    clashes = []
    for name in User.objects.order_by("pk").values_list("username", flat=True):
        key = name.strip().lower()
        if key in seen:
            clashes.append(f"“{seen[key]}”与“{name}”")
        else:
            seen[key] = name
    if clashes:
        raise RuntimeError(
            "以下用户名仅大小写或首尾空格不同，无法建立用户名唯一索引；请先在系统管理中"
            "改名或停用其一后再升级：" + "；".join(clashes)
        )


def create_index(apps, schema_editor):
    table = apps.get_model(*settings.AUTH_USER_MODEL.split("."))._meta.db_table
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"CREATE UNIQUE INDEX {quote(INDEX)} ON {quote(table)} (lower(trim({quote('username')})))"
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_auth_log_and_password_state"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_clashes, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
