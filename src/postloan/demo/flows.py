"""The big tables, set-based in DuckDB: repayments, loans (balances), transactions, balances.

Python hands over small driver tables (one row per loan, per account, per month, per story
customer); DuckDB expands them with `range()` and deterministic `hash(seed, ...)` draws and
COPYs the result to CSV in chunks, so the L bank streams to disk with bounded memory.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from postloan.demo.names import INDUSTRIES, REGIONS, SUPPLIER_WORDS, TRADE_NAMES, person_name
from postloan.demo.state import DemoBank, add_months
from postloan.demo.trends import SEASON, balance_factor, frozen, inflow_factor

MONTHS = 18  # transaction history: the as-of month and the 17 before it
RESTRICTED_WORDS = ("房地产", "置业", "地产", "证券", "期货")

# money fen → yuan with 2 decimals in the CSV
Y = "(({x}) / 100)::DECIMAL(18,2)"


def _y(expr: str) -> str:
    return Y.format(x=expr)


def _u(bank: DemoBank, *parts: str) -> str:
    """A deterministic uniform [0, 1) draw from the seed and the given SQL expressions."""
    return f"((hash({bank.seed}, {', '.join(parts)}) % 1000003) / 1000003.0)"


def connect(work_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET memory_limit = '2GB'")
    con.execute(f"SET temp_directory = '{work_dir.as_posix()}'")
    con.execute("SET preserve_insertion_order = false")  # every COPY has its ORDER BY
    return con


def _register(con, name: str, columns: dict[str, list], types: dict[str, pa.DataType]):
    arrays = {k: pa.array(v, type=types.get(k)) for k, v in columns.items()}
    con.register(name + "_arrow", pa.table(arrays))
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(name + "_arrow")


def _copy(con, sql: str, out: Path, header: bool) -> None:
    con.execute(f"COPY ({sql}) TO '{out.as_posix()}' (FORMAT csv, HEADER {str(header).lower()})")


def _append(parts: list[Path], out: Path) -> None:
    with out.open("wb") as target:
        for part in parts:
            with part.open("rb") as source:
                shutil.copyfileobj(source, target, 1 << 20)
            part.unlink()


def write_flows(bank: DemoBank, out_dir: Path) -> dict[str, int]:
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".duckdb-") as tmp:
        con = connect(Path(tmp))
        try:
            _drivers(bank, con)
            counts = _repayments_and_loans(bank, con, out_dir, Path(tmp))
            counts["transactions"] = _transactions(bank, con, out_dir, Path(tmp))
            counts["account_balances"] = _balances(bank, con, out_dir)
        finally:
            con.close()
    return counts


def _drivers(bank: DemoBank, con) -> None:
    acct_idx = {row[0]: i for i, row in enumerate(bank.account_rows)}
    loans = bank.loans
    _register(
        con,
        "loan_drv",
        {
            "loan_idx": [x.idx for x in loans],
            "loan_id": [x.loan_id for x in loans],
            "customer_id": [x.customer.customer_id for x in loans],
            "facility_id": [x.facility_id or None for x in loans],
            "product": [x.product for x in loans],
            "principal": [x.principal_fen for x in loans],
            "rate": [x.rate or None for x in loans],
            "rate_ppm": [round(float(x.rate) * 1_000_000) if x.rate else 0 for x in loans],
            "start_date": [x.start for x in loans],
            "maturity_date": [x.maturity for x in loans],
            "freq": [x.freq for x in loans],
            "n": [x.n_inst for x in loans],
            "anchor": [x.anchor for x in loans],
            "anchor_k": [x.anchor_k for x in loans],
            "unpaid_from": [x.unpaid_from for x in loans],
            "guarantee_method": [x.guarantee_method for x in loans],
            "purpose": [x.purpose or None for x in loans],
            "payment_method": [x.payment_method or None for x in loans],
            "deposit_ratio": [x.deposit_ratio or None for x in loans],
            "classification": [x.classification for x in loans],
            "restructured": [x.restructured for x in loans],
            "restructure_date": [x.restructure_date for x in loans],
            "credit_impaired": [x.credit_impaired for x in loans],
            "ecl_permille": [
                x.ecl_permille or (10 if x.classification == "normal" else 50) for x in loans
            ],
            "acct_idx": [acct_idx.get(x.customer.settlement_account, -1) for x in loans],
            "account_id": [x.customer.settlement_account for x in loans],
        },
        {"principal": pa.int64()},
    )

    # Accounts: expected monthly inflow and how many movements a month.
    rng_rows = []
    margin_fen: dict[int, int] = {}
    for x in loans:
        if x.product == "bank_acceptance" and x.maturity > bank.as_of:
            margin_fen[x.customer.idx] = margin_fen.get(x.customer.idx, 0) + int(
                x.principal_fen * float(x.deposit_ratio or 0)
            )
    scale = bank.scale
    for i, (account_id, cust_idx, ctype, atype, opened) in enumerate(bank.account_rows):
        c = bank.customers[cust_idx]
        if ctype == "corporate":
            base = int(c.monthly_revenue_fen * 1.13 * (0.8 if atype == "settlement" else 0.2))
            n = (
                scale.corporate_txn_per_month
                if atype == "settlement"
                else max(2, scale.corporate_txn_per_month // 4)
            )
            if atype == "margin":
                base, n = 0, 0
        else:
            base = (8_000 + (hash_int(bank.seed, i) % 25_000)) * 100
            n = scale.retail_txn_per_month
        rng_rows.append(
            (i, account_id, cust_idx, ctype, atype, opened, base, n, margin_fen.get(cust_idx, 0))
        )
    cols = list(zip(*rng_rows, strict=True)) if rng_rows else [[]] * 9
    _register(
        con,
        "acct_drv",
        {
            "acct_idx": list(cols[0]),
            "account_id": list(cols[1]),
            "customer_idx": list(cols[2]),
            "ctype": list(cols[3]),
            "atype": list(cols[4]),
            "opened": list(cols[5]),
            "base_in": list(cols[6]),
            "n_month": list(cols[7]),
            "margin_fen": list(cols[8]),
        },
        {"base_in": pa.int64(), "margin_fen": pa.int64()},
    )

    first = add_months(date(bank.as_of.year, bank.as_of.month, 1), -(MONTHS - 1))
    months = []
    for m in range(MONTHS):
        start = add_months(first, m)
        end = min(add_months(start, 1) - timedelta(days=1), bank.as_of)
        months.append(
            (
                m,
                start,
                end,
                (end - start).days + 1,
                int(SEASON[start.month - 1] * 1000),
                MONTHS - 1 - m,
            )
        )
    mcols = list(zip(*months, strict=True))
    _register(
        con,
        "months",
        {
            "month_idx": list(mcols[0]),
            "month_start": list(mcols[1]),
            "month_end": list(mcols[2]),
            "days": list(mcols[3]),
            "season": list(mcols[4]),
            "months_ago": list(mcols[5]),
        },
        {},
    )

    # Story customers: per month factors for inflow and balance, and frozen flags.
    f_rows = []
    for c in bank.customers:
        if not c.stories:
            continue
        for ago in range(MONTHS):
            fin, fbal, frz = inflow_factor(c, ago), balance_factor(c, ago), frozen(c, ago)
            if fin != 1.0 or fbal != 1.0 or frz:
                f_rows.append((c.idx, ago, int(fin * 1000), int(fbal * 1000), frz))
    fcols = list(zip(*f_rows, strict=True)) if f_rows else [[]] * 5
    _register(
        con,
        "cust_factor",
        {
            "customer_idx": list(fcols[0]),
            "months_ago": list(fcols[1]),
            "fin": list(fcols[2]),
            "fbal": list(fcols[3]),
            "frozen": list(fcols[4]),
        },
        {
            "customer_idx": pa.int64(),
            "months_ago": pa.int64(),
            "fin": pa.int64(),
            "fbal": pa.int64(),
            "frozen": pa.bool_(),
        },
    )

    # Counterparties: buyers and suppliers (companies), and people.

    rng = random.Random(bank.seed * 7919 + 17)
    names, accounts, people = [], [], []
    seen = set()
    # Everyday trade partners: no property developers or brokers (those are the stories).
    trades = [i[1] for i in INDUSTRIES if not any(k in i[1] for k in RESTRICTED_WORDS)]
    while len(names) < 3000:
        _, prefix = rng.choice(REGIONS)
        word = rng.choice(SUPPLIER_WORDS) if rng.random() < 0.5 else rng.choice(trades)
        name = prefix + rng.choice(TRADE_NAMES) + word + "有限公司"
        if name in seen:
            continue
        seen.add(name)
        names.append(name)
        accounts.append("1202" + "".join(str(rng.randrange(10)) for _ in range(15)))
        people.append(person_name(rng))
    _register(
        con,
        "cp",
        {"i": list(range(len(names))), "name": names, "account": accounts, "person": people},
        {},
    )
    special = bank.special_txns
    scols = list(zip(*special, strict=True)) if special else [[]] * 9
    _register(
        con,
        "special_txn",
        {
            "txn_id": list(scols[0]),
            "account_id": list(scols[1]),
            "txn_date": list(scols[2]),
            "direction": list(scols[3]),
            "amount": list(scols[4]),
            "cp_name": list(scols[5]),
            "cp_account": list(scols[6]),
            "summary": list(scols[7]),
            "category": [c or None for c in scols[8]],
        },
        {"amount": pa.int64(), "txn_date": pa.date32()},
    )
    con.execute(
        "CREATE OR REPLACE TABLE extra_txn AS SELECT a.acct_idx, s.* FROM special_txn s "
        "JOIN acct_drv a USING (account_id)"
    )
    con.execute("CREATE OR REPLACE TABLE paid_agg (loan_idx INTEGER, paid BIGINT)")


def hash_int(seed: int, i: int) -> int:
    """A cheap deterministic integer mix (Python side, for per-account constants)."""
    x = (seed * 0x9E3779B1 + i * 0x85EBCA77) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & 0xFFFFFFFF
    x ^= x >> 12
    return x


def _repayments_and_loans(bank: DemoBank, con, out_dir: Path, tmp: Path) -> dict[str, int]:
    as_of = bank.as_of.isoformat()
    window = add_months(date(bank.as_of.year, bank.as_of.month, 1), -(MONTHS - 1)).isoformat()
    chunk = bank.scale.chunk_loans
    parts = []
    rows = 0
    for n, lo in enumerate(range(0, max(len(bank.loans), 1), chunk)):
        hi = lo + chunk
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE sched AS
            WITH s AS (
                SELECT l.loan_idx, l.loan_id, l.principal, l.rate_ppm, l.freq, l.n, l.anchor, l.anchor_k,
                       l.unpaid_from, l.acct_idx, l.account_id, k,
                       CAST(anchor + to_months(CAST((k - anchor_k) * freq AS INTEGER)) AS DATE) AS due_date,
                       principal // n AS p_inst
                FROM (SELECT *, unnest(range(n)) AS k FROM loan_drv
                      WHERE loan_idx >= {lo} AND loan_idx < {hi}) l
            ), d AS (
                SELECT *,
                       CASE WHEN k = n - 1 THEN principal - (n - 1) * p_inst ELSE p_inst END AS principal_due,
                       ((principal - k * p_inst) * rate_ppm * freq + 6000000) // 12000000 AS interest_due,
                       due_date <= DATE '{as_of}'
                           AND (unpaid_from IS NULL OR due_date < unpaid_from) AS paid
                FROM s
            )
            SELECT *,
                   CASE WHEN paid THEN principal_due ELSE 0 END AS principal_paid,
                   CASE WHEN paid THEN interest_due
                        WHEN due_date = unpaid_from AND due_date < DATE '{as_of}' THEN interest_due // 2
                        ELSE 0 END AS interest_paid,
                   CASE WHEN paid THEN CAST(due_date - CAST(hash({bank.seed}, loan_idx, k) % 3 AS INTEGER) AS DATE)
                   END AS paid_off_date
            FROM d
        """)
        part = tmp / f"repayments.{n}.csv"
        _copy(
            con,
            f"""SELECT loan_id, due_date, {_y("principal_due")} AS principal_due,
                       {_y("interest_due")} AS interest_due, {_y("principal_paid")} AS principal_paid,
                       {_y("interest_paid")} AS interest_paid, paid_off_date
                FROM sched ORDER BY loan_idx, k""",
            part,
            header=(n == 0),
        )
        parts.append(part)
        rows += con.execute("SELECT count(*) FROM sched").fetchall()[0][0]
        con.execute(
            "INSERT INTO paid_agg SELECT loan_idx, sum(principal_paid) FROM sched GROUP BY loan_idx"
        )
        con.execute(f"""
            INSERT INTO extra_txn
            SELECT acct_idx, printf('R%09d%04d', loan_idx, k), account_id,
                   coalesce(paid_off_date, due_date), 'out', principal_paid + interest_paid,
                   '钱塘商业银行杭州分行贷款核算户', '330100000000002',
                   CASE WHEN principal_paid > 0 THEN '贷款还本付息' ELSE '贷款利息' END,
                   CASE WHEN hash({bank.seed}, loan_idx, k, 7) % 100 < 10 THEN NULL
                        ELSE 'loan_repayment' END
            FROM sched
            WHERE acct_idx >= 0 AND principal_paid + interest_paid > 0
              AND coalesce(paid_off_date, due_date) >= DATE '{window}'
              AND coalesce(paid_off_date, due_date) <= DATE '{as_of}'
        """)
        con.execute("DROP TABLE sched")
    _append(parts, out_dir / "repayments.csv")

    _copy(
        con,
        f"""
        WITH b AS (
            SELECT l.*, principal - coalesce(p.paid, 0) AS balance
            FROM loan_drv l LEFT JOIN paid_agg p USING (loan_idx)
        )
        SELECT loan_id, customer_id, facility_id, product, {_y("principal")} AS principal,
               {_y("balance")} AS balance, 'CNY' AS currency, rate AS interest_rate,
               start_date, maturity_date, guarantee_method, purpose, payment_method, deposit_ratio,
               CASE WHEN balance = 0 THEN 'normal' ELSE classification END AS classification,
               restructured, restructure_date,
               credit_impaired AND balance > 0 AS credit_impaired,
               CASE WHEN balance > 0 THEN {_y("balance * ecl_permille // 1000")} END AS ecl_amount,
               CASE WHEN balance = 0 THEN 'settled' ELSE 'active' END AS status
        FROM b ORDER BY loan_idx
        """,
        out_dir / "loans.csv",
        header=True,
    )
    return {"repayments": rows, "loans": len(bank.loans)}


