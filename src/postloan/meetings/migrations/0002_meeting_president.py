"""The 行长 who signs a meeting's record, fixed when the meeting starts (from the unit's org
record: the staff whose position is 行长). Meetings already started but not yet signed get it
from the org record now; signed meetings keep what they were signed by."""

import django.db.models.deletion
from django.db import migrations, models


def fix_presidents(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Staff = apps.get_model("org", "Staff")
    for meeting in Meeting.objects.filter(status__in=["in_progress", "held"], president=None):
        heads = list(Staff.objects.filter(branch_id=meeting.branch_id, position="president")[:2])
        if len(heads) == 1:
            Meeting.objects.filter(pk=meeting.pk).update(president=heads[0])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_meeting_record"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="president",
            field=models.ForeignKey(
                blank=True,
                help_text="开会时按机构记录确定，此后委员会变动不影响签署人",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.staff",
                verbose_name="行长（签署人）",
            ),
        ),
        migrations.RunPython(fix_presidents, migrations.RunPython.noop),
    ]
