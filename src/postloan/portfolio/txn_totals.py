"""`txn_month_totals`, the monthly sums of `transactions`, kept exact by database triggers.

    transactions ──(row triggers: insert / update / delete)──► txn_month_totals
                                                               (account, month, direction,
                                                                category) → n, amount, last_date

Screening needs 13+ months of flows per account, summed by month (11 M flows at scale M);
grouping them on every screening was most of its time. The triggers make every writer — the
importer's upserts, the admin, a restore, the tests' factories — keep the totals right without
knowing about them. A first load into an empty `transactions` table suspends the triggers and
writes the totals in one set-based insert instead (`suspended()`, used by the importer); the
suspension is part of the caller's transaction, so a failed import restores the triggers too.

`rebuild()` recomputes everything from `transactions` (after a JSON restore, or by hand:
`postloan rebuild-txn-totals`).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from postloan.core.bulk import checks_done

TABLE = "txn_month_totals"
COLUMNS = ("account_id", "month", "direction", "category", "n", "amount_fen", "last_date")
GROUP = "account_id, month, direction, category"


def category_sql(column: str) -> str:
    """The category as screening groups it: an empty one counts as 'other'."""
    return f"COALESCE(NULLIF({column}, ''), 'other')"


def month_sql(column: str, vendor: str | None = None) -> str:
    """The first day of `column`'s month, as each database stores a DateField."""
    if (vendor or connection.vendor) == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"substr({column}, 1, 7) || '-01'"


# --- SQLite: three triggers, dropped and re-created to suspend them --------------------------

_SQLITE_ADD = f"""
    INSERT INTO {TABLE} (account_id, month, direction, category, n, amount_fen, last_date)
    VALUES (NEW.account_id, {month_sql("NEW.txn_date", "sqlite")}, NEW.direction,
            {category_sql("NEW.category")},
            1, NEW.amount, NEW.txn_date)
    ON CONFLICT ({GROUP}) DO UPDATE SET n = n + 1, amount_fen = amount_fen + excluded.amount_fen,
        last_date = max(last_date, excluded.last_date);
"""
_SQLITE_SUBTRACT = f"""
    UPDATE {TABLE} SET n = n - 1, amount_fen = amount_fen - OLD.amount
    WHERE account_id = OLD.account_id AND month = {month_sql("OLD.txn_date", "sqlite")}
      AND direction = OLD.direction AND category = {category_sql("OLD.category")};
"""
SQLITE_TRIGGERS = {
    "txn_month_totals_ins": f"AFTER INSERT ON transactions BEGIN {_SQLITE_ADD} END",
    "txn_month_totals_del": f"AFTER DELETE ON transactions BEGIN {_SQLITE_SUBTRACT} END",
    "txn_month_totals_upd": (
        "AFTER UPDATE OF account_id, txn_date, direction, category, amount ON transactions "
        f"BEGIN {_SQLITE_SUBTRACT} {_SQLITE_ADD} END"
    ),
}

# --- PostgreSQL: one row trigger, disabled by `ALTER TABLE … DISABLE TRIGGER` to suspend it --

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION txn_month_totals_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE {TABLE} SET n = n - 1, amount_fen = amount_fen - OLD.amount
        WHERE account_id = OLD.account_id AND month = {month_sql("OLD.txn_date", "postgresql")}
          AND direction = OLD.direction AND category = {category_sql("OLD.category")};
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO {TABLE} AS t (account_id, month, direction, category, n, amount_fen, last_date)
        VALUES (NEW.account_id, {month_sql("NEW.txn_date", "postgresql")}, NEW.direction,
                {category_sql("NEW.category")}, 1, NEW.amount, NEW.txn_date)
        ON CONFLICT ({GROUP}) DO UPDATE SET n = t.n + 1,
            amount_fen = t.amount_fen + EXCLUDED.amount_fen,
            last_date = GREATEST(t.last_date, EXCLUDED.last_date);
    END IF;
    RETURN NULL;
END
$$;
"""
PG_TRIGGER = (
    "CREATE TRIGGER txn_month_totals_sync AFTER INSERT OR UPDATE OR DELETE ON transactions "
    "FOR EACH ROW EXECUTE FUNCTION txn_month_totals_sync()"
)


def install(schema_editor=None) -> None:
    """Create the triggers (idempotent)."""
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute(PG_FUNCTION)
            cur.execute("DROP TRIGGER IF EXISTS txn_month_totals_sync ON transactions")
            cur.execute(PG_TRIGGER)
        else:
            for name, body in SQLITE_TRIGGERS.items():
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
                cur.execute(f"CREATE TRIGGER {name} {body}")


def uninstall(schema_editor=None) -> None:
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute("DROP TRIGGER IF EXISTS txn_month_totals_sync ON transactions")
            cur.execute("DROP FUNCTION IF EXISTS txn_month_totals_sync()")
        else:
            for name in SQLITE_TRIGGERS:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")


@contextmanager
def suspended():
    """Switch the triggers off for a bulk write that maintains the totals itself. Call inside
    the transaction that does the write: the triggers come back with its commit or rollback.

    PostgreSQL: `ALTER TABLE … DISABLE TRIGGER` (blocks other writers of `transactions`, not
    its readers, until the commit): the trigger is not called at all. SQLite: the triggers are
    dropped. When the body fails, nothing is put back here: the rollback of the caller's
    transaction (or savepoint) restores them, and a statement on an aborted PostgreSQL
    transaction would only hide the body's error behind its own."""
    if not connection.in_atomic_block:
        raise RuntimeError("txn_totals.suspended() must run inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur, checks_done(cur):
            cur.execute("ALTER TABLE transactions DISABLE TRIGGER txn_month_totals_sync")
        yield
        with connection.cursor() as cur, checks_done(cur):
            cur.execute("ALTER TABLE transactions ENABLE TRIGGER txn_month_totals_sync")
        return
    with connection.cursor() as cur:
        for name in SQLITE_TRIGGERS:
            cur.execute(f"DROP TRIGGER IF EXISTS {name}")
    yield
    install()


def rebuild() -> int:
    """Recompute every total from `transactions`; returns the number of groups."""
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(
            f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) "
            f"SELECT account_id, {month_sql('txn_date')}, direction, {category_sql('category')}, "
            f"COUNT(*), SUM(amount), MAX(txn_date) FROM transactions GROUP BY account_id, "
            f"{month_sql('txn_date')}, direction, {category_sql('category')}"
        )
        cur.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return int(cur.fetchone()[0])


def duckdb_select(view: str, vendor: str | None = None) -> str:
    """The totals of a DuckDB relation of transactions (the importer's first load), in the
    column order of `COLUMNS`; dates as text on SQLite, as dates on PostgreSQL."""
    month = "CAST(date_trunc('month', CAST(txn_date AS DATE)) AS DATE)"
    last = "MAX(CAST(txn_date AS DATE))"
    if (vendor or connection.vendor) != "postgresql":
        month, last = f"CAST({month} AS VARCHAR)", f"CAST({last} AS VARCHAR)"
    return (
        f"SELECT account_id, {month} AS month, direction, {category_sql('category')} AS category, "
        f"COUNT(*) AS n, "
        f"SUM(amount) AS amount_fen, {last} AS last_date FROM {view} "
        f"GROUP BY ALL"
    )
