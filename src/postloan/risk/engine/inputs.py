"""The engine's inputs: the data-contract tables plus a few optional ones, normalised.

Inputs are tables (or views, or registered Arrow tables) in the caller's DuckDB connection,
named and shaped like the data contract (`postloan.contract`), money as BIGINT fen, dates as
DATE, `tax_invoices.month` as the DATE of the month's first day. Missing columns read as the
contract default (or NULL); missing tables read as empty and the rules that need them report
"not evaluated".

Optional inputs (all may be absent):
- ``event_releases(event_id, released_on)``: an event stops counting from its release date.
- ``classification_history(loan_id, as_of, class, confirmed)``: confirmed classes over time
  (used for "non-performing before restructuring"); else ``loans.classification``.
- ``restructurings(loan_id, restructure_date)``: every restructuring (to see "restructured
  again"); ``loans.restructure_date`` is always added.
- ``prior_signals(rule_id, customer_id, loan_id, status, level)``: signals open from earlier runs.
- ``inspections_due(customer_id, due_date, done_date)``, ``inspection_findings(customer_id,
  found_on, description)``, ``restricted_industries(branch_code, industry_prefix)``.
- ``txn_monthly(account_id, month, direction, category, counterparty_kind, amount_fen, n)``
  and ``txn_detail`` (transactions columns, only the rows EW-FUND-USE / EW-LARGE-OUTFLOW need):
  derived here from ``transactions`` when the caller did not provide them.
- ``repayments`` may be pre-filtered by the loader (see `snapshot.py`): the engine only needs
  instalments unpaid on the as-of date, those falling due soon, contradictory rows, and the
  whole schedule of restructured or non-performing loans.
"""

from __future__ import annotations

from postloan import contract

SQL_TYPES = {
    "str": "VARCHAR",
    "enum": "VARCHAR",
    "int": "BIGINT",
    "money": "BIGINT",
    "decimal": "DECIMAL(18,6)",
    "date": "DATE",
    "month": "DATE",
    "bool": "BOOLEAN",
}

TXN_DETAIL_COLUMNS = (
    ("txn_id", "VARCHAR"),
    ("account_id", "VARCHAR"),
    ("txn_date", "DATE"),
    ("direction", "VARCHAR"),
    ("amount", "BIGINT"),
    ("counterparty_name", "VARCHAR"),
    ("counterparty_account", "VARCHAR"),
    ("summary", "VARCHAR"),
    ("category", "VARCHAR"),
)

OPTIONAL_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "event_releases": (("event_id", "VARCHAR"), ("released_on", "DATE")),
    "classification_history": (
        ("loan_id", "VARCHAR"),
        ("as_of", "DATE"),
        ("class", "VARCHAR"),
        ("confirmed", "BOOLEAN"),
    ),
    "restructurings": (("loan_id", "VARCHAR"), ("restructure_date", "DATE")),
    "prior_signals": (
        ("rule_id", "VARCHAR"),
        ("customer_id", "VARCHAR"),
        ("loan_id", "VARCHAR"),
        ("status", "VARCHAR"),
        ("level", "VARCHAR"),
    ),
    "inspections_due": (("customer_id", "VARCHAR"), ("due_date", "DATE"), ("done_date", "DATE")),
    "inspection_findings": (
        ("customer_id", "VARCHAR"),
        ("found_on", "DATE"),
        ("description", "VARCHAR"),
    ),
    "restricted_industries": (("branch_code", "VARCHAR"), ("industry_prefix", "VARCHAR")),
    "txn_monthly": (
        ("account_id", "VARCHAR"),
        ("month", "DATE"),
        ("direction", "VARCHAR"),
        ("category", "VARCHAR"),
        ("counterparty_kind", "VARCHAR"),
        ("amount_fen", "BIGINT"),
        ("n", "BIGINT"),
    ),
    "txn_detail": TXN_DETAIL_COLUMNS,
}

TABLE_ZH = {t.name: t.label for t in contract.TABLES} | {
    "event_releases": "事件解除记录",
    "classification_history": "分类认定历史",
    "restructurings": "重组记录",
    "prior_signals": "历史预警信号",
    "inspections_due": "贷后检查计划",
    "inspection_findings": "检查发现问题",
    "restricted_industries": "限制类行业名单",
    "txn_monthly": "账户流水（月汇总）",
    "txn_detail": "账户流水（明细）",
}


def columns(name: str) -> tuple[tuple[str, str, str | None], ...]:
    """(column, SQL type, default SQL literal) of an input table."""
    if name in contract.TABLES_BY_NAME:
        out = []
        for col in contract.table(name).columns:
            sql_type = SQL_TYPES[col.type]
            default = None
            if col.default is not None:
                if col.type == "bool":
                    default = "TRUE" if col.default == "true" else "FALSE"
                elif col.type in ("money", "int"):
                    default = str(int(col.default))
                else:
                    default = "'" + col.default.replace("'", "''") + "'"
            out.append((col.code, sql_type, default))
        return tuple(out)
    return tuple((c, t, None) for c, t in OPTIONAL_TABLES[name])


def input_names() -> tuple[str, ...]:
    return tuple(t.name for t in contract.TABLES) + tuple(OPTIONAL_TABLES)


def existing_relations(con) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def existing_columns(con, name: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [name]
    ).fetchall()
    return {r[0] for r in rows}


def normalised_select(con, name: str, present: bool) -> str:
    """A SELECT giving the input with every contract column, typed; empty when absent."""
    cols = columns(name)
    have = existing_columns(con, name) if present else set()
    parts = []
    for code, sql_type, default in cols:
        if code in have:
            expr = f'CAST("{code}" AS {sql_type})'
            if default is not None:
                expr = f"coalesce({expr}, {default})"
            if sql_type == "VARCHAR" and default is None:
                expr = f"nullif(trim({expr}), '')"
        else:
            expr = f"CAST({default or 'NULL'} AS {sql_type})"
        parts.append(f'{expr} AS "{code}"')
    select = ", ".join(parts)
    if present:
        return f'SELECT {select} FROM "{name}"'
    return f"SELECT {select} WHERE FALSE"
