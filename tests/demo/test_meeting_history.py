"""The demo bank's past meeting: accountability finds the customers it called sound that slid
into overdue, and nothing for the one it handled; a bank without minutes has no findings."""

import pytest

from postloan.demo.committees import create_demo_committee
from postloan.demo.logins import create_demo_logins
from postloan.demo.meeting_history import create_demo_meeting_history
from postloan.ingest.service import run_import
from postloan.meetings.models import Meeting
from postloan.portfolio.models import Customer
from postloan.reports.actions import detect_findings
from postloan.reports.models import AccountabilityFinding
from postloan.risk.actions.screening import run_screening
from postloan.risk.models import LoanAssessment
from tests.demo.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_it_finds_the_sound_customers_that_slid_and_only_them(s_bank):
    assert run_import(s_bank, as_of=AS_OF).ok
    run_screening(AS_OF)
    create_demo_logins()
    create_demo_committee()
    assert detect_findings(AS_OF, acting_user=None) == 0  # a clean bank: no minutes, no finding

    meeting = create_demo_meeting_history(AS_OF)
    meeting.refresh_from_db()
    assert meeting.status == "signed" and meeting.date < AS_OF
    findings = list(AccountabilityFinding.objects.all())
    assert findings, "the demo's sound-but-slid customers must be found"
    reviewed = {i.customer_id: i for i in meeting.items.filter(dropped=False)}
    for f in findings:
        assert f.kind == "sound_report" and f.meeting_id == meeting.pk
        assert reviewed[f.customer_id].class_decided == "normal"
        assert f.responsible_id == Customer.objects.get(pk=f.customer_id).manager_id
        assert LoanAssessment.objects.filter(
            customer_id=f.customer_id, as_of=AS_OF, dpd__gt=0
        ).exists()
    handled = [c for c, i in reviewed.items() if i.class_decided == "substandard"]
    assert handled and not AccountabilityFinding.objects.filter(customer_id__in=handled).exists()
    # Idempotent: the meeting is not held twice and no finding is added.
    assert create_demo_meeting_history(AS_OF) == meeting
    assert Meeting.objects.count() == 1
    assert AccountabilityFinding.objects.count() == len(findings)
