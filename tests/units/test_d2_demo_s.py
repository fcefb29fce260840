"""Issue 19 parts 2, 3 and 7 on the S demo bank: a unit in breach raises its alert to the 分行,
the manager with the expired certificate is flagged by 人户合一, the letters reach the
不尽职清单, and the demo's exit customers are on the list with their progress."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from postloan.demo.exits import create_demo_exits
from postloan.demo.generate import generate_bank
from postloan.demo.logins import create_demo_logins
from postloan.ingest.service import run_import
from postloan.meetings.models import ExitEntry
from postloan.portfolio.models import Loan
from postloan.reports.diligence import diligence
from postloan.reports.scope import scope_for
from postloan.risk.actions.screening import run_screening
from postloan.units.actions import run_unit_monitoring
from postloan.units.models import UnitAlert, UnitIndicator
from postloan.worklist.models import UnassignedFlag
from postloan.worklist.planning import plan_worklist

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture
def s_bank_db(db, tmp_path):
    generate_bank("S", 1, tmp_path, AS_OF)
    assert run_import(tmp_path, as_of=AS_OF).ok
    run_screening(AS_OF)
    plan_worklist(AS_OF)
    run_unit_monitoring(AS_OF)
    return tmp_path


def test_the_demo_bank_has_units_in_breach_an_expired_certificate_letters_and_exits(s_bank_db):
    folder = s_bank_db
    stories = json.loads((folder / "stories.json").read_text(encoding="utf-8"))
    # 停复牌: the two weak 支行 raise alerts to the 分行; the sound ones do not
    alerts = UnitAlert.objects.filter(status="open")
    assert {a.managing_id for a in alerts} == {"3301"}
    in_breach = {a.branch_id for a in alerts}
    assert in_breach and in_breach < {"330101", "330102", "330103", "330104"}
    assert all(UnitIndicator.objects.get(branch_id=b, as_of=AS_OF).breaches for b in in_breach)
    # the managing unit's page shows them
    client = Client()
    client.force_login(User.objects.create_superuser("d2admin", password="x"))
    html = client.get(reverse("units:index"), {"branch": "3301"}).content.decode()
    assert "tag-red" in html and reverse("units:suspend", args=[sorted(in_breach)[0]]) in html
    # 持证上岗: the manager whose certificate expired is flagged on each of his customers
    story = stories["expired_certificate"]
    (manager,) = story["staff_ids"]
    flagged = set(
        UnassignedFlag.objects.filter(
            reason="uncertified", manager_id=manager, resolved_on__isnull=True
        ).values_list("customer_id", flat=True)
    )
    with_balance = set(
        Loan.objects.filter(
            customer__manager_id=manager, status="active", balance__gt=0
        ).values_list("customer_id", flat=True)
    )
    assert with_balance and flagged == with_balance
    # 责任书: the 不尽职清单 of the 分行 names the letters
    head = User.objects.get(username="d2admin")
    report = diligence(scope_for(head, "3301", AS_OF))
    assert report.letters_kept
    people = {r.key: r for r in report.people}
    assert people[manager].counts["uncertified"] == len(with_balance)
    assert people[manager].letter.startswith(f"ZR2026{manager}")
    # 潜在风险客户退出: the demo's two exit customers, measured
    create_demo_logins()
    entries = create_demo_exits(AS_OF)
    assert len(entries) == 2
    for e in ExitEntry.objects.all():
        assert (e.source, e.status, e.measured_on) == ("risk_decision", "in_progress", AS_OF)
        assert e.baseline_balance > 0 and e.target_amount == e.baseline_balance
    assert create_demo_exits(AS_OF) and ExitEntry.objects.count() == 2  # idempotent
    page = client.get(reverse("meetings:exits")).content.decode()
    assert "名单共 2 户" in page
