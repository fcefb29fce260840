"""Codes a person never reads: evidence as labelled lines, regions and industries by their
names (GB/T 2260, GB/T 4754) with unknown codes marked, people by 姓名, rules by their titles,
articles without the reconstruction mark, missing related objects as —."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template

from postloan.core import codetables
from postloan.portfolio.models import Guarantee, RiskEvent
from postloan.risk.engine.registry import META, reason_prefix
from postloan.risk.floors import floor_citation
from postloan.web import labels

SPEC_EXAMPLE = {
    "dpd": 400,
    "overdue_principal_fen": 30750000,
    "events": [{"event_id": "EV0000022", "event_date": "2026-10-25", "amount_fen": None}],
}


def test_it_renders_evidence_as_labelled_lines_in_yuan():
    lines = labels.evidence_lines(SPEC_EXAMPLE, {"EV0000022": "bankruptcy"})
    assert lines == [
        "逾期天数 400 天",
        "逾期本金 307,500.00 元",
        "事件 EV0000022 破产清算 2026-10-25",
    ]


def test_it_renders_nested_evidence_without_codes():
    lines = labels.evidence_lines(
        {
            "collaterals": [
                {"collateral_id": "YP1", "type": "real_estate", "ltv": 0.7136, "ceiling": 0.7}
            ],
            "credit_impaired": True,
            "current_class": "doubtful",
            "due_dates": ["2026-08-21", "2026-09-09"],
            "guarantors": [{"guarantor_customer_id": "C9", "signals": ["EW-LITIGATION"]}],
            "a_key_nobody_labelled": "x",
        }
    )
    assert lines == [
        "押品 YP1 房产，抵质押率 71.36%，上限 70.00%",
        "已发生信用减值 是",
        "当前分类 可疑",
        "应检查日期 2026-08-21、2026-09-09",
        "保证人 C9，预警 涉诉、被执行、失信或资产查封冻结",
        "其他信息 x",
    ]


def test_it_names_regions_from_gbt_2260_and_marks_unknown_codes():
    assert codetables.region_name("330402") == "浙江省嘉兴市南湖区"
    assert codetables.region_name("330400") == "浙江省嘉兴市"
    assert codetables.region_name("310115") == "上海市浦东新区"
    assert codetables.region_name("330499") == "330499（未知代码）"
    assert codetables.region_name("") == "—"
    # every prefecture-level division of GB/T 2260 is shipped
    prefectures = [c for c in codetables.regions() if c.endswith("00") and not c.endswith("0000")]
    assert len(prefectures) == 333


def test_it_names_industries_from_gbt_4754_and_marks_unknown_codes():
    assert codetables.industry_label("C3484") == "机械零部件加工（C3484）"
    assert codetables.industry_label("G5430") == "道路货物运输（G5430）"  # undivided group
    assert codetables.industry_label("C") == "制造业（C）"
    assert codetables.industry_label("C9999") == "C9999（未知代码）"
    assert codetables.industry_label("") == "—"
    divisions = [c for c in codetables.industries() if len(c) == 2]
    assert len(divisions) == 97


def test_it_names_every_industry_and_region_the_demo_bank_uses():
    from postloan.demo.names import INDUSTRIES, REGIONS

    assert [c for c, _, _ in INDUSTRIES if codetables.industry_name(c) is None] == []
    assert [c for c, _ in REGIONS if "未知" in codetables.region_name(c)] == []


@pytest.mark.django_db
def test_it_names_people_by_their_chinese_name(bank):
    assert labels.person_name(bank.users["am_zhang"]) == "张伟"
    loose = User.objects.create_user("gy.cao", first_name="国云", last_name="曹")
    assert labels.person_name(loose) == "曹国云"  # 姓 then 名, no space
    assert labels.person_name(bank.users["admin"]) == "系统管理员"
    assert labels.person_name(None) == "系统"


def test_it_cites_articles_without_the_reconstruction_mark():
    assert all("?" not in m.article for m in META.values())
    unverified = {m.rule_id for m in META.values() if not m.article_verified}
    assert "CLS-LOSS-BANKRUPT" in unverified and "CLS-NPL-CONTAGION" not in unverified
    assert reason_prefix(META["CLS-LOSS-BANKRUPT"]).endswith("第十二条（二））")
    citation = floor_citation({"rule_id": "CLS-LOSS-BANKRUPT", "floor_class": "loss"})
    assert "?" not in citation and "第十二条（二）" in citation


@pytest.mark.django_db
def test_the_tags_show_rule_titles_and_event_types(bank):
    RiskEvent.objects.create(
        event_id="EV0000022",
        customer=bank.customers["C001"],
        event_date=dt.date(2026, 10, 25),
        type="bankruptcy",
    )
    html = Template(
        "{% load labels %}{% rule_name 'CLS-LOSS-BANKRUPT' %}|{% evidence ev %}"
    ).render(Context({"ev": SPEC_EXAMPLE}))
    assert html == (
        '债务人已进入破产清算程序 <small class="rule-id">CLS-LOSS-BANKRUPT</small>|'
        "逾期天数 400 天 · 逾期本金 307,500.00 元 · 事件 EV0000022 破产清算 2026-10-25"
    )


@pytest.mark.django_db
def test_the_customer_page_shows_region_and_industry_names(bank, login):
    customer = bank.customers["C001"]
    customer.region_code, customer.industry_code = "330402", "C9999"
    customer.save(update_fields=["region_code", "industry_code"])
    page = login(bank.users["am_zhang"]).get(f"/customers/{customer.pk}/").content.decode()
    assert "浙江省嘉兴市南湖区" in page
    assert "C9999（未知代码）" in page
    assert "am_zhang" not in page and "张伟" in page  # the top bar names the person


@pytest.mark.django_db
def test_a_guarantee_without_a_named_guarantor_renders_a_dash_not_a_500(bank, login):
    loan = bank.loans[next(iter(bank.loans))]
    Guarantee.objects.create(
        guarantee_id="G-NONAME", loan=loan, kind="guarantor", secured_amount=Decimal("1.00")
    )
    response = login(bank.users["rm_branch"]).get("/work/collateral/")
    assert response.status_code == 200
    assert "—（未登记保证人名称）" in response.content.decode()


@pytest.mark.django_db
def test_the_thresholds_page_labels_fields_in_chinese_and_takes_yuan(bank, login):
    from postloan.risk.models import ThresholdVersion

    client = login(bank.users["rm_branch"])
    page = client.get("/risk/thresholds/").content.decode()
    assert "大额流出金额下限（元）" in page and 'value="50000.00"' in page
    assert "large_outflow_floor_fen:" not in page
    form = {
        line.split('name="')[1].split('"')[0]: line.split('value="')[1].split('"')[0]
        for line in page.split("<input")
        if 'name="' in line and 'value="' in line and "csrf" not in line
    }
    form["large_outflow_floor_fen"] = "80,000.00"
    response = client.post("/risk/thresholds/", {**form, "reason": "提高大额流出门槛"})
    assert response.status_code == 302, response.content.decode()[:1000]
    assert ThresholdVersion.current().values["large_outflow_floor_fen"] == 8_000_000
    form["large_outflow_floor_fen"] = "八万"
    response = client.post("/risk/thresholds/", {**form, "reason": "再改"})
    assert response.status_code == 400
    assert "请输入金额（元）" in response.content.decode()
