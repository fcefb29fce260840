"""A report table as plain data: typed columns and rows, so Excel, Word, HTML and PDF render the
same figures without computing anything (documents never compute)."""

from dataclasses import dataclass, field

# Column kinds: how a renderer formats a cell.
MONEY, INT, DATE, TEXT, PERCENT, MONTH = "money", "int", "date", "text", "percent", "month"
DATETIME = "datetime"  # a time stamp (audit trail): Excel date-time, YYYY-MM-DD HH:MM on paper


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: int = 14


@dataclass
class Table:
    key: str
    title: str  # e.g. 附件1 授信资金使用情况表（信贷资金用后跟踪表）
    sheet: str  # Excel sheet name (<= 31 characters)
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: list | None = None  # the 合计 row, same shape as a row
    notes: list[str] = field(default_factory=list)
    empty_text: str = "无数据"

    @property
    def is_empty(self) -> bool:
        return not self.rows
