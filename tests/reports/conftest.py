"""The screened hand-made bank with one more, earlier screening date, figures fixed by hand.

2026-09-30 (written here):  L001 正常 4,100,000 · L002 次级 160,000 · L003 正常 3,000,000
2026-10-31 (the screening): L001 正常 4,000,000 · L002 正常 150,000 · L003 关注, DPD 41,
                            认定为次级 3,000,000 (confirmed by the risk department)
"""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.risk.models import LoanAssessment

EARLIER = dt.date(2026, 9, 30)
AS_OF = dt.date(2026, 10, 31)


def assessment(loan, as_of, balance, cls, dpd=0, **extra) -> LoanAssessment:
    return LoanAssessment.objects.create(
        as_of=as_of,
        loan=loan,
        customer=loan.customer,
        dpd=dpd,
        balance=Decimal(balance),
        current_class=cls,
        suggested_class=extra.pop("suggested_class", cls),
        change=extra.pop("change", "same"),
        **extra,
    )


@pytest.fixture
def quality_bank(screened_bank):
    bank = screened_bank
    loans = bank.loans
    assessment(loans["L001"], EARLIER, "4100000.00", "normal")
    assessment(loans["L002"], EARLIER, "160000.00", "substandard", dpd=95)
    assessment(loans["L003"], EARLIER, "3000000.00", "normal")
    LoanAssessment.objects.filter(loan_id="L003", as_of=AS_OF).update(
        status="confirmed", confirmed_class="substandard"
    )
    return bank
