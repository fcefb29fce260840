"""On the S demo bank: covenants judged by the screening agree with the data, credit files and
complaints reach their pages and KPI, and the work for the managers is planned."""

import csv
import datetime as dt
from collections import Counter

import pytest

from postloan.demo.generate import generate_bank
from postloan.ingest.service import run_import
from postloan.portfolio.models import Collateral, Covenant, FinancialStatement, Guarantee
from postloan.reports.kpis import kpi_board
from postloan.reports.scope import scope_for
from postloan.risk.actions.screening import run_screening
from postloan.risk.models import Signal
from postloan.worklist import credit_files
from postloan.worklist.covenants import covenant_statuses
from postloan.worklist.models import FollowUp
from postloan.worklist.planning import plan_worklist
from tests.factories import make_user

AS_OF = dt.date(2026, 10, 31)
pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    generate_bank("S", 1, tmp_path, AS_OF)
    result = run_import(tmp_path, as_of=AS_OF)
    assert result.ok, [str(e) for e in result.errors[:5]]
    run_screening(AS_OF)
    plan_worklist(AS_OF)
    return tmp_path


def _breached() -> set[str]:
    out = set()
    for ev in Signal.objects.filter(rule_id="EW-COVENANT").values_list("evidence", flat=True):
        out |= {c["covenant_id"] for c in ev["covenants"]}
    return out


def test_the_s_demo_bank(demo, client):
    """One import and screening of the S bank (about 90 s), three checks."""
    covenants_agree_with_the_data()
    states_follow_ups_files_and_complaints(demo)
    pages_open(client)


def covenants_agree_with_the_data():
    breached = _breached()
    assert breached, "the demo bank has breaches"
    latest = {}
    for f in FinancialStatement.objects.filter(period_end__lte=AS_OF).order_by(
        "customer_id", "period_end", "-period_type"
    ):
        latest[f.customer_id] = f  # the newest; on one period end the annual one, as the engine
    debt = Covenant.objects.filter(type="debt_ratio_max", customer__loans__status="active")
    checked = 0
    for c in debt.distinct():
        f = latest.get(c.customer_id)
        if f is None or not f.total_assets:
            continue
        checked += 1
        assert (c.covenant_id in breached) == (f.debt_ratio > c.threshold), c.covenant_id
    assert checked > 50
    # registration: breached exactly when a collateral of the loan is not registered after the due date
    for c in Covenant.objects.filter(type="collateral_registered_by", loan__status="active"):
        if c.due_date >= AS_OF:
            continue
        ids = Guarantee.objects.filter(loan_id=c.loan_id, collateral__isnull=False).values(
            "collateral_id"
        )
        unregistered = Collateral.objects.filter(pk__in=ids, registered=False).exists()
        assert (c.covenant_id in breached) == unregistered, c.covenant_id


def states_follow_ups_files_and_complaints(demo):
    ids = set(Covenant.objects.values_list("customer_id", flat=True))
    states = Counter(s.state for s in covenant_statuses(AS_OF, ids))
    assert set(states) == {"met", "breached", "to_confirm", "not_due"}, states
    to_confirm = FollowUp.objects.filter(kind="covenant").count()
    assert 0 < to_confirm <= states["to_confirm"]
    files = credit_files.loan_files()
    total = credit_files.Completeness("", "")
    for c in credit_files.completeness(files, "branch"):
        total.required += c.required
        total.present += c.present
        total.lost += c.lost
    with (demo / "credit_files.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    lost_active = {f.loan_id for f in files if f.lost}
    assert total.lost == sum(
        1 for r in rows if r["state"] == "lost" and r["loan_id"] in lost_active
    )
    assert 0.85 < total.present / total.required < 0.97
    missing = sum(len(f.missing) for f in files)
    assert FollowUp.objects.filter(kind="credit_file").count() == missing

    admin = make_user("head", None, "admin", superuser=True)
    board = kpi_board(scope_for(admin, None, AS_OF), dt.date(2026, 1, 1))
    top = board.units[0].cells["complaint"]
    assert not top.no_data and top.den > 0 and 0 < top.num < top.den


def pages_open(client):
    from django.contrib.auth.models import User

    admin = User.objects.get(username="head")
    client.force_login(admin)
    for url in ("/work/credit-files/", "/work/follow-ups/", "/work/follow-ups/?state=all",
                "/reports/kpis/", "/work/diligence/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
    assert "信贷档案完整性" in client.get("/work/credit-files/").content.decode()
    export = client.get("/work/credit-files/export.xlsx")
    assert export.status_code == 200