CATEGORY_SUMMARIES = {
    "sales_proceeds": "['货款', '销售回款', '收货款']",
    "purchase": "['采购材料款', '支付货款', '货款']",
    "salary": "['工资', '代发工资']",
    "tax": "['税费', '增值税', '企业所得税']",
    "other_out": "['手续费', '水电费', '租金']",
    "retail_out": "['消费', '转账', '缴费']",
}


def _transactions(bank: DemoBank, con, out_dir: Path, tmp: Path) -> int:
    chunk = bank.scale.chunk_accounts
    n_accounts = len(bank.account_rows)
    parts = []
    rows = 0
    u_dir = _u(bank, "acct_idx", "month_idx", "j", "1")
    u_cat = _u(bank, "acct_idx", "month_idx", "j", "2")
    u_amt = _u(bank, "acct_idx", "month_idx", "j", "3")
    h_pick = f"hash({bank.seed}, acct_idx, month_idx, j, 4)"
    cs = CATEGORY_SUMMARIES
    for n, lo in enumerate(range(0, max(n_accounts, 1), chunk)):
        hi = lo + chunk
        sql = f"""
        WITH am AS (
            SELECT a.*, m.month_idx, m.month_start, m.month_end, m.days, m.season, m.months_ago,
                   coalesce(f.fin, 1000) AS fin,
                   CAST(a.n_month * m.season // 1000 AS BIGINT) AS n_txn
            FROM acct_drv a CROSS JOIN months m
            LEFT JOIN cust_factor f ON f.customer_idx = a.customer_idx AND f.months_ago = m.months_ago
            WHERE a.acct_idx >= {lo} AND a.acct_idx < {hi} AND a.opened <= m.month_end
              AND a.n_month > 0
        ), t AS (
            SELECT *, unnest(range(n_txn)) AS j FROM am
        ), d AS (
            SELECT *, (j + {u_dir}) / greatest(n_txn, 1) AS ud, {u_cat} AS uc, {u_amt} AS ua, CAST({h_pick} % 1000000007 AS BIGINT) AS hp,
                   base_in * fin // 1000 * season // 1000 AS month_in
            FROM t
        ), c AS (
            SELECT *,
                CASE WHEN ctype = 'corporate' THEN
                    CASE WHEN ud < 0.42 THEN (CASE WHEN uc < 0.93 THEN 'sales_proceeds' ELSE 'other_in' END)
                         WHEN uc < 0.62 THEN 'purchase' WHEN uc < 0.78 THEN 'salary'
                         WHEN uc < 0.90 THEN 'tax' ELSE 'other_out' END
                ELSE CASE WHEN ud < 0.3 THEN 'salary_in' ELSE 'retail_out' END END AS kind
            FROM d
        ), g AS (
            SELECT acct_idx, month_idx, j, account_id,
                CAST(month_start + CAST(hp % days AS INTEGER) AS DATE) AS txn_date,
                CASE WHEN kind IN ('sales_proceeds', 'other_in', 'salary_in') THEN 'in' ELSE 'out' END AS direction,
                greatest(100, CAST(month_in * (0.6 + 0.8 * ua) / greatest(n_txn, 1) *
                    CASE kind WHEN 'sales_proceeds' THEN 1.0 / 0.42 / 0.93 * 0.95
                              WHEN 'other_in' THEN 1.0 / 0.42 / 0.07 * 0.05
                              WHEN 'purchase' THEN 0.70 / 0.58 / 0.62
                              WHEN 'salary' THEN 0.12 / 0.58 / 0.16
                              WHEN 'tax' THEN 0.08 / 0.58 / 0.12
                              WHEN 'other_out' THEN 0.06 / 0.58 / 0.10
                              WHEN 'salary_in' THEN 1.0 / 0.3
                              ELSE 0.9 / 0.7 END AS BIGINT) // 100 * 100) AS amount,
                kind, hp, customer_idx
            FROM c
        ), out AS (
            SELECT g.acct_idx, printf('T%08d%02d%04d', g.acct_idx, g.month_idx, g.j) AS txn_id,
                g.account_id, g.txn_date, g.direction, g.amount,
                CASE g.kind
                    WHEN 'salary' THEN '代发工资专户'
                    WHEN 'tax' THEN '国家金库杭州市中心支库'
                    WHEN 'other_out' THEN '杭州市公共服务缴费中心'
                    WHEN 'retail_out' THEN (CASE WHEN g.hp % 3 = 0 THEN '财付通支付科技有限公司'
                                                 WHEN g.hp % 3 = 1 THEN '支付宝（中国）网络技术有限公司'
                                                 ELSE p.person END)
                    ELSE p.name END AS counterparty_name,
                CASE WHEN g.kind IN ('salary', 'tax', 'other_out') THEN NULL ELSE p.account END
                    AS counterparty_account,
                CASE g.kind
                    WHEN 'sales_proceeds' THEN {cs["sales_proceeds"]}[1 + g.hp % 3]
                    WHEN 'other_in' THEN '利息收入'
                    WHEN 'purchase' THEN {cs["purchase"]}[1 + g.hp % 3]
                    WHEN 'salary' THEN {cs["salary"]}[1 + g.hp % 2]
                    WHEN 'salary_in' THEN {cs["salary"]}[1 + g.hp % 2]
                    WHEN 'tax' THEN {cs["tax"]}[1 + g.hp % 3]
                    WHEN 'other_out' THEN {cs["other_out"]}[1 + g.hp % 3]
                    ELSE {cs["retail_out"]}[1 + g.hp % 3] END AS summary,
                CASE WHEN (g.hp // 7) % 100 < 8 THEN NULL
                     WHEN g.kind IN ('other_in', 'other_out', 'retail_out') THEN 'other'
                     WHEN g.kind = 'salary_in' THEN 'salary'
                     ELSE g.kind END AS category
            FROM g JOIN cp p ON p.i = (g.customer_idx * 37 +
                CASE WHEN g.kind = 'purchase' THEN 1500 + (g.hp // 11) % 15 ELSE (g.hp // 11) % 12 END) % 3000
            UNION ALL
            SELECT acct_idx, txn_id, account_id, txn_date, direction, amount, cp_name, cp_account,
                   summary, category
            FROM extra_txn WHERE acct_idx >= {lo} AND acct_idx < {hi}
        )
        SELECT txn_id, account_id, txn_date, direction, {_y("amount")} AS amount,
               counterparty_name, counterparty_account, summary, category
        FROM out ORDER BY acct_idx, txn_date, txn_id
        """
        part = tmp / f"transactions.{n}.csv"
        _copy(con, sql, part, header=(n == 0))
        parts.append(part)
    _append(parts, out_dir / "transactions.csv")
    with (out_dir / "transactions.csv").open("rb") as fh:
        rows = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1
    return rows


def _balances(bank: DemoBank, con, out_dir: Path) -> int:
    u = _u(bank, "a.acct_idx", "m.month_idx", "9")
    sql = f"""
        SELECT a.account_id, m.month_end AS balance_date,
               {_y(f"CASE WHEN a.atype = 'margin' THEN a.margin_fen ELSE CAST(a.base_in * (0.15 + 0.6 * {u}) * coalesce(f.fbal, 1000) // 1000 AS BIGINT) // 100 * 100 END")} AS balance,
               coalesce(f.frozen, false) AS frozen
        FROM acct_drv a CROSS JOIN months m
        LEFT JOIN cust_factor f ON f.customer_idx = a.customer_idx AND f.months_ago = m.months_ago
        WHERE a.opened <= m.month_end
        ORDER BY a.acct_idx, m.month_idx
    """
    _copy(con, sql, out_dir / "account_balances.csv", header=True)
    return con.execute(
        "SELECT count(*) FROM acct_drv a CROSS JOIN months m WHERE a.opened <= m.month_end"
    ).fetchall()[0][0]
