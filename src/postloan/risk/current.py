"""The class on the books (当前分类) of a loan at a business date — one definition for every
page, report, plan and KPI.

    current class = the latest binding decision of a person up to that date (认定, 审批同意,
                    更正, 例会认定: the date's own 认定 on its assessment, else the latest
                    `ClassificationDecision` before), else the class of the bank's extract
                    (`current_class`), never better than the regulation's floor of that date.

The floor of a date is the screening's suggestion: by construction the worst floor that fired
(classification.md, "How a suggestion is formed"), holds included. A technical waiver (DPD 1–7)
confirmed on that date lifts only the DPD floor, so there the confirmed class is the floor.

Everything here is one SQL expression over columns of `LoanAssessment` rows (one per loan and
date) — the latest earlier decision is kept on the row (`decided_class`) rather than looked up
per loan — so a report over 91,000 loans stays one plain query: no per-loan Python, no
correlated subquery.
"""

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.db.models.lookups import GreaterThanOrEqual

from postloan.portfolio.models import Loan
from postloan.risk import choices as ch
from postloan.risk.models import ClassificationDecision, LoanAssessment
from postloan.risk.screenings import latest_screening

CLASSES = list(ch.LoanClass.values)
FIRST_NPL_RANK = min(ch.CLASS_ORDER[c] for c in ch.NON_PERFORMING)


class ClassRank(Func):
    """normal 0 … loss 4 in SQL (a simple CASE: its operand, maybe a subquery, runs once)."""

    template = (
        "CASE %(expressions)s "
        + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(CLASSES))
        + " ELSE 0 END"
    )
    output_field = IntegerField()


class ClassOfRank(Func):
    """The class code of a rank in SQL (the inverse of `ClassRank`)."""

    template = (
        "CASE %(expressions)s "
        + " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(CLASSES))
        + f" ELSE '{CLASSES[0]}' END"
    )
    output_field = CharField()


def latest_binding_class():
    """The to_class of the row's loan's latest binding decision on or before the row's date
    (a correlated subquery: used to write `decided_class`, never inside a report)."""
    return Subquery(
        ClassificationDecision.objects.filter(
            loan_id=OuterRef("loan_id"), kind__in=ch.BINDING_KINDS, as_of__lte=OuterRef("as_of")
        )
        .order_by("-as_of", "-id")
        .values("to_class")[:1],
        output_field=CharField(),
    )


def refresh_decided_classes(assessments) -> int:
    """Write `decided_class` on `assessments` whose loan has a binding decision (a handful of
    the portfolio) and whose stored value differs: one UPDATE (a row that already holds it is
    not rewritten). Called after a binding decision and after a screening."""
    decided = ClassificationDecision.objects.filter(kind__in=ch.BINDING_KINDS)
    return (
        assessments.filter(loan_id__in=decided.values("loan_id"))
        .annotate(latest_decided=latest_binding_class())
        .exclude(decided_class=F("latest_decided"))
        .update(decided_class=latest_binding_class())
    )


# Every expression below takes `via`: the path from the queried model to the assessment row
# ("" when querying `LoanAssessment` itself; "on_date__" through a FilteredRelation).


def _floor_rank(via: str = ""):
    return Case(
        When(**{f"{via}technical_waiver": True}, then=ClassRank(F(f"{via}confirmed_class"))),
        default=ClassRank(F(f"{via}suggested_class")),
        output_field=IntegerField(),
    )


def _booked_class(via: str = ""):
    """The row's own 认定 where it has one, else the latest binding decision up to its date
    (`decided_class`), else the extract's class."""
    decided = (ch.AssessmentStatus.CONFIRMED, ch.AssessmentStatus.PENDING_APPROVAL)
    return Case(
        When(
            Q(**{f"{via}status__in": decided}) & ~Q(**{f"{via}confirmed_class": ""}),
            then=F(f"{via}confirmed_class"),
        ),
        default=Coalesce(NullIf(F(f"{via}decided_class"), Value("")), F(f"{via}current_class")),
        output_field=CharField(),
    )


def current_rank(via: str = ""):
    """The current class as a rank (0 … 4), for filters and comparisons."""
    return Greatest(ClassRank(_booked_class(via)), _floor_rank(via), output_field=IntegerField())


def current_class_expression(via: str = ""):
    """The current class code of each `LoanAssessment` row, as an annotation."""
    return ClassOfRank(current_rank(via))


def non_performing_q(via: str = "") -> Q:
    """Rows whose current class is 次级, 可疑 or 损失."""
    return Q(GreaterThanOrEqual(current_rank(via), FIRST_NPL_RANK))


def with_current_class(assessments, name: str = "current_cls"):
    """`assessments` annotated with their current class under `name`."""
    return assessments.annotate(**{name: current_class_expression()})


def current_class(assessment) -> str:
    """The current class of one assessment (one loan, one date): the same SQL as every report."""
    annotated = getattr(assessment, "current_cls", None)
    if annotated:
        return annotated
    value = (
        with_current_class(LoanAssessment.objects.filter(pk=assessment.pk))
        .values_list("current_cls", flat=True)
        .first()
    )
    return value or assessment.current_class


def loan_current_class(loan, as_of: dt.date) -> str:
    """A loan's current class at a date: its latest screening on or before it, else the
    extract's class (a loan never screened has neither floors nor decisions)."""
    a = loan.assessments.filter(as_of__lte=as_of).order_by("-as_of").first()
    return current_class(a) if a is not None else loan.classification


def loans_with_current_class(loans, as_of: dt.date, name: str = "current_cls"):
    """`loans` (a `Loan` queryset) annotated with their current class at `as_of`: by their row
    of the latest screening on or before it, else (never screened, or new since) the extract's
    class. One join, no per-loan lookup."""
    screened = latest_screening(as_of)
    if screened is None:
        return loans.annotate(**{name: F("classification")})
    on_date = FilteredRelation("assessments", condition=Q(assessments__as_of=screened))
    return loans.annotate(on_date=on_date).annotate(
        **{
            name: Case(
                When(on_date__isnull=True, then=F("classification")),
                default=current_class_expression("on_date__"),
                output_field=CharField(),
            )
        }
    )


def non_performing_customers(customer_ids, as_of: dt.date) -> set[str]:
    """Customers with an active loan whose current class at `as_of` is non-performing.

    Loans on the latest screening on or before `as_of` are read by their current class; loans
    that screening did not see (new since) by the extract's class. One query (and the date)."""
    loans = Loan.objects.filter(customer_id__in=customer_ids, status="active", balance__gt=0)
    extract_npl = Q(classification__in=list(ch.NON_PERFORMING))
    screened = latest_screening(as_of)
    if screened is None:
        return set(loans.filter(extract_npl).values_list("customer_id", flat=True))
    on_date = FilteredRelation("assessments", condition=Q(assessments__as_of=screened))
    npl = loans.annotate(on_date=on_date).filter(
        (Q(on_date__isnull=False) & non_performing_q("on_date__"))
        | (Q(on_date__isnull=True) & extract_npl)
    )
    return set(npl.values_list("customer_id", flat=True))
