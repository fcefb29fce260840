"""The stories are in the data, not only in stories.json."""

from datetime import date

import duckdb

from postloan import contract
from tests.demo.conftest import AS_OF, csv_relation, loan_dpd, stories


def _q(folder, sql, **tables):
    con = duckdb.connect()
    for name in tables.values():
        sql = sql.replace("{" + name + "}", csv_relation(con, folder, name))
    return con.execute(sql).fetchall()


def test_it_lays_a_dpd_ladder_with_the_boundary_values(xs_bank):
    dpd = loan_dpd(xs_bank)
    ladder = stories(xs_bank)["dpd_ladder"]["dpd"]
    for loan_id, expected in ladder.items():
        assert dpd[loan_id] == expected, loan_id
    values = set(dpd.values())
    assert {1, 7, 8, 30, 31, 90, 91, 180, 270, 271, 360, 361, 400} <= values


def test_it_classifies_mostly_by_dpd_with_a_few_disagreements(s_bank):
    dpd = loan_dpd(s_bank)
    rows = _q(s_bank, "SELECT loan_id, classification, status FROM {loans}", t="loans")
    classes = {r[1] for r in rows}
    assert classes == {code for code, _ in contract.CLASSES}

    def by_dpd(d):
        return (
            "loss"
            if d > 360
            else "doubtful"
            if d > 270
            else "substandard"
            if d > 90
            else ("special_mention" if d >= 1 else "normal")
        )

    active = [r for r in rows if r[2] == "active"]
    agree = sum(1 for r in active if r[1] == by_dpd(dpd[r[0]]))
    assert agree / len(active) > 0.95
    disagree = stories(s_bank)["class_disagree"]["loan_ids"]
    assert disagree and all(
        next(r[1] for r in rows if r[0] == loan_id) != by_dpd(dpd[loan_id]) for loan_id in disagree
    )


def test_it_writes_every_event_type(xs_bank):
    types = {r[0] for r in _q(xs_bank, "SELECT DISTINCT type FROM {events}", t="events")}
    assert types == {code for code, _ in contract.EVENT_TYPES}


def test_it_shows_funds_diverted_within_30_days_of_a_disbursement(xs_bank):
    story = stories(xs_bank)["fund_diversion"]
    found = _q(
        xs_bank,
        f"""
        SELECT DISTINCT d.loan_id
        FROM {{disbursements}} d
        JOIN {{loans}} l USING (loan_id)
        JOIN {{accounts}} a ON a.customer_id = l.customer_id
        JOIN {{transactions}} t ON t.account_id = a.account_id
        LEFT JOIN {{customers}} c ON c.customer_id = l.customer_id
        LEFT JOIN {{related_parties}} rp ON rp.customer_id = l.customer_id
             AND rp.related_account = t.counterparty_account
        WHERE t.direction = 'out'
          AND t.txn_date::DATE BETWEEN d.pay_date::DATE AND d.pay_date::DATE + 30
          AND (rp.related_name IS NOT NULL OR t.counterparty_name = c.name
               OR t.counterparty_name LIKE '%房地产%' OR t.counterparty_name LIKE '%证券%')
          AND l.loan_id IN ({", ".join(f"'{x}'" for x in story["loan_ids"])})
        """,
        a="disbursements",
        b="loans",
        c="accounts",
        d="transactions",
        e="customers",
        f="related_parties",
    )
    assert {r[0] for r in found} == set(story["loan_ids"])


def test_it_lets_invoices_fall_at_least_30_percent_year_on_year(xs_bank):
    for customer_id in stories(xs_bank)["falling_invoices"]["customer_ids"]:
        ((recent, year_ago),) = _q(
            xs_bank,
            f"""
            SELECT sum(amount::DECIMAL(18,2)) FILTER (WHERE month >= '2026-08'),
                   sum(amount::DECIMAL(18,2)) FILTER (WHERE month BETWEEN '2025-08' AND '2025-10')
            FROM {{tax_invoices}} WHERE customer_id = '{customer_id}'
            """,
            t="tax_invoices",
        )
        assert recent <= year_ago * 7 / 10


