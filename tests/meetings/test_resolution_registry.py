"""Resolution types are a registry: one module per type, read by every face of a resolution.

The last test is the recipe for a new type: one class (here defined in the test; in the code,
one file in meetings/resolution_kinds/) and the vocabulary, the form, the validation, the
wording and the verdict all know it — no migration, no if-ladder to extend."""

import datetime as dt
import pkgutil
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from postloan.meetings import choices as ch
from postloan.meetings import resolution_kinds
from postloan.meetings.errors import MeetingError
from postloan.meetings.forms import ResolutionForm
from postloan.meetings.models import Resolution
from postloan.meetings.resolution_kinds import registry
from postloan.meetings.resolution_types import clean_params, describe
from postloan.meetings.verification import LOADERS, Facts, judge

DEADLINE = dt.date(2026, 12, 31)


def _res(rtype, params=None, status="open", **extra):
    return SimpleNamespace(
        type=rtype,
        params=params or {},
        text="",
        customer_id="C1",
        deadline=DEADLINE,
        decided_on=dt.date(2026, 10, 15),
        status=status,
        check_detail="",
        baseline={},
        get_type_display=lambda: dict(ch.ResolutionType.choices).get(rtype, rtype),
        **extra,
    )


def test_it_has_one_module_per_type_and_the_vocabulary_is_the_registry():
    folder = Path(resolution_kinds.__file__).parent
    modules = {m.name for m in pkgutil.iter_modules([str(folder)])} - {"registry"}
    codes = [k.code for k in registry.kinds()]
    assert set(codes) == modules  # each type is the module named after it
    assert codes == [
        "stop_new_credit",
        "reduce_exposure",
        "add_collateral",
        "tighten_monitoring",
        "legal_action",
        "exit",
        "recall",
        "reclassify",
        "other",
    ]
    assert ch.ResolutionType.choices == registry.choices()
    assert ch.ResolutionType.TIGHTEN_MONITORING == "tighten_monitoring"
    assert ch.ResolutionType.TIGHTEN_MONITORING.label == "加强资金账户监管"
    assert Resolution._meta.get_field("type").choices == registry.choices()


def test_every_fact_a_type_reads_is_loaded():
    known = set(LOADERS) | {"return_ratio_since"}
    for kind in registry.kinds():
        assert set(kind.facts) <= known, kind.code


def test_the_form_shows_every_type_s_parameters_in_the_types_order():
    form = ResolutionForm(staff_qs=Resolution.objects.none())
    names = list(form.fields)
    assert names[:10] == [
        "type",
        "target_balance",
        "target_date",
        "amount",
        "guarantor",
        "min_return_ratio",
        "review_frequency",
        "exit_amount",  # d2: 退出's target amount and date (the exit list)
        "exit_date",
        "new_class",
    ]
    assert names[10:] == ["text", "department", "responsible", "deadline"]
    assert form.fields["min_return_ratio"].label == "最低销售资金归行率（%）"


def test_it_cleans_and_refuses_per_type():
    assert clean_params("tighten_monitoring", {"min_return_ratio": "80%"}, "", DEADLINE) == {
        "min_return_ratio": "0.8000"
    }
    assert clean_params("reduce_exposure", {"target_balance": "1,000"}, "", DEADLINE) == {
        "target_balance": "1000.00",
        "target_date": "2026-12-31",
    }
    assert clean_params("stop_new_credit", {"amount": "5"}, "", DEADLINE) == {}
    for rtype, params, text, message in [
        ("reduce_exposure", {}, "", "压缩信用余额须写明目标余额"),
        ("add_collateral", {"amount": "-1"}, "", "补充担保金额不能为负数"),
        ("tighten_monitoring", {"min_return_ratio": "120%"}, "", "最低归行率应在0到100%之间"),
        ("reclassify", {"new_class": "bad"}, "", "调整分类须选择调整后的五级分类"),
        ("other", {}, "  ", "“其他”类决议须写明决议内容"),
        ("no_such_type", {}, "", "决议类型不正确"),
    ]:
        with pytest.raises(MeetingError) as exc:
            clean_params(rtype, params, text, DEADLINE)
        assert exc.value.message == message


def test_the_verdict_is_the_type_s_and_unproven_past_the_deadline_is_overdue():
    facts = Facts(balance={"C1": Decimal("500")}, facility={"C1"})
    recall, exit_ = _res("recall"), _res("exit")
    assert judge(recall, facts, DEADLINE) == ("open", "2026-12-31余额500.00元")
    assert judge(recall, facts, DEADLINE + dt.timedelta(days=1))[0] == "failed"
    facts.balance["C1"] = Decimal("0")
    assert judge(recall, facts, DEADLINE) == ("verified", "2026-12-31用信余额为零")
    assert judge(exit_, facts, DEADLINE)[0] == "open"  # 退出 also ends the facility
    facts.facility.clear()
    assert judge(exit_, facts, DEADLINE) == ("verified", "2026-12-31用信余额为零且无有效授信")
    other = _res("other")
    assert judge(other, facts, DEADLINE + dt.timedelta(days=1)) == (
        "overdue",
        "需责任人报告执行情况",
    )


def test_a_new_type_is_one_class():
    class Waive(registry.ResolutionKind):
        """免除罚息: verified when no penalty interest is charged (a test type)."""

        code = "waive_penalty"
        label = "免除罚息"
        order = 85
        params = (registry.Param("waived_amount", "免除金额（元）", "money"),)
        facts = ("balance",)

        def clean(self, p, text, deadline):
            amount = registry.money(p.get("waived_amount"), "免除金额")
            if amount is None:
                raise MeetingError("免除罚息须写明免除金额")
            return {"waived_amount": amount}

        def wording(self, p):
            return f"{self.label}{p['waived_amount']}元"

        def judge(self, case):
            return registry.VERIFIED, f"余额{case.balance}"

    try:
        assert ("waive_penalty", "免除罚息") in registry.choices()
        assert ("waive_penalty", "免除罚息") in Resolution._meta.get_field("type").choices
        form = ResolutionForm(
            {"type": "waive_penalty", "waived_amount": "12.5"}, staff_qs=Resolution.objects.none()
        )
        assert form.fields["waived_amount"].label == "免除金额（元）"
        form.is_valid()
        assert "type" not in form.errors
        params = clean_params("waive_penalty", form.params(), "", DEADLINE)
        assert params == {"waived_amount": "12.50"}
        res = _res("waive_penalty", params)
        assert describe(res) == "免除罚息12.50元"
        assert judge(res, Facts(balance={"C1": Decimal("1")}), DEADLINE) == ("verified", "余额1")
        assert registry.facts_of("waive_penalty") == ("balance",)
    finally:
        registry._KINDS.pop("waive_penalty")
    assert "waive_penalty" not in dict(registry.choices())
