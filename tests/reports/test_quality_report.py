"""The quality report's figures on the hand-made bank, computed by hand (see conftest)."""

from decimal import Decimal

from django.db.models import Sum

from postloan.portfolio.models import Loan
from postloan.reports.quality import quality_report
from postloan.reports.scope import scope_for
from tests.reports.conftest import AS_OF, EARLIER

D = Decimal


def _report(bank, user="rm_branch", **kw):
    return quality_report(scope_for(bank.users[user], kw.pop("branch", None), AS_OF), **kw)


def test_it_gives_balances_by_class_and_the_npl_ratio(quality_bank):
    r = _report(quality_bank)
    assert r.screened_on == AS_OF
    by_class = {row.key: (row.count, row.balance) for row in r.by_class}
    assert by_class["normal"] == (2, D("4150000.00"))
    assert by_class["special_mention"] == (0, D("0"))  # confirmed as 次级: the books' class
    assert by_class["substandard"] == (1, D("3000000.00"))
    assert (r.total.count, r.total.balance, r.total.customers) == (3, D("7150000.00"), 3)
    assert r.total.npl_balance == D("3000000.00")
    assert r.total.npl_ratio == D("0.4196")  # 3,000,000 / 7,150,000


def test_it_reconciles_every_breakdown_with_the_customer_level_data(quality_bank):
    r = _report(quality_bank)
    loans = Loan.objects.filter(status="active").aggregate(t=Sum("balance"))["t"]
    assert r.total.balance == loans
    assert sum(row.balance for row in r.by_class) == r.total.balance
    assert sum(row.count for row in r.by_class) == r.total.count
    for name, rows in r.segments.items():
        assert sum(row.balance for row in rows) == r.total.balance, name
        assert sum(row.npl_balance for row in rows) == r.total.npl_balance, name
    assert sum(b.balance for b in r.buckets) == r.total.balance
    assert sum(b.count for b in r.buckets) == r.total.count
    per_customer = {c.key: c.balance for c in r.top_customers}
    assert per_customer == {
        "C001": D("4000000.00"),
        "C003": D("3000000.00"),
        "C002": D("150000.00"),
    }


def test_it_shows_segments_by_type_industry_and_region(quality_bank):
    r = _report(quality_bank)
    types = {row.key: (row.balance, row.npl_balance) for row in r.segments["type"]}
    assert types == {
        "corporate": (D("7000000.00"), D("3000000.00")),
        "retail": (D("150000.00"), D("0")),
    }
    industries = {row.key: row.label for row in r.segments["industry"]}
    assert industries["C"] == "C 制造业" and industries["F"] == "F 批发和零售业"
    assert [i.key for i in r.top_industries] == ["C", "F"]
    regions = {row.key: row.balance for row in r.segments["region"]}
    assert regions == {"330106": D("4150000.00"), "330108": D("3000000.00")}
    labels = {row.key: row.label for row in r.segments["region"]}
    assert labels["330106"] == "浙江省杭州市西湖区（330106）"


def test_it_compares_with_the_previous_screening_date(quality_bank):
    r = _report(quality_bank)
    assert r.since == EARLIER and "上一筛查日" in r.since_reason
    m = r.migration
    assert m.counts == {
        ("normal", "normal"): 1,
        ("substandard", "normal"): 1,
        ("normal", "substandard"): 1,
    }
    assert m.total_balance == D("7260000.00")
    trend = [(p["as_of"], p["npl"], p["ratio"]) for p in r.trend]
    assert trend == [
        (EARLIER, D("160000.00"), D("0.0220")),  # 160,000 / 7,260,000
        (AS_OF, D("3000000.00"), D("0.4196")),
    ]


def test_it_accounts_for_npl_arisen_and_disposed(quality_bank):
    r = _report(quality_bank)
    flows = {f.key: f for f in r.flows}
    total = flows["total"]
    assert total.npl_at_since == D("160000.00")
    assert total.npl_arisen == D("3000000.00")
    assert total.npl_disposed == D("160000.00")
    assert total.disposal_rate == D("1.0000")
    assert total.npl_now == total.npl_at_since - total.npl_disposed + total.npl_arisen
    assert flows["retail"].npl_disposed == D("160000.00")
    assert flows["corporate"].npl_arisen == D("3000000.00")
    # October: L001 paid 115,000 due on 10-20; L003's 10,875 interest is unpaid.
    assert (total.due, total.recovered) == (D("125875.00"), D("115000.00"))
    assert total.recovery_rate == D("0.9136")
    assert total.disbursed_count == 0


def test_it_puts_the_overdue_loan_in_its_bucket(quality_bank):
    r = _report(quality_bank)
    buckets = {b.key: (b.count, b.balance) for b in r.buckets}
    assert buckets["current"] == (2, D("4150000.00"))
    assert buckets["31_90"] == (1, D("3000000.00"))
    assert buckets["1_30"] == buckets["91_180"] == (0, D("0"))


def test_it_covers_only_an_account_managers_own_customers(quality_bank):
    r = _report(quality_bank, user="am_zhang")
    assert r.scope.branch.branch_code == "SB01"
    assert r.total.balance == D("4150000.00")  # C001 + C002
    assert {c.key for c in r.top_customers} == {"C001", "C002"}


def test_it_covers_a_sub_branch_subtree(quality_bank):
    r = _report(quality_bank, branch="SB02")
    assert r.total.balance == D("3000000.00")
    assert r.total.npl_ratio == D("1.0000")


def test_it_says_so_when_no_screening_exists(bank):
    r = quality_report(scope_for(bank.users["rm_branch"], None, AS_OF))
    assert r.screened_on is None and not r.has_data