def test_it_moves_sales_proceeds_to_another_bank_while_invoices_stay(xs_bank):
    for customer_id in stories(xs_bank)["other_bank_proceeds"]["customer_ids"]:
        ((recent, before),) = _q(
            xs_bank,
            f"""
            SELECT sum(t.amount::DECIMAL(18,2)) FILTER (WHERE t.txn_date >= '2026-08-01'),
                   sum(t.amount::DECIMAL(18,2)) FILTER (WHERE t.txn_date BETWEEN '2025-08-01' AND '2025-10-31')
            FROM {{transactions}} t JOIN {{accounts}} a USING (account_id)
            WHERE a.customer_id = '{customer_id}' AND t.direction = 'in'
              AND t.summary IN ('货款', '销售回款', '收货款')
            """,
            a="transactions",
            b="accounts",
        )
        assert recent < before / 2
        ((inv_recent, inv_before),) = _q(
            xs_bank,
            f"""
            SELECT sum(amount::DECIMAL(18,2)) FILTER (WHERE month >= '2026-08'),
                   sum(amount::DECIMAL(18,2)) FILTER (WHERE month BETWEEN '2025-08' AND '2025-10')
            FROM {{tax_invoices}} WHERE customer_id = '{customer_id}'
            """,
            t="tax_invoices",
        )
        assert inv_recent > inv_before * 8 / 10


def test_it_drops_collateral_values_and_leaves_appraisals_stale(xs_bank):
    rows = _q(
        xs_bank,
        """
        WITH latest AS (
            SELECT collateral_id, arg_max(market_value::DECIMAL(18,2), value_date::DATE) AS mv,
                   max(value_date::DATE) AS last_date
            FROM {collateral_values} GROUP BY collateral_id)
        SELECT g.loan_id, c.appraised_value::DECIMAL(18,2), latest.mv,
               greatest(c.appraisal_date::DATE, latest.last_date) AS last_valuation
        FROM {guarantees} g JOIN {collaterals} c USING (collateral_id)
        LEFT JOIN latest USING (collateral_id)
        """,
        a="collateral_values",
        b="guarantees",
        c="collaterals",
    )
    by_loan = {r[0]: r for r in rows}
    s = stories(xs_bank)
    for loan_id in s["collateral_value_drop"]["loan_ids"]:
        _, appraised, market, _ = by_loan[loan_id]
        assert market <= appraised * 8 / 10
    for loan_id in s["stale_appraisal"]["loan_ids"]:
        assert (AS_OF - by_loan[loan_id][3]).days > 365


def test_it_puts_financial_trouble_into_the_statements(xs_bank):
    customer_id = stories(xs_bank)["financial_deterioration"]["customer_ids"][0]
    rows = _q(
        xs_bank,
        f"""SELECT period_end::DATE, period_type, revenue::DECIMAL(18,2), total_liabilities::DECIMAL(18,2),
                   total_assets::DECIMAL(18,2), current_assets::DECIMAL(18,2),
                   current_liabilities::DECIMAL(18,2), operating_cash_flow::DECIMAL(18,2)
            FROM {{financials}} WHERE customer_id = '{customer_id}' ORDER BY period_end""",
        t="financials",
    )
    q = [r for r in rows if r[1] == "quarterly"]
    last = q[-1]
    same = [r for r in q if r[0].year == last[0].year - 1 and r[0].month == last[0].month][0]
    assert last[2] <= same[2] * 7 / 10
    assert last[3] / last[4] > 0.7
    assert last[5] / last[6] < 1
    assert q[-1][7] < 0 and q[-2][7] < 0


