"""What a person reads instead of a code: rule names, people, import tables and the evidence of
a rule, in the bank's words. Pure functions; the template filters (templatetags/labels.py) and
the pages call them.

- a rule by its title, its id only as a small secondary tag (`rule_title`);
- a person by 姓名 (`person_name`), never by login;
- an import table as 中文名（file.csv） (`table_label`);
- evidence as labelled lines (`evidence_lines`): 逾期天数 400 天 · 逾期本金 307,500.00 元 ·
  事件 EV0000022 破产清算 2026-10-25 — money in 元 with separators, never in 分.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy

from postloan import contract
from postloan.org.choices import Role
from postloan.org.roles import user_roles
from postloan.risk.catalogue import MANUAL_RULE_ID, signal_rules
from postloan.risk.engine import vocabulary
from postloan.risk.engine.inputs import TABLE_ZH
from postloan.risk.engine.registry import META

EMPTY = "—"
CLASS_LABELS = dict(contract.CLASSES)
LEVEL_LABELS = vocabulary.LEVEL_ZH
EVENT_TYPE_LABELS = dict(contract.EVENT_TYPES)
COLLATERAL_TYPE_LABELS = dict(contract.COLLATERAL_TYPES)
# The finding kinds of EW-FUND-USE and the counterparties of EW-LARGE-OUTFLOW (engine codes).
FUND_USE_KINDS = {
    "payee_is_borrower": gettext_lazy("受托支付收款人为借款人本身"),
    "payee_related": gettext_lazy("收款人为关联方"),
    "payee_restricted": gettext_lazy("收款人涉及房地产/证券/期货"),
    "payee_differs": gettext_lazy("资金流向非申报收款人"),
    "outflow_restricted": gettext_lazy("资金流向房地产/证券/期货"),
    "outflow_related": gettext_lazy("资金流向关联方"),
    "flow_back": gettext_lazy("受托支付资金回流"),
}
PARTY_LABELS = {"related": gettext_lazy("关联方"), "individual": gettext_lazy("个人")}
VALUE_LABELS = (
    CLASS_LABELS | LEVEL_LABELS | EVENT_TYPE_LABELS | COLLATERAL_TYPE_LABELS | FUND_USE_KINDS
)


# --- rules -----------------------------------------------------------------------------------


def rule_title(rule_id: str) -> str:
    """The Chinese title of an engine rule (EW-…, CLS-…); 人工发起 for a manual signal."""
    if not rule_id:
        return EMPTY

    if rule_id == MANUAL_RULE_ID:
        return "人工发起"
    if rule_id in META:
        return META[rule_id].title_zh
    known = signal_rules().get(rule_id)
    return known[1] if known else f"{rule_id}（未知规则）"


def article_text(article: str) -> str:
    """An article as cited (第十二条（二）); a reconstructed number's `?` is never printed."""
    return (article or "").replace("?", "")


# --- people ----------------------------------------------------------------------------------


def person_name(user) -> str:
    """姓名 of a user (or a Staff): the staff member's name, else 姓+名 in Chinese order, else the
    user's role; "系统" when there is nobody (an automatic step)."""
    if user is None or user == "":
        return "系统"
    if hasattr(user, "staff_id") and hasattr(user, "branch_id") and hasattr(user, "name"):
        return user.name  # a Staff row
    staff = getattr(user, "staff", None) if _has_staff(user) else None
    if staff is not None and staff.name:
        return staff.name
    full = f"{getattr(user, 'last_name', '')}{getattr(user, 'first_name', '')}".strip()
    if full:
        return full
    if getattr(user, "is_superuser", False):
        return "系统管理员"
    return _role_name(user) or "未登记姓名的用户"


def _has_staff(user) -> bool:
    try:
        return getattr(user, "staff", None) is not None
    except ObjectDoesNotExist:
        return False


def _role_name(user) -> str:
    labels = dict(Role.choices)
    try:
        roles = user_roles(user)
    except Exception:  # noqa: BLE001 - a label never breaks a page
        return ""
    return "、".join(str(labels[r]) for r in labels if r in roles)


# --- import tables ---------------------------------------------------------------------------


def table_label(name: str) -> str:
    """`loans` → 贷款借据（loans.csv）: the table's name in the data contract, then its file."""
    if not name:
        return EMPTY
    table = contract.TABLES_BY_NAME.get(name)
    if table is None:
        zh = TABLE_ZH.get(name)
        return f"{zh}（{name}）" if zh else f"{name}（未知数据表）"
    return f"{table.label}（{name}.csv）"


# --- money, dates, evidence ------------------------------------------------------------------


