"""What a completed inspection must prove — one set of rules for the form and the action.

* every check item answered by the person (nothing is preselected 正常);
* an item marked 关注 or 异常 says what was found;
* every section of the analysis (报告第七部分) written — "无" where nothing applies, so the
  Word report never says （未填写）;
* a conclusion chosen, and not 正常 while an item is 异常;
* the inspection date not after the bank's business date and not before the loan was
  disbursed (the customer's first loan for a scheduled inspection).

`completion_errors` returns {form field name: [message]}; empty means it may be completed.
"""

import datetime as dt

from django.db.models import Min
from django.utils.translation import gettext_lazy

from postloan.portfolio.models import Loan
from postloan.worklist import choices as ch
from postloan.worklist.analysis_report import NARRATIVE_SECTIONS

NEEDS_NOTE = {
    ch.ItemStatus.WATCH: gettext_lazy("关注"),
    ch.ItemStatus.PROBLEM: gettext_lazy("异常"),
}


def disbursed_on(inspection) -> dt.date | None:
    """The disbursement an inspection cannot predate: its own loan's, else the customer's
    first loan's."""
    if inspection.loan_id:
        return (
            Loan.objects.filter(pk=inspection.loan_id).values_list("start_date", flat=True).first()
        )
    return Loan.objects.filter(customer_id=inspection.customer_id).aggregate(
        first=Min("start_date")
    )["first"]


def item_errors(code: str, label: str, status: str, note: str) -> dict[str, list[str]]:
    if status not in ch.ItemStatus.values:
        return {f"item_{code}": [f"请选择“{label}”的检查情况"]}
    if status in NEEDS_NOTE and not (note or "").strip():
        word = NEEDS_NOTE[status]
        text = "须说明发现的问题" if status == ch.ItemStatus.PROBLEM else "须说明关注的情况"
        return {f"note_{code}": [f"“{label}”为{word}时{text}"]}
    return {}


def completion_errors(
    *,
    mode: str,
    done_date: dt.date | None,
    findings: dict,
    conclusion: str,
    narrative: dict,
    business_date: dt.date | None,
    disbursed: dt.date | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if mode not in ch.InspectionMode.values:
        errors["mode"] = ["请选择检查方式"]
    if done_date is None:
        errors["done_date"] = ["请填写检查日期"]
    elif business_date is not None and done_date > business_date:
        errors["done_date"] = [f"检查日期不能晚于业务日期（{business_date:%Y-%m-%d}）"]
    elif disbursed is not None and done_date < disbursed:
        errors["done_date"] = [f"检查日期不能早于贷款发放日（{disbursed:%Y-%m-%d}）"]
    problem = False
    for code, label in ch.CHECK_ITEMS:
        item = findings.get(code) or {}
        errors.update(item_errors(code, label, item.get("status", ""), item.get("note", "")))
        problem = problem or item.get("status") == ch.ItemStatus.PROBLEM
    for code, label in NARRATIVE_SECTIONS:
        if not (narrative.get(code) or "").strip():
            errors[f"narrative_{code}"] = [f"请填写“{label}”（没有相关情况的请写明“无”）"]
    if conclusion not in ch.Conclusion.values:
        errors["conclusion"] = ["请选择检查结论"]
    elif conclusion == ch.Conclusion.NORMAL and problem:
        errors["conclusion"] = ["检查事项中有异常，结论不能为“正常”"]
    return errors


def has_problem(findings: dict, conclusion: str) -> bool:
    return conclusion == ch.Conclusion.DETERIORATED or any(
        item.get("status") == ch.ItemStatus.PROBLEM for item in findings.values()
    )