def test_it_has_npl_contagion_group_guarantor_and_maturity_stories(xs_bank):
    s = stories(xs_bank)
    dpd = loan_dpd(xs_bank)
    loans = _q(
        xs_bank,
        "SELECT loan_id, customer_id, balance::DECIMAL(18,2), status FROM {loans}",
        t="loans",
    )
    for customer_id in s["npl_contagion"]["customer_ids"]:
        mine = [r for r in loans if r[1] == customer_id and r[3] == "active"]
        npl = sum(r[2] for r in mine if dpd[r[0]] > 90)
        assert len(mine) >= 3 and npl / sum(r[2] for r in mine) > 0.10
    guarantors = _q(
        xs_bank,
        "SELECT guarantor_customer_id FROM {guarantees} WHERE guarantor_customer_id IS NOT NULL",
        t="guarantees",
    )
    troubled = s["guarantor_in_trouble"]["customer_ids"]
    assert set(troubled) <= {r[0] for r in guarantors}
    assert any(dpd[r[0]] > 90 for r in loans if r[1] in troubled)
    members = _q(
        xs_bank,
        "SELECT customer_id, group_id FROM {customers} WHERE group_id IS NOT NULL",
        t="customers",
    )
    group = list(s["group_npl"]["npl_member"].items())[0]
    assert sum(1 for r in members if r[1] == group[0]) >= 3
    assert any(dpd[r[0]] > 90 for r in loans if r[1] == group[1])
    for loan_id, maturity in s["maturity_shortfall"]["maturity"].items():
        assert 1 <= (date.fromisoformat(maturity) - AS_OF).days <= 3
        customer_id = next(r[1] for r in loans if r[0] == loan_id)
        ((held,),) = _q(
            xs_bank,
            f"""SELECT sum(b.balance::DECIMAL(18,2)) FROM {{account_balances}} b JOIN {{accounts}} a USING (account_id)
                WHERE a.customer_id = '{customer_id}' AND b.balance_date = '{AS_OF}'""",
            a="account_balances",
            b="accounts",
        )
        assert held < next(r[2] for r in loans if r[0] == loan_id)


def test_it_has_restructured_ecl_and_credit_report_stories(xs_bank):
    s = stories(xs_bank)
    dpd = loan_dpd(xs_bank)
    loans = {
        r[0]: r
        for r in _q(
            xs_bank,
            """SELECT loan_id, restructured, restructure_date, credit_impaired,
        ecl_amount::DECIMAL(18,2), balance::DECIMAL(18,2) FROM {loans}""",
            t="loans",
        )
    }
    assert len(s["restructured"]["loan_ids"]) >= 2
    assert all(loans[x][1] == "true" and loans[x][2] for x in s["restructured"]["loan_ids"])
    assert all(dpd[x] >= 1 for x in s["restructured_missed"]["loan_ids"])
    for code, ratio in (("ecl_50", 0.5), ("ecl_90", 0.9)):
        for loan_id in s[code]["loan_ids"]:
            assert loans[loan_id][3] == "true" and loans[loan_id][4] / loans[loan_id][5] >= ratio
    reports = _q(
        xs_bank,
        """SELECT customer_id, arg_max(nonperforming_other_fi, report_date),
        arg_max(overdue90_debt_all_fi::DECIMAL(18,2) / total_debt_all_fi::DECIMAL(18,2), report_date), count(*)
        FROM {credit_reports} GROUP BY customer_id""",
        t="credit_reports",
    )
    by_customer = {r[0]: r for r in reports}
    assert all(by_customer[c][1] == "true" for c in s["npl_other_fi"]["customer_ids"])
    assert all(by_customer[c][2] > 0.2 for c in s["credit_cross20"]["customer_ids"])
    corporates = {
        r[0]
        for r in _q(
            xs_bank, "SELECT customer_id FROM {customers} WHERE type = 'corporate'", t="customers"
        )
    }
    assert all(by_customer[c][3] >= 2 for c in corporates)


def test_it_has_credit_limits_at_and_around_ten_million(xs_bank):
    limits = {
        r[0]
        for r in _q(xs_bank, "SELECT limit_amount::DECIMAL(18,2) FROM {facilities}", t="facilities")
    }
    assert 10_000_000 in limits
    assert any(9_000_000 <= x < 10_000_000 for x in limits)
    assert any(x > 10_000_000 for x in limits)