def yuan_from_fen(fen) -> str:
    """30750000 (分) → 307,500.00 (元)."""
    try:
        amount = Decimal(int(fen)) / 100
    except (TypeError, ValueError, InvalidOperation):
        return EMPTY
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def _percent(value) -> str:
    try:
        return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"
    except (InvalidOperation, ValueError):
        return str(value)


# key → (label, unit or formatter). Units: "元" (value in fen), "天", "期", "次", "月"/"个月";
# formatters: "date", "month", "bool", "percent", "class", "loans", "rules", "text".
EVIDENCE_KEYS: dict[str, tuple[str, str]] = {
    "dpd": ("逾期天数", "天"),
    "overdue_since": ("逾期起始日", "date"),
    "overdue_principal_fen": ("逾期本金", "元"),
    "overdue_interest_fen": ("逾期利息", "元"),
    "balance_fen": ("余额", "元"),
    "ecl_amount_fen": ("减值准备", "元"),
    "credit_impaired": ("已发生信用减值", "bool"),
    "credit_report_date": ("征信报告日期", "date"),
    "report_date": ("征信报告日期", "date"),
    "prior_report_date": ("上期征信报告日期", "date"),
    "nonperforming_loans_here": ("本行不良借据", "loans"),
    "nonperforming_loans": ("不良借据", "loans"),
    "overdue90_debt_all_fi_fen": ("在所有金融机构逾期90天以上债务", "元"),
    "total_debt_all_fi_fen": ("在所有金融机构债务总额", "元"),
    "npl_balance_fen": ("本行不良余额", "元"),
    "total_balance_fen": ("本行债权余额", "元"),
    "clean_since": ("无逾期起始日", "date"),
    "current_class": ("当前分类", "class"),
    "class_before_restructuring": ("重组前分类", "class"),
    "on_time_instalments": ("按期还款", "期"),
    "other_impaired_loans": ("其他减值借据", "loans"),
    "observation_start": ("重组观察期起", "date"),
    "observation_end": ("重组观察期止", "date"),
    "restarts": ("观察期重新起算", "次"),
    "restructure_date": ("重组日", "date"),
    "restructured_again": ("再次重组", "bool"),
    "collateral_id": ("押品", "text"),
    "last_valued": ("最近估值日", "date"),
    "limit_months": ("重估期限", "个月"),
    "appraised_value_fen": ("评估价值", "元"),
    "market_value_fen": ("市场价值", "元"),
    "value_date": ("估值日", "date"),
    "ltv": ("抵质押率", "percent"),
    "ceiling": ("上限", "percent"),
    "total_debt_fen": ("金融机构债务余额", "元"),
    "prior_total_debt_fen": ("上期债务余额", "元"),
    "nonperforming_other_fi": ("他行不良", "bool"),
    "prior_nonperforming_other_fi": ("上期他行不良", "bool"),
    "overdue_debt_fen": ("他行逾期债务", "元"),
    "prior_overdue_debt_fen": ("上期他行逾期债务", "元"),
    "counterparty": ("交易对手", "text"),
    "date": ("日期", "date"),
    "amount_fen": ("金额", "元"),
    "guarantees_given_fen": ("对外担保", "元"),
    "net_assets_fen": ("净资产", "元"),
    "period_end": ("报表期末", "date"),
    "prior_period_end": ("上期报表期末", "date"),
    "guarantor_customer_id": ("保证人", "text"),
    "signals": ("预警", "rules"),
    "inflow_fen": ("流入", "元"),
    "month": ("月份", "month"),
    "prior_6_months_total_fen": ("前6个月流入合计", "元"),
    "due_dates": ("应检查日期", "dates"),
    "balance_date": ("余额日期", "date"),
    "funds_fen": ("账户资金", "元"),
    "interest_date": ("结息日", "date"),
    "interest_due_fen": ("应付利息", "元"),
    "passed": ("结息日已过", "bool"),
    "month_inflow_fen": ("当月流入", "元"),
    "party": ("对手类型", "party"),
    "txn_id": ("交易流水", "text"),
    "total_assets_fen": ("总资产", "元"),
    "total_liabilities_fen": ("总负债", "元"),
    "prior_assets_fen": ("上期总资产", "元"),
    "prior_liabilities_fen": ("上期总负债", "元"),
    "current_assets_fen": ("流动资产", "元"),
    "current_liabilities_fen": ("流动负债", "元"),
    "customer_due_fen": ("客户到期应还合计", "元"),
    "loan_due_fen": ("本笔到期应还", "元"),
    "maturity_date": ("到期日", "date"),
    "operating_cash_flow_fen": ("经营活动现金流", "元"),
    "proceeds_fen": ("当月销售回笼", "元"),
    "revenue_fen": ("营业收入", "元"),
    "trailing_proceeds_fen": ("近12个月销售回笼", "元"),
    "trailing_revenue_fen": ("近12个月销售收入", "元"),
    "prior_revenue_fen": ("上年同期营业收入", "元"),
    "recent_fen": ("近期开票金额", "元"),
    "year_ago_fen": ("上年同期开票金额", "元"),
    "window_end": ("比较期末", "month"),
    "level": ("级别", "value"),
    "type": ("类型", "value"),
    "kind": ("情形", "value"),
    "covenant_id": ("条件编号", "text"),
    "condition": ("条件", "text"),
    "wording": ("审批原文", "text"),
    "actual": ("实际情况", "text"),
}
# Lists of records: how one record reads (the keys shown first, without their label).
LIST_HEADS = {
    "events": ("事件", ("event_id", "type", "event_date")),
    "collaterals": ("押品", ("collateral_id", "type")),
    "findings": ("发现", ("date", "kind", "counterparty")),
    "outflows": ("大额流出", ("date", "txn_id", "counterparty")),
    "months": ("月份", ("month",)),
    "periods": ("报告期", ("period_end",)),
    "guarantors": ("保证人", ("guarantor_customer_id",)),
    "covenants": ("审批条件", ("covenant_id",)),
}
SCALAR_LIST_KEYS = {"months": ("比较月数", "个月")}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _format(value, kind: str) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if kind == "元":
        return f"{yuan_from_fen(value)} 元"
    if kind in ("天", "期", "次", "个月", "月"):
        return f"{value} {kind}"
    if kind == "date":
        return str(value)[:10]
    if kind == "month":
        return str(value)[:7]
    if kind == "dates":
        return "、".join(str(v)[:10] for v in value) if isinstance(value, list) else str(value)
    if kind == "bool":
        return "是" if value else "否"
    if kind == "percent":
        return _percent(value)
    if kind == "class":
        return CLASS_LABELS.get(value, str(value))
    if kind == "loans":
        return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if kind == "rules":
        items = value if isinstance(value, list) else [value]
        return "、".join(rule_title(str(v)) for v in items)
    if kind == "party":
        return str(PARTY_LABELS.get(value, value))
    if kind == "value":
        return str(VALUE_LABELS.get(value, value))
    return _plain(value)


