"""One SQL expression per contract column type: the parsed value and the reason a value is bad.

Every expression reads a *cleaned* column (trimmed, empty → NULL, contract default applied) of the
staging view and is evaluated by DuckDB over the whole file at once. `value_sql` gives the typed
value (NULL when the text does not parse); `error_sql` gives a Chinese reason, or NULL when fine.
"""

from __future__ import annotations

from postloan.ingest.schema import ColumnSpec
from postloan.ingest.sql import ident, lit

# Characters trimmed around every value: spaces, tabs, line breaks, full-width and no-break spaces.
TRIM_CHARS = " \t\r\n\u3000\u00a0"

# Amounts the database refuses when negative (check constraints on the models).
NON_NEGATIVE_MONEY = {("loans", "balance"), ("facilities", "limit_amount")}

TRUE_WORDS = ("true", "1", "y", "是")
FALSE_WORDS = ("false", "0", "n", "否")

REQUIRED = "必填项为空"
DATE_FORMAT = "日期格式不正确，应为 YYYY-MM-DD"
DATE_INVALID = "日期不存在，请检查年、月、日"
MONTH_FORMAT = "月份格式不正确，应为 YYYY-MM"
MONEY_FORMAT = "金额格式不正确，应为数字（可含千分位逗号）"
MONEY_PLACES = "金额最多两位小数"
MONEY_RANGE = "金额超出范围"
MONEY_POSITIVE = "金额必须大于0"
MONEY_NEGATIVE = "金额不能为负数"
INT_FORMAT = "应为整数"
INT_NEGATIVE = "不能为负数"
NUMBER_FORMAT = "数值格式不正确，应为小数（如 0.0435）"
NUMBER_RANGE = "数值超出范围"
BOOL_FORMAT = "应为 是/否（也可用 true/false、1/0、Y/N）"

_MONEY_SHAPE = r"[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?"
_DECIMAL_SHAPE = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_INT_SHAPE = r"[+-]?[0-9]+"


def cleaned_sql(raw: str, spec: ColumnSpec) -> str:
    """Trimmed text, empty → NULL, the contract default when empty."""
    expr = f"NULLIF(trim({raw}, {lit(TRIM_CHARS)}), '')"
    if spec.column.default is not None:
        expr = f"COALESCE({expr}, {lit(spec.column.default)})"
    return expr


def _match(v: str, pattern: str) -> str:
    return f"regexp_full_match({v}, {lit(pattern)})"


def _date_text(v: str) -> str:
    """The text of a date in YYYY-MM-DD form, or NULL when its shape is none of the accepted ones."""
    return (
        f"CASE WHEN {_match(v, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}')} THEN {v}"
        f" WHEN {_match(v, '[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}')} THEN replace({v}, '/', '-')"
        f" WHEN {_match(v, '[0-9]{8}')}"
        f" THEN substr({v}, 1, 4) || '-' || substr({v}, 5, 2) || '-' || substr({v}, 7, 2) END"
    )


def _month_text(v: str) -> str:
    """First day of the month as YYYY-MM-DD text; a full date is accepted only on day 1."""
    return (
        f"CASE WHEN {_match(v, '[0-9]{4}[-/][0-9]{1,2}')}"
        f" THEN replace({v}, '/', '-') || '-01'"
        f" WHEN {_match(v, '[0-9]{6}')} THEN substr({v}, 1, 4) || '-' || substr({v}, 5, 2) || '-01'"
        f" WHEN {_match(v, '[0-9]{4}[-/][0-9]{1,2}[-/]0?1')} THEN replace({v}, '/', '-')"
        f" WHEN {_match(v, '[0-9]{6}01')}"
        f" THEN substr({v}, 1, 4) || '-' || substr({v}, 5, 2) || '-01' END"
    )


def _money_decimal(v: str) -> str:
    return f"TRY_CAST(replace({v}, ',', '') AS DECIMAL(18, 2))"


def _enum_case(v: str, spec: ColumnSpec) -> str:
    whens = []
    for code, label in spec.column.choices:
        whens.append(f"WHEN {lit(code.lower())} THEN {lit(code)}")
        whens.append(f"WHEN {lit(label)} THEN {lit(code)}")
    return f"CASE lower({v}) {' '.join(whens)} END"


def enum_hint(spec: ColumnSpec) -> str:
    return "、".join(f"{label}({code})" for code, label in spec.column.choices)


