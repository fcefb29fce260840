"""The five classes ordered from best to worst, so SQL can find a customer's worst class."""

from django.db.models import Case, IntegerField, Value, When

from postloan import contract

CLASS_ORDER = tuple(code for code, _ in contract.CLASSES)  # normal … loss
CLASS_RANK = {code: rank for rank, code in enumerate(CLASS_ORDER)}
CLASS_BY_RANK = dict(enumerate(CLASS_ORDER))


def class_rank(field: str) -> Case:
    """SQL expression: 0 for 正常 … 4 for 损失, from the class code in `field`."""
    return Case(
        *(When(**{field: code}, then=Value(rank)) for code, rank in CLASS_RANK.items()),
        output_field=IntegerField(),
    )
