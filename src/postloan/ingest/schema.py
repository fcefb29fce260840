"""The data contract joined with the database: which model holds a table, and each column's limits.

The contract (`postloan.contract`) says what a value may look like; the Django models say what the
database can hold (nullable or not, max length, decimal places). The importer needs both so that a
value the database would reject is reported as a bad row instead of failing the whole load.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models

from postloan import contract


@dataclass(frozen=True)
class ColumnSpec:
    column: contract.Column
    table: str
    nullable: bool  # the database column accepts NULL
    max_length: int | None
    max_digits: int | None
    decimal_places: int | None

    @property
    def code(self) -> str:
        return self.column.code

    @property
    def label(self) -> str:
        return self.column.label

    @property
    def type(self) -> str:
        return self.column.type


@dataclass(frozen=True)
class TableSpec:
    table: contract.Table
    model: type[models.Model]
    columns: tuple[ColumnSpec, ...]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def label(self) -> str:
        return self.table.label

    @property
    def key(self) -> tuple[str, ...]:
        return self.table.key

    def column(self, code: str) -> ColumnSpec:
        for col in self.columns:
            if col.code == code:
                return col
        raise KeyError(code)


def _model_for(db_table: str) -> type[models.Model]:
    for model in apps.get_models():
        if model._meta.db_table == db_table:
            return model
    raise LookupError(f"数据契约表 {db_table} 没有对应的模型")


def _field_for(model: type[models.Model], column: str) -> models.Field:
    for f in model._meta.concrete_fields:
        if f.column == column:
            return f
    raise LookupError(f"模型 {model.__name__} 没有列 {column}")


@cache
def table_spec(name: str) -> TableSpec:
    t = contract.table(name)
    model = _model_for(t.name)
    cols = []
    for col in t.columns:
        f = _field_for(model, col.code)
        target = f.target_field if f.is_relation else f
        cols.append(
            ColumnSpec(
                column=col,
                table=t.name,
                nullable=f.null,
                max_length=getattr(target, "max_length", None),
                max_digits=getattr(f, "max_digits", None),
                decimal_places=getattr(f, "decimal_places", None),
            )
        )
    return TableSpec(table=t, model=model, columns=tuple(cols))


def all_specs() -> list[TableSpec]:
    return [table_spec(name) for name in contract.LOAD_ORDER]
