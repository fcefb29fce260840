"""Screening past one machine: the portfolio split by unit subtree across workers, each with its
own DuckDB, the partial results merged into the one result a single run gives.

    plan        `unit_partitions(n)`: the unit tree cut into subtrees, dealt to n partitions
                by customer count (largest first to the lightest); customers of units above
                the cut (a head office's own book) and of unknown units go to partition 0.
    worker k    `screen_partition(as_of, k, n)`: the snapshot (in production read from a
                PostgreSQL read replica), cut down to partition k's customers *and every
                customer linked to them* — same group (集团), guarantor ↔ borrower, related
                party — taken transitively, so that each rule sees all it reads; the engine
                runs on that; only the partition's own customers' rows are kept.
    merge       `merge_results(parts)`: the tables put together; the one global figure — the
                risk view's rank over the whole bank — computed again; rows that belong to
                nobody (a rule not evaluated for anybody) once.

The merged result is persisted as any screening's (`risk.actions.persist_result`). A test
(tests/risk/test_partitioned_screening.py) screens the S demo bank as two partitions and finds
the merged result equal, table by table, to one run's. `python -m postloan.risk.partition
AS_OF N OUT` runs the n workers as n processes side by side and reports their seconds (the
simulation of docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

RESULT_TABLES = (
    "loan_dpd",
    "loan_floors",
    "loan_classification",
    "signals",
    "not_evaluated",
    "risk_view",
    "review_tasks",
    "data_issues",
    "return_months",
    "fund_use_trail",
)
# The columns by which a snapshot row belongs to a customer (directly, or through a loan,
# facility, account, collateral or event of one), in the order they are tried.
LINKS = ("customer_id", "loan_id", "facility_id", "account_id", "collateral_id", "event_id")
RANK_ORDER = "score DESC, exposure_fen DESC, customer_id"


def unit_partitions(n: int) -> list[list[str]]:
    """The unit codes of each of `n` partitions: whole subtrees of the unit tree, cut at the
    shallowest level that has at least `n` units, dealt by customer count."""
    from django.db.models import Count

    from postloan.org.models import Branch
    from postloan.portfolio.models import Customer

    units = list(Branch.objects.values_list("branch_code", "parent_id", "path"))
    if not units or n < 1:
        return [[] for _ in range(max(n, 1))]
    children: dict[str | None, list[str]] = {}
    for code, parent, _ in units:
        children.setdefault(parent, []).append(code)
    level = sorted(children.get(None, []))
    while len(level) < n:
        deeper = sorted(c for code in level for c in children.get(code, []))
        if not deeper:
            break
        level = deeper
    path = {code: p or code for code, _, p in units}
    per_unit = dict(
        Customer.objects.values("branch_id").annotate(n=Count("pk")).values_list("branch_id", "n")
    )

    def subtree(root: str) -> list[str]:
        prefix = path[root]
        return sorted(code for code, p in path.items() if p == prefix or p.startswith(prefix))

    trees = [(root, subtree(root)) for root in level]
    weight = {root: sum(per_unit.get(code, 0) for code in tree) for root, tree in trees}
    parts: list[list[str]] = [[] for _ in range(n)]
    load = [0] * n
    for root, tree in sorted(trees, key=lambda t: (-weight[t[0]], t[0])):
        k = min(range(n), key=lambda i: (load[i], i))
        parts[k].extend(tree)
        load[k] += weight[root]
    placed = {code for part in parts for code in part}
    parts[0].extend(sorted(code for code, _, _ in units if code not in placed))
    return [sorted(part) for part in parts]


def _columns(con, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


def _tables(con) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    ]


def restrict(con, own_units: list[str], first: bool) -> dict[str, int]:
    """Cut the snapshot in `con` down to the customers of `own_units` and every customer linked
    to them; registers `part_own` (the partition's own customers). `first`: this partition also
    owns the customers of no known unit. Returns the sizes."""
    tables = set(_tables(con))
    con.execute("CREATE OR REPLACE TEMP TABLE part_units (branch_code VARCHAR)")
    if own_units:
        con.executemany("INSERT INTO part_units VALUES (?)", [(u,) for u in own_units])
    unknown = (
        "OR c.branch_code IS NULL OR c.branch_code NOT IN (SELECT branch_code FROM branches)"
        if first and "branches" in tables
        else ("OR c.branch_code IS NULL" if first else "")
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE part_own AS SELECT DISTINCT CAST(c.customer_id AS VARCHAR) "
        f"AS customer_id FROM customers c WHERE c.branch_code IN (SELECT branch_code FROM "
        f"part_units) {unknown}"
    )
    edges = []
    if "customers" in tables:
        edges.append(
            "SELECT a.customer_id AS a, b.customer_id AS b FROM customers a JOIN customers b "
            "ON a.group_id = b.group_id AND a.customer_id <> b.customer_id "
            "WHERE coalesce(a.group_id, '') <> ''"
        )
    if "related_parties" in tables:
        edges.append(
            "SELECT customer_id, related_customer_id FROM related_parties "
            "WHERE coalesce(related_customer_id, '') <> ''"
        )
    if "guarantees" in tables and "loans" in tables:
        facility = (
            "UNION ALL SELECT g.guarantor_customer_id, f.customer_id FROM guarantees g "
            "JOIN facilities f ON f.facility_id = g.facility_id "
            "WHERE coalesce(g.guarantor_customer_id, '') <> ''"
            if "facilities" in tables
            else ""
        )
        edges.append(
            "SELECT g.guarantor_customer_id, l.customer_id FROM guarantees g "
            "JOIN loans l ON l.loan_id = g.loan_id "
            f"WHERE coalesce(g.guarantor_customer_id, '') <> '' {facility}"
        )
    edge_sql = (
        " UNION ALL ".join(
            f"SELECT CAST(a AS VARCHAR) AS a, CAST(b AS VARCHAR) AS b FROM ({e}) e(a, b)"
            for e in edges
        )
        or "SELECT NULL::VARCHAR AS a, NULL::VARCHAR AS b WHERE false"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE part_edges AS {edge_sql}")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE part_edges_both AS SELECT a, b FROM part_edges "
        "UNION SELECT b, a FROM part_edges"
    )
    # Every customer reachable from the partition's own (a recursive union stops at the fixpoint).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE part_customers AS
        WITH RECURSIVE reach(customer_id) AS (
            SELECT customer_id FROM part_own
            UNION
            SELECT e.b FROM reach r JOIN part_edges_both e ON e.a = r.customer_id
        ) SELECT DISTINCT customer_id FROM reach
        """
    )
    keys = {
        "customer_id": "SELECT customer_id FROM part_customers",
        "loan_id": _keyed(tables, "loans", "loan_id"),
        "facility_id": _keyed(tables, "facilities", "facility_id"),
        "account_id": _keyed(tables, "accounts", "account_id"),
        "event_id": _keyed(tables, "events", "event_id"),
    }
    for link, select in keys.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE part_{link} AS {select}")
    guarantees = (
        "SELECT CAST(collateral_id AS VARCHAR) FROM guarantees WHERE collateral_id IS NOT NULL AND "
        "(CAST(loan_id AS VARCHAR) IN (SELECT * FROM part_loan_id) OR "
        "CAST(facility_id AS VARCHAR) IN (SELECT * FROM part_facility_id))"
        if "guarantees" in tables
        else "SELECT NULL::VARCHAR WHERE false"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE part_collateral_id AS {guarantees}")
    sizes = {}
    for table in sorted(tables):
        if table.startswith("part_"):
            continue
        columns = [c for c in LINKS if c in _columns(con, table)]
        if not columns:
            continue  # the unit tree, the staff, reference lists: every worker reads them whole
        if "customer_id" in columns:
            columns = ["customer_id"]  # a row of a customer belongs to that customer alone
        keep = " OR ".join(  # a NULL link is no link (not an unknown that keeps the row)
            f"coalesce(CAST({c} AS VARCHAR) IN (SELECT * FROM part_{c}), false)" for c in columns
        )
        unlinked = " AND ".join(f"{c} IS NULL" for c in columns)
        con.execute(f"DELETE FROM {table} WHERE NOT ({keep}) AND NOT ({unlinked})")
        (sizes[table],) = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0]
    (sizes["own_customers"],) = con.execute("SELECT count(*) FROM part_own").fetchall()[0]
    (sizes["linked_customers"],) = con.execute(
        "SELECT count(*) FROM part_customers WHERE customer_id NOT IN (SELECT * FROM part_own)"
    ).fetchall()[0]
    return sizes


