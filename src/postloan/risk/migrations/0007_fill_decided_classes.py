"""Write `LoanAssessment.decided_class` from the binding decisions already made (the 认定 and
调整 of the old workflow): one UPDATE over the loans that have one."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

BINDING = ("confirmation", "override", "approval", "correction", "committee")


def fill(apps, schema_editor):
    Decision = apps.get_model("risk", "ClassificationDecision")
    Assessment = apps.get_model("risk", "LoanAssessment")
    binding = Decision.objects.filter(kind__in=BINDING)
    latest = (
        binding.filter(loan_id=OuterRef("loan_id"), as_of__lte=OuterRef("as_of"))
        .order_by("-as_of", "-id")
        .values("to_class")[:1]
    )
    Assessment.objects.filter(loan_id__in=binding.values("loan_id")).update(
        decided_class=Subquery(latest)
    )


class Migration(migrations.Migration):
    dependencies = [("risk", "0006_classification_approval_correction_committee")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
