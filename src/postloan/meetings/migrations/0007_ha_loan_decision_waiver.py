"""A committee's per-loan decision may waive the DPD 1–7 floor as technical (with a reason)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0006_meeting_evidence_generated_names'),
    ]

    operations = [
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