def _keyed(tables: set[str], table: str, key: str) -> str:
    if table not in tables:
        return "SELECT NULL::VARCHAR WHERE false"
    return (
        f"SELECT CAST({key} AS VARCHAR) FROM {table} "
        "WHERE CAST(customer_id AS VARCHAR) IN (SELECT customer_id FROM part_customers)"
    )


def own_rows(con, result) -> dict[str, pa.Table]:
    """The partition's share of an engine result: the rows of its own customers (a floor by its
    loan's customer); rows of no customer are kept here and merged once."""
    tables = result.tables()
    out = {}
    classification = tables["loan_classification"]
    con.register("part_cls", classification)
    own_loans_sql = (
        "SELECT loan_id FROM part_cls WHERE customer_id IN (SELECT customer_id FROM part_own)"
    )
    for name in RESULT_TABLES:
        table = tables[name]
        con.register("part_result", table)
        if "customer_id" in table.column_names:
            where = "customer_id IN (SELECT customer_id FROM part_own) OR customer_id IS NULL"
        elif "loan_id" in table.column_names:
            where = f"loan_id IN ({own_loans_sql}) OR loan_id IS NULL"
        else:
            where = "true"
        out[name] = con.sql(f"SELECT * FROM part_result WHERE {where}").to_arrow_table()
        con.unregister("part_result")
    con.unregister("part_cls")
    return out


