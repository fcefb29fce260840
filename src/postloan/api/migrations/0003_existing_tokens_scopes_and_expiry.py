import datetime as dt

from django.db import migrations
from django.utils import timezone


def existing_tokens_keep_their_use_and_expire(apps, schema_editor):
    """Tokens issued before scopes existed could do everything: they keep that, and expire
    90 days after this upgrade (docs/security.md)."""
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        scopes=["import", "read", "signals"], expires_at=timezone.now() + dt.timedelta(days=90)
    )


class Migration(migrations.Migration):
    dependencies = [("api", "0002_token_scopes_and_expiry")]

    operations = [
        migrations.RunPython(existing_tokens_keep_their_use_and_expire, migrations.RunPython.noop)
    ]
