"""到期贷款催收函: planned by term, confirmed by borrower and guarantor, generated as Word."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document

from postloan.portfolio.models import Guarantee, Loan
from postloan.worklist.choices import TaskKind
from postloan.worklist.models import CalendarTask
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF
from tests.worklist.test_inspections import assert_converts_to_pdf

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def notice(bank):
    Loan.objects.filter(pk="L003").update(maturity_date=D(2026, 12, 3))
    Guarantee.objects.create(
        guarantee_id="G1", loan_id="L003", kind="guarantor", guarantor_name="杭州丁担保有限公司"
    )
    plan_worklist(AS_OF)
    return CalendarTask.objects.get(kind=TaskKind.MATURITY_NOTICE, loan_id="L003")


def test_it_plans_long_term_notices_a_month_ahead(bank):
    Loan.objects.create(
        loan_id="L020",
        customer_id="C001",
        product="fixed_asset",
        principal=Decimal("9000000"),
        balance=Decimal("3000000"),
        start_date=D(2023, 12, 1),
        maturity_date=D(2026, 12, 1),
        guarantee_method="mortgage",
    )
    plan_worklist(AS_OF)
    task = CalendarTask.objects.get(kind=TaskKind.MATURITY_NOTICE, loan_id="L020")
    assert task.due_date == D(2026, 10, 30)  # 11-01 is a Sunday → the Friday before


def test_it_needs_the_borrowers_confirmation(notice, bank, login):
    client = login(bank.users["am_wang"])
    response = client.post(f"/work/calendar/{notice.pk}/", {"done_date": "2026-10-31"})
    assert "请填写借款人确认（签收）日期" in response.content.decode()
    response = client.post(
        f"/work/calendar/{notice.pk}/",
        {
            "done_date": "2026-10-31",
            "borrower_confirmed_on": "2026-10-30",
            "guarantor_confirmed_on": "2026-10-31",
            "note": "已送达并签收",
        },
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.borrower_confirmed_on, notice.guarantor_confirmed_on) == (
        D(2026, 10, 30),
        D(2026, 10, 31),
    )


def test_it_generates_the_notice_as_a_word_file(notice, bank, login, tmp_path):
    response = login(bank.users["am_wang"]).get(f"/work/calendar/{notice.pk}/notice.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "到期贷款催收函" in text
    assert "杭州乙贸易有限公司" in text and "2026年12月03日" in text
    assert "杭州丁担保有限公司" in text
    path = tmp_path / "notice.docx"
    path.write_bytes(response.content)
    assert_converts_to_pdf(path)


def test_it_plans_the_guarantee_letter_retrieval_after_expiry(bank):
    Loan.objects.create(
        loan_id="LG1",
        customer_id="C001",
        product="letter_of_guarantee",
        principal=Decimal("500000"),
        balance=Decimal("0"),
        start_date=D(2025, 10, 1),
        maturity_date=D(2026, 9, 28),
        guarantee_method="credit",
        status="settled",
    )
    plan_worklist(AS_OF)
    task = CalendarTask.objects.get(kind=TaskKind.GUARANTEE_LETTER)
    # 5 working days after 09-28 across National Day: 09-29, 09-30, 10-08, 10-09, 10-10.
    assert task.due_date == D(2026, 10, 10)
