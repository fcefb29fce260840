"""Model fields shared by every domain."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext

FEN = Decimal("0.01")


def to_fen(value: Decimal | int | str) -> int:
    amount = Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)
    return int(amount * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


class MoneyField(models.BigIntegerField):
    """An amount in yuan as ``Decimal``, stored exactly as integer fen (分) on every database."""

    description = "金额（元），以分为整数存储"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return from_fen(int(value))

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return Decimal(str(value).replace(",", "")).quantize(FEN)
        except Exception as exc:  # noqa: BLE001 - any parse failure is a validation error
            raise ValidationError(
                gettext("金额格式不正确：%(value)s"), params={"value": value}
            ) from exc

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, int | Decimal | str | float):
            return to_fen(Decimal(str(value)))
        return super().get_prep_value(value)

    def formfield(self, **kwargs):
        # Field.formfield, not BigIntegerField's: the label, help text and `required = not
        # blank` of the model field, in yuan (no integer range of the stored fen).
        defaults = {"form_class": forms.DecimalField, "max_digits": 18, "decimal_places": 2}
        return models.Field.formfield(self, **{**defaults, **kwargs})
