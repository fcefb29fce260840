"""A committee's per-loan decision may waive the DPD 1–7 floor as technical (with a reason);
the attendance keeps each member's seat at the start (the quorum reads it)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0006_meeting_evidence_generated_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='attendance',
            name='member_role',
            field=models.CharField(blank=True, choices=[('chair', '主任委员'), ('vice_chair', '副主任委员'), ('department', '部门委员'), ('individual', '个人委员')], default='', max_length=16, verbose_name='开会时委员类别'),
        ),
        migrations.AddField(
            model_name='loandecision',
            name='technical_waiver',
            field=models.BooleanField(default=False, verbose_name='技术性逾期豁免'),
        ),
        migrations.AddField(
            model_name='loandecision',
            name='waiver_reason',
            field=models.TextField(blank=True, default='', verbose_name='豁免理由'),
        ),
        migrations.AddConstraint(
            model_name='loandecision',
            constraint=models.CheckConstraint(condition=models.Q(('technical_waiver', False), models.Q(('waiver_reason', ''), _negated=True), _connector='OR'), name='loan_decision_waiver_has_reason', violation_error_message='技术性逾期豁免必须填写理由'),
        ),
    ]