def _plain(value) -> str:
    """Any value a person reads: never a Python repr."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return "；".join(_pair(k, v) for k, v in value.items())
    return str(VALUE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def _pair(key: str, value) -> str:
    label, kind = EVIDENCE_KEYS.get(key, ("其他信息", "text"))
    return f"{label} {_format(value, kind)}"


def _record(head: str, first: tuple[str, ...], record, event_types: Mapping) -> str:
    if not isinstance(record, Mapping):
        return f"{head} {_plain(record)}"
    record = dict(record)
    if head == "事件" and "type" not in record and record.get("event_id") in event_types:
        record["type"] = event_types[record["event_id"]]
    parts = []
    for key in first:
        if record.get(key) not in (None, ""):
            kind = EVIDENCE_KEYS.get(key, ("", "text"))[1]
            parts.append(_format(record[key], kind))
    rest = [_pair(k, v) for k, v in record.items() if k not in first and v is not None and v != []]
    return " ".join([head, *parts]) + ("，" + "，".join(rest) if rest else "")


def evidence_lines(evidence, event_types: Mapping | None = None) -> list[str]:
    """The evidence of a rule (a JSON object) as labelled lines in Chinese.

    `event_types` maps an event id to its type code, for evidence that names events only by id.
    """
    if not evidence:
        return []
    if not isinstance(evidence, Mapping):
        return [_plain(evidence)]
    event_types = event_types or {}
    lines = []
    for key, value in evidence.items():
        if key in LIST_HEADS and isinstance(value, list):
            head, first = LIST_HEADS[key]
            lines.extend(_record(head, first, r, event_types) for r in value)
        elif key in SCALAR_LIST_KEYS and not isinstance(value, list):
            label, unit = SCALAR_LIST_KEYS[key]
            lines.append(f"{label} {_format(value, unit)}")
        else:
            lines.append(_pair(key, value))
    return lines


def event_ids(evidence) -> set[str]:
    """The event ids an evidence object names (to look their types up once)."""
    if not isinstance(evidence, Mapping):
        return set()
    return {
        e["event_id"]
        for e in evidence.get("events") or []
        if isinstance(e, Mapping) and e.get("event_id")
    }