def value_sql(spec: ColumnSpec) -> str:
    """The parsed value of the cleaned column `spec.code` (NULL when missing or bad)."""
    v = ident(spec.code)
    t = spec.type
    if t == "int":
        expr = f"CASE WHEN {_match(v, _INT_SHAPE)} THEN TRY_CAST({v} AS BIGINT) END"
    elif t == "money":
        expr = (
            f"CASE WHEN {_match(v, _MONEY_SHAPE)}"
            f" THEN TRY_CAST({_money_decimal(v)} * 100 AS BIGINT) END"
        )
    elif t == "decimal":
        digits, places = spec.max_digits or 18, spec.decimal_places or 6
        expr = (
            f"CASE WHEN {_match(v, _DECIMAL_SHAPE)}"
            f" THEN TRY_CAST({v} AS DECIMAL({digits}, {places})) END"
        )
    elif t == "date":
        expr = f"TRY_CAST({_date_text(v)} AS DATE)"
    elif t == "month":
        expr = f"TRY_CAST({_month_text(v)} AS DATE)"
    elif t == "bool":
        trues = ", ".join(lit(w) for w in TRUE_WORDS)
        falses = ", ".join(lit(w) for w in FALSE_WORDS)
        expr = (
            f"CASE WHEN lower({v}) IN ({trues}) THEN true"
            f" WHEN lower({v}) IN ({falses}) THEN false END"
        )
    elif t == "enum":
        expr = _enum_case(v, spec)
    else:
        expr = v
    if t in ("str", "enum") and not spec.nullable:
        expr = f"COALESCE({expr}, '')"
    return expr


def error_sql(spec: ColumnSpec) -> str | None:
    """A CASE giving the Chinese reason why the cleaned value is bad, or None if it cannot be."""
    v = ident(spec.code)
    t = spec.type
    whens: list[tuple[str, str]] = []
    if spec.column.required:
        whens.append((f"{v} IS NULL", REQUIRED))
    if t == "str":
        if spec.max_length:
            whens.append((f"length({v}) > {spec.max_length}", f"长度超过 {spec.max_length} 个字符"))
    elif t == "int":
        whens.append((f"NOT {_match(v, _INT_SHAPE)}", INT_FORMAT))
        whens.append((f"TRY_CAST({v} AS INTEGER) IS NULL", NUMBER_RANGE))
        whens.append((f"TRY_CAST({v} AS INTEGER) < 0", INT_NEGATIVE))
    elif t == "money":
        whens.append((f"NOT {_match(v, _MONEY_SHAPE)}", MONEY_FORMAT))
        whens.append((f"{_match(v, '.*[.][0-9]{3,}')}", MONEY_PLACES))
        whens.append((f"{_money_decimal(v)} IS NULL", MONEY_RANGE))
        if spec.column.positive:
            whens.append((f"{_money_decimal(v)} <= 0", MONEY_POSITIVE))
        elif (spec.table, spec.code) in NON_NEGATIVE_MONEY:
            whens.append((f"{_money_decimal(v)} < 0", MONEY_NEGATIVE))
    elif t == "decimal":
        digits, places = spec.max_digits or 18, spec.decimal_places or 6
        significant = f"regexp_replace({v}, '([.][0-9]*?)0+$', '\\1')"
        whens.append((f"NOT {_match(v, _DECIMAL_SHAPE)}", NUMBER_FORMAT))
        whens.append(
            (
                f"{_match(significant, '.*[.][0-9]{' + str(places + 1) + ',}')}",
                f"小数位数不能超过 {places} 位",
            )
        )
        whens.append((f"TRY_CAST({v} AS DECIMAL({digits}, {places})) IS NULL", NUMBER_RANGE))
    elif t == "date":
        whens.append((f"({_date_text(v)}) IS NULL", DATE_FORMAT))
        whens.append((f"TRY_CAST({_date_text(v)} AS DATE) IS NULL", DATE_INVALID))
    elif t == "month":
        whens.append((f"({_month_text(v)}) IS NULL", MONTH_FORMAT))
        whens.append((f"TRY_CAST({_month_text(v)} AS DATE) IS NULL", MONTH_FORMAT))
    elif t == "bool":
        whens.append((f"({value_sql(spec)}) IS NULL", BOOL_FORMAT))
    elif t == "enum":
        whens.append(
            (f"({_enum_case(v, spec)}) IS NULL", f"取值不在允许范围内，可选：{enum_hint(spec)}")
        )
    if not whens:
        return None
    # A NULL (empty, not required) value is fine for every type; the first WHEN catches required.
    body = " ".join(f"WHEN {cond} THEN {lit(reason)}" for cond, reason in whens)
    if spec.column.required:
        return f"CASE {body} END"
    return f"CASE WHEN {v} IS NULL THEN NULL {body} END"
