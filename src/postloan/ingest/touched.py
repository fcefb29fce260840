"""Which customers a batch carries rows of — what the worklist re-plans after a delta day.

A daily delta (one business day of flows, repayments and balances, a few changed master rows)
touches a small part of the bank; the worklist's re-plan after it need not read every
customer (`worklist.planning`, scope). Here, inside the import's transaction and after its
writes, the batch's own rows name their customers: directly (`customer_id`), through the loan
(`loan_id`) or the account (`account_id`) — looked up in the database, which holds the batch
by now, for the batch's distinct ids only, so the cost follows the batch's size.

`None` — a first load, or more customers than `MAX_LISTED` — means "not listed": a re-plan of
everything is then as cheap as a list.
"""

from __future__ import annotations

from django.db import connection

from postloan import contract
from postloan.ingest.sql import ident
from postloan.ingest.stage import Stage
from postloan.portfolio.models import Account, Loan

MAX_LISTED = 20_000
CHUNK = 5_000
THROUGH = {"loan_id": Loan, "account_id": Account}


def customers(stage: Stage, *, first_load: bool) -> list[str] | None:
    """The sorted customer ids of the batch's rows, or None (see the module's text)."""
    if first_load:
        return None
    found: set[str] = set()
    keys: dict[str, set[str]] = {"loan_id": set(), "account_id": set()}
    for t in contract.LOAD_ORDER:
        if not stage.usable(t):
            continue
        columns = stage.files[t].columns
        column = next((c for c in ("customer_id", "loan_id", "account_id") if c in columns), None)
        if column is None:
            continue
        ids = stage.con.execute(
            f"SELECT DISTINCT CAST({ident(column)} AS VARCHAR) FROM typed_{t} "
            f"WHERE {ident(column)} IS NOT NULL LIMIT {MAX_LISTED + 1}"
        ).fetchall()
        target = found if column == "customer_id" else keys[column]
        target.update(i for (i,) in ids)
        if len(found) > MAX_LISTED or any(len(k) > MAX_LISTED for k in keys.values()):
            return None
    for column, ids in keys.items():
        found |= _owners(THROUGH[column], sorted(ids))
        if len(found) > MAX_LISTED:
            return None
    return sorted(found)


def _owners(model, ids: list[str]) -> set[str]:
    meta = model._meta
    key, owner = meta.pk.column, meta.get_field("customer").column
    out: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT DISTINCT {owner} FROM {meta.db_table} WHERE {key} IN ({marks})", part
            )
            out.update(c for (c,) in cursor.fetchall() if c)
    return out