def screen_partition(
    as_of: dt.date, k: int, n: int, units: list[list[str]] | None = None, connection=None
):
    """Worker k of n: its own snapshot and DuckDB, the engine on its customers and their linked
    ones; returns (its share of the result, the snapshot's sizes). `connection`: the database
    the snapshot is read from (a read replica, `risk.replica.read_connection`)."""
    from postloan.risk.actions.screening import add_workflow_inputs
    from postloan.risk.engine.screen import screen
    from postloan.risk.snapshot import build_snapshot
    from postloan.risk.thresholds import current_thresholds

    units = units if units is not None else unit_partitions(n)
    thresholds = current_thresholds()
    con = build_snapshot(as_of, thresholds, connection=connection)
    try:
        sizes = restrict(con, units[k], first=k == 0)
        add_workflow_inputs(con)
        # `add_workflow_inputs` reads the whole bank's open signals and confirmed classes:
        # cut them too (rows of other partitions' customers are not this worker's inputs).
        for table in ("prior_signals", "classification_history"):
            link = "customer_id" if table == "prior_signals" else "loan_id"
            con.execute(
                f"DELETE FROM {table} WHERE CAST({link} AS VARCHAR) NOT IN "
                f"(SELECT * FROM part_{link})"
            )
        result = screen(con, as_of, thresholds)
        return own_rows(con, result), sizes
    finally:
        con.close()


def merge_results(parts: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    """The partitions' shares as one result: rows of no customer once, the rank over all."""
    con = duckdb.connect()
    try:
        out = {}
        for name in RESULT_TABLES:
            tables = [p[name] for p in parts if p.get(name) is not None]
            tables = [t for t in tables if t.num_columns]
            if not tables:
                out[name] = pa.table({})
                continue
            merged = pa.concat_tables(tables, promote_options="default")
            con.register("merged", merged)
            shared = (
                "customer_id IS NULL"
                if "customer_id" in merged.column_names
                else ("loan_id IS NULL" if "loan_id" in merged.column_names else "true")
            )
            table = con.sql(
                f"SELECT * FROM merged WHERE NOT ({shared}) UNION ALL "
                f"SELECT DISTINCT * FROM merged WHERE {shared}"
            ).to_arrow_table()
            con.unregister("merged")
            if name == "risk_view" and table.num_rows:
                con.register("views", table)
                table = con.sql(
                    f"SELECT * REPLACE (row_number() OVER (ORDER BY {RANK_ORDER}) AS rank) "
                    "FROM views ORDER BY rank"
                ).to_arrow_table()
                con.unregister("views")
            out[name] = table
        return out
    finally:
        con.close()


# --- the simulation: n workers as n processes ------------------------------------------------


def write_share(as_of: dt.date, k: int, n: int, out: Path, connection=None) -> dict:
    """Worker k of n screened, its share written under `out/part-k` (Parquet per result table,
    and `report.json`: seconds and snapshot sizes); returns the report. `out` must be a folder
    every worker and the coordinator see (one machine, or a shared mount)."""
    started = time.perf_counter()
    share, sizes = screen_partition(as_of, k, n, connection=connection)
    folder = Path(out) / f"part-{k}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in share.items():
        pq.write_table(table, folder / f"{name}.parquet")
    report = {"partition": k, "seconds": round(time.perf_counter() - started, 2), "sizes": sizes}
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return report


def read_shares(out: Path, n: int) -> tuple[list[dict[str, pa.Table]], list[dict]]:
    """The n workers' shares and reports as `write_share` left them."""
    parts, reports = [], []
    for k in range(n):
        folder = Path(out) / f"part-{k}"
        parts.append({name: pq.read_table(folder / f"{name}.parquet") for name in RESULT_TABLES})
        reports.append(json.loads((folder / "report.json").read_text(encoding="utf-8")))
    return parts, reports


def _worker_main(as_of: str, k: int, n: int, out: str) -> None:
    import django

    django.setup()
    write_share(dt.date.fromisoformat(as_of), k, n, Path(out))


def run_workers(as_of: dt.date, n: int, out: Path) -> dict:
    """Start the n workers side by side (one process each, as n queue workers would run them),
    wait, merge their shares; returns the merged result and the seconds."""
    started = time.perf_counter()
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "postloan.risk.partition",
                "worker",
                as_of.isoformat(),
                str(k),
                str(n),
                str(out),
            ],
            env=env,
        )
        for k in range(n)
    ]
    codes = [p.wait() for p in procs]
    if any(codes):
        raise RuntimeError(f"分区筛查进程失败：退出码 {codes}")
    workers_s = time.perf_counter() - started
    parts, reports = read_shares(out, n)
    t0 = time.perf_counter()
    merged = merge_results(parts)
    return {
        "result": merged,
        "workers_s": round(workers_s, 2),
        "merge_s": round(time.perf_counter() - t0, 2),
        "partitions": reports,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    if sys.argv[1] == "worker":
        _worker_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        import django

        django.setup()
        day, count, folder = dt.date.fromisoformat(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
        done = run_workers(day, count, folder)
        print(
            json.dumps(
                {k: v for k, v in done.items() if k != "result"}
                | {"rows": {k: t.num_rows for k, t in done["result"].items()}},
                ensure_ascii=False,
            )
        )
