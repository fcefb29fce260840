"""On the S demo bank (seed 1): its groups import, one group breaches the single-group limit
against the demo's net capital, one consumer-loan cohort is worse than the earlier ones — both
as portfolio signals — and the pages show them."""

import pytest

from postloan.demo.portfolio_setup import set_demo_net_capital
from postloan.ingest.service import run_import
from postloan.portfolio.models import Customer, CustomerGroup
from postloan.portfolio_risk.models import LimitVersion, PortfolioSignal
from postloan.risk.actions.screening import run_screening
from tests.demo.conftest import AS_OF, stories

pytestmark = pytest.mark.django_db


def test_the_s_demo_bank_breaches_a_group_limit_and_has_a_bad_vintage(s_bank, client):
    from django.contrib.auth.models import User

    result = run_import(s_bank, as_of=AS_OF)
    assert result.ok, [str(e) for e in list(result.errors)[:5]]
    story = stories(s_bank)["portfolio_risk"]["settings"]
    assert CustomerGroup.objects.count() == len(
        set(Customer.objects.exclude(group_id="").values_list("group_id", flat=True))
    )
    run_screening(AS_OF)
    assert set_demo_net_capital(s_bank, AS_OF)
    assert not set_demo_net_capital(s_bank, AS_OF)  # once
    assert LimitVersion.objects.get().reason == "演示银行设定的资本净额"
    group = PortfolioSignal.objects.get(rule_id="concentration.single_group")
    assert group.subject_key == story["breaching_group"] and group.value > group.limit
    vintage = PortfolioSignal.objects.filter(rule_id="retail.vintage_worse")
    assert f"personal_consumption:{story['bad_cohort']}" in {s.subject_key for s in vintage}

    admin = User.objects.create_superuser("d3admin", "d3@example.test", "x")
    client.force_login(admin)
    page = client.get("/portfolio-risk/").content.decode()
    assert "单一集团客户授信集中度" in page and group.subject_label in page
    member = Customer.objects.filter(group_id=story["breaching_group"]).first()
    page = client.get(f"/customers/{member.customer_id}/").content.decode()
    assert 'id="group-members"' in page
    page = client.get("/portfolio-risk/retail/?product=personal_consumption").content.decode()
    assert story["bad_cohort"] in page
    quality = client.get("/reports/quality/").content.decode()
    assert "表10-2 前十大集团客户" in quality and "超限指标：" in quality
