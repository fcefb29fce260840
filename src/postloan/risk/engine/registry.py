"""Every rule's metadata in one place: id, family, level or floor, article, inputs.

Article numbers marked `?` below were reconstructed from secondary sources (classification.md):
they live only here so a correction touches no logic. The mark is data, not text: `_floor`
strips it into `RuleMeta.article_verified = False`, so no page, reason or document prints it
(the rule catalogue says "条款号待核" beside such an article). Rule functions elsewhere bind to
these entries with ``@rule("CLS-…")`` and hold only their query.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from postloan.risk.engine.vocabulary import (  # noqa: F401 - the names the engine always used
    CLASS_ORDER,
    CLASS_ZH,
    FAMILY_ZH,
    LEVEL_ORDER,
    LEVEL_ZH,
)

REGULATION = "《商业银行金融资产风险分类办法》"
PRACTICE = "银行贷后预警实践（默认阈值可调）"


@dataclass(frozen=True)
class RuleMeta:
    rule_id: str
    kind: str  # "floor" (classification) or "signal" (early warning)
    family: str
    title_zh: str
    article: str
    floor_class: str | None = None
    level: str | None = None  # the highest level a signal rule can raise
    needs: tuple[str, ...] = ()  # input tables without which the rule is not evaluated
    stage: int = 1  # floors: 1 per loan, 2 holds, 3 customer-wide; signals: 2 reads signals
    article_verified: bool = True  # False: the article number is reconstructed, to be checked


def _floor(rule_id, title, article, floor, needs=("loans",), stage=1):
    """A classification floor; `article` ending its number in `?` is an unverified citation."""
    verified = "?" not in article
    return RuleMeta(
        rule_id,
        "floor",
        "classification",
        title,
        article.replace("?", ""),
        floor,
        None,
        needs,
        stage,
        verified,
    )


def _signal(rule_id, family, title, level, needs, article=PRACTICE, stage=1):
    return RuleMeta(rule_id, "signal", family, title, article, None, level, needs, stage)


META: dict[str, RuleMeta] = {
    m.rule_id: m
    for m in (
        # --- classification floors (classification.md) ---
        _floor("CLS-SM-DPD", "本金或利息逾期", "第九条?（一）", "special_mention"),
        _floor(
            "CLS-SM-MISUSE",
            "未经同意擅自改变资金用途",
            "第九条?（二）",
            "special_mention",
            ("loans", "events"),
        ),
        _floor(
            "CLS-SM-REFI",
            "借新还旧或以其他债务融资偿还",
            "第九条?（三）",
            "special_mention",
            ("loans", "events"),
        ),
        _floor(
            "CLS-SM-NPL-ELSEWHERE",
            "债务人在本行或其他金融机构的债务被分类为不良",
            "第九条?（四）",
            "special_mention",
            stage=3,
        ),
        _floor("CLS-SUB-DPD90", "本金、利息逾期超过90天", "第十条?（一）", "substandard"),
        _floor("CLS-SUB-IMPAIRED", "金融资产已发生信用减值", "第十条?（二）", "substandard"),
        _floor(
            "CLS-SUB-RATING",
            "外部评级大幅下调，履约能力显著下降",
            "第十条?（三）",
            "substandard",
            ("loans", "events"),
        ),
        _floor(
            "CLS-SUB-CROSS20",
            "在所有金融机构逾期90天以上债务占比超过20%",
            "第十条?（四）",
            "substandard",
            ("loans", "credit_reports"),
        ),
        _floor("CLS-DBT-DPD270", "本金、利息逾期超过270天", "第十一条?（一）", "doubtful"),
        _floor(
            "CLS-DBT-EVADE",
            "债务人逃废银行债务",
            "第十一条?（二）",
            "doubtful",
            ("loans", "events"),
        ),
        _floor("CLS-DBT-ECL50", "已发生信用减值且减值准备不低于50%", "第十一条?（三）", "doubtful"),
        _floor("CLS-LOSS-DPD360", "本金、利息逾期超过360天", "第十二条?（一）", "loss"),
        _floor(
            "CLS-LOSS-BANKRUPT",
            "债务人已进入破产清算程序",
            "第十二条?（二）",
            "loss",
            ("loans", "events"),
        ),
        _floor("CLS-LOSS-ECL90", "已发生信用减值且减值准备不低于90%", "第十二条?（三）", "loss"),
        _floor(
            "CLS-NPL-CONTAGION",
            "非零售债务人在本行债权超过10%为不良，其全部债权至少为次级",
            "第七条",
            "substandard",
            stage=3,
        ),
        _floor("CLS-RESTRUCT", "重组资产处于观察期", "第十七–二十一条?", "special_mention"),
        _floor(
            "CLS-RESTRUCT-FAIL",
            "重组观察期内逾期或再次重组",
            "第二十一条?",
            "substandard",
        ),
        # holds: why a non-performing loan is not suggested better than its current class
        _floor(
            "CLS-NPL-HOLD",
            "不良资产未满足上调条件，维持当前分类",
            "不良资产上调条件（条款号待核）",
            None,
            stage=2,
        ),
        _floor(
            "CLS-RESTRUCT-HOLD",
            "重组前为不良的资产在观察期内不得上调",
            "第二十条",
            None,
            stage=2,
        ),
        # --- early-warning signals (early-warning.md) ---
        _signal(
            "EW-DPD-SHORT",
            "repayment",
            "短期逾期（1–7天，需核实是否技术性原因）",
            "yellow",
            ("loans",),
        ),
        _signal("EW-DPD", "repayment", "贷款逾期", "red", ("loans",)),
        _signal(
            "EW-MATURITY-FUNDS",
            "repayment",
            "到期前账户资金不足以偿还到期款项",
            "orange",
            ("loans", "accounts", "account_balances"),
        ),
        _signal(
            "EW-INTEREST-FUNDS",
            "repayment",
            "结息日账户资金不足以支付利息",
            "yellow",
            ("loans", "accounts", "account_balances"),
        ),
        _signal(
            "EW-RETURN-RATIO",
            "account",
            "销售资金归行率偏低或明显下降",
            "orange",
            ("accounts", "txn_monthly"),
        ),
        _signal(
            "EW-INFLOW-DROP",
            "account",
            "账户资金流入连续两个月明显下降",
            "orange",
            ("accounts", "txn_monthly"),
        ),
        _signal(
            "EW-FUND-USE",
            "account",
            "贷款资金回流或挪用",
            "red",
            ("disbursements", "accounts", "txn_detail"),
        ),
        _signal(
            "EW-LARGE-OUTFLOW",
            "account",
            "大额资金流向非交易对手",
            "orange",
            ("accounts", "txn_detail", "txn_monthly"),
        ),
        _signal("EW-REVENUE-DROP", "financial", "营业收入同比下降", "red", ("financials",)),
        _signal("EW-LEVERAGE", "financial", "资产负债率过高或上升较快", "yellow", ("financials",)),
        _signal("EW-LIQUIDITY", "financial", "流动比率过低", "yellow", ("financials",)),
        _signal("EW-OCF-NEG", "financial", "经营活动现金流连续两期为负", "orange", ("financials",)),
        _signal("EW-TAX-DROP", "financial", "开票金额同比大幅下降", "orange", ("tax_invoices",)),
        _signal(
            "EW-CREDIT-OVERDUE",
            "credit_report",
            "征信新增他行逾期或不良",
            "red",
            ("credit_reports",),
        ),
        _signal(
            "EW-CREDIT-DEBT-JUMP",
            "credit_report",
            "在金融机构债务余额大幅增加",
            "yellow",
            ("credit_reports",),
        ),
        _signal(
            "EW-GUARANTEES-GIVEN",
            "credit_report",
            "对外担保超过净资产",
            "yellow",
            ("credit_reports", "financials"),
        ),
        _signal(
            "EW-LITIGATION", "judicial", "涉诉、被执行、失信或资产查封冻结", "red", ("events",)
        ),
        _signal("EW-CONTROLLER", "governance", "实际控制人失联或变更", "red", ("events",)),
        _signal("EW-POLICY", "industry", "行业或区域政策不利影响", "orange", ("customers",)),
        _signal("EW-INSPECTION", "inspection", "检查发现重大问题", "orange", ("customers",)),
        _signal("EW-NEWS", "public_opinion", "负面舆情", "yellow", ("events",)),
        _signal(
            "EW-COLLATERAL-VALUE",
            "collateral",
            "押品价值下降或抵质押率超限",
            "orange",
            ("guarantees", "collaterals"),
        ),
        _signal(
            "EW-APPRAISAL-STALE",
            "collateral",
            "押品长期未重估",
            "yellow",
            ("guarantees", "collaterals"),
        ),
        _signal(
            "EW-GUARANTOR",
            "guarantor",
            "保证人本身存在橙色/红色预警或不良贷款",
            "orange",
            ("guarantees",),
            stage=2,
        ),
        _signal(
            "EW-INSPECTION-OVERDUE",
            "diligence",
            "贷后检查逾期未做",
            "yellow",
            ("inspections_due",),
        ),
        _signal(
            "EW-COVENANT",
            "covenant",
            "未落实审批条件（违反贷款合同约定的财务、归行、登记或用途条件）",
            "red",
            ("covenants",),
        ),
    )
}

# Where each rule's query lives (imported lazily: the modules import this one).
RULE_MODULES = (
    "postloan.risk.engine.floors_loan",
    "postloan.risk.engine.restructuring",
    "postloan.risk.engine.upgrade",
    "postloan.risk.engine.floors_customer",
    "postloan.risk.engine.signals_repayment",
    "postloan.risk.engine.signals_account",
    "postloan.risk.engine.signals_financial",
    "postloan.risk.engine.signals_credit",
    "postloan.risk.engine.signals_events",
    "postloan.risk.engine.signals_collateral",
    "postloan.risk.engine.signals_diligence",
    "postloan.risk.engine.signals_covenants",
)


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    query: Callable  # (Ctx) -> SQL text

    @property
    def rule_id(self) -> str:
        return self.meta.rule_id


_BOUND: dict[str, Rule] = {}


def rule(rule_id: str):
    """Bind a query function to its metadata entry."""
    meta = META[rule_id]

    def bind(fn):
        _BOUND[rule_id] = Rule(meta, fn)
        fn.rule_meta = meta
        return fn

    return bind


def rules() -> list[Rule]:
    """Every rule with its query, in the registry's order."""
    for module in RULE_MODULES:
        importlib.import_module(module)
    missing = [rid for rid in META if rid not in _BOUND]
    if missing:
        raise RuntimeError(f"规则缺少实现：{', '.join(missing)}")
    return [_BOUND[rid] for rid in META]


def reason_prefix(meta: RuleMeta) -> str:
    """How a reason opens: the finding, and for a classification floor the article it cites."""
    if meta.kind == "signal":
        return meta.title_zh
    source = REGULATION if meta.article.startswith("第") else ""
    return f"{meta.title_zh}（{source}{meta.article}）"
