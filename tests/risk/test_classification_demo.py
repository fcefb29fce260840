"""On the generated demo bank (scale XS, the S bank's stories): loans like JJ202600000118 —
over 360 days past due, in bankruptcy, impaired — cannot be 认定 better than 损失 through the
page, and the migration matrix moves between two screening dates."""

import datetime as dt

import pytest

from postloan.demo.generate import generate_bank
from postloan.ingest.service import run_import
from postloan.org.models import Staff
from postloan.portfolio.models import Loan
from postloan.risk import queries
from postloan.risk.actions.screening import run_screening
from postloan.risk.current import current_class
from postloan.risk.floors import floor_class
from postloan.risk.models import ClassificationDecision, LoanAssessment
from tests.factories import make_user

AS_OF = dt.date(2026, 10, 31)
EARLIER = dt.date(2026, 8, 14)


@pytest.fixture
def demo_bank(db, tmp_path):
    generate_bank("XS", 1, tmp_path, AS_OF)
    assert run_import(tmp_path, as_of=AS_OF).ok
    run_screening(EARLIER)
    run_screening(AS_OF)
    head_office_risk = (
        Staff.objects.filter(department="risk", branch__parent__isnull=True).first()
        or Staff.objects.filter(department="risk").order_by("branch__path").first()
    )
    return make_user("demo_rm", head_office_risk, "risk_manager")


def test_loans_at_the_loss_floor_refuse_a_better_class_through_the_page(demo_bank, client):
    at_loss = [
        a
        for a in LoanAssessment.objects.filter(as_of=AS_OF).exclude(floors=[])
        if floor_class(a) == "loss"
    ]
    assert at_loss, "the demo bank has loans at the loss floor (bankrupt, > 360 days)"
    client.force_login(demo_bank)
    tried = 0
    for a in at_loss[:5]:
        url = f"/risk/classification/loan/{a.loan_id}/"
        if client.get(url).status_code == 404:
            continue  # outside this risk manager's unit
        extract = Loan.objects.get(pk=a.loan_id).classification
        response = client.post(
            url, {"step": "confirm", "c-confirmed_class": "normal", "c-reason": "客户承诺还款"}
        )
        assert response.status_code == 400, a.loan_id
        page = response.content.decode()
        assert "《商业银行金融资产风险分类办法》第十二条" in page and "至少归为损失类" in page
        assert current_class(a) == "loss"
        assert Loan.objects.get(pk=a.loan_id).classification == extract
        tried += 1
    assert tried > 0
    assert not ClassificationDecision.objects.exists()


def test_the_migration_matrix_moves_between_the_two_dates(demo_bank):
    m = queries.migration_matrix(LoanAssessment.objects.all(), EARLIER, AS_OF)
    moved = sum(n for (a, b), n in m.counts.items() if a != b)
    assert m.total_loans > 0 and moved > 0
    # The extract's class is one for both dates: the movement is the floors'.
    same_extract = LoanAssessment.objects.filter(as_of=EARLIER).values_list(
        "loan_id", "current_class"
    )
    later = dict(LoanAssessment.objects.filter(as_of=AS_OF).values_list("loan_id", "current_class"))
    assert all(later.get(loan, cls) == cls for loan, cls in same_extract)
