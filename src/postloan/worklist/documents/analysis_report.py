"""《贷后管理定期分析报告》 as a Word file, from the pre-filled data and the manager's text."""

from django.utils import timezone
from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Cm

from postloan.worklist.analysis_report import NARRATIVE_SECTIONS
from postloan.worklist.choices import CHECK_ITEMS, ItemStatus
from postloan.worklist.documents.docx_style import (
    heading,
    new_document,
    para,
    table,
    title,
    to_bytes,
)


def render(data: dict, meta: dict) -> bytes:
    """`data`: output of analysis_report.prefill (with narrative filled in);
    `meta`: inspection facts (mode, done_date, inspector, conclusion, proposed_class)."""
    doc = new_document()
    title(doc, "贷后管理定期分析报告")
    para(
        doc,
        f"客户：{data['customer']}　　数据日期：{data['as_of']}　　检查方式：{meta.get('mode', '')}"
        f"　　检查日期：{meta.get('done_date', '')}　　检查人：{meta.get('inspector', '')}",
        indent=False,
    )
    _facts(doc, data)
    _risks(doc, data)
    _conditions(doc, data)
    _findings(doc, meta.get("findings") or {})
    _opinion(doc, data, meta)
    _records(doc, data, meta)
    para(doc, "客户经理（签字）：　　　　　　　　部门负责人（签字）：", indent=False)
    return to_bytes(doc)


def _facts(doc, data: dict) -> None:
    """一 to 四: what the data says (loans, flows, invoices, financials)."""
    heading(doc, "一、授信及还款情况")
    table(
        doc,
        ["借据号", "余额（元）", "到期日", "五级分类", "逾期天数"],
        [
            [r["loan_id"], r["balance"], r["maturity_date"], r["class"], r["dpd"]]
            for r in data["loans"]
        ]
        or [["无有效借据", "", "", "", ""]],
    )
    para(doc, f"贷款余额合计：{data['total_balance']}元", indent=False)
    heading(doc, "二、资金进出情况（近12个月）")
    table(
        doc,
        ["月份", "流入（元）", "流出（元）"],
        [[r["month"], r["in"], r["out"]] for r in data["flows"]] or [["无流水数据", "", ""]],
    )
    heading(doc, "三、纳税开票情况")
    table(
        doc,
        ["月份", "开票金额（元）"],
        [[r["month"], r["amount"]] for r in data["invoices"]] or [["无开票数据", ""]],
    )
    heading(doc, "四、财务分析")
    table(
        doc,
        ["报表期末", "营业收入", "净利润", "资产负债率", "流动比率"],
        [
            [r["period_end"], r["revenue"], r["net_profit"], r["debt_ratio"], r["current_ratio"]]
            for r in data["financials"]
        ]
        or [["无财务报表", "", "", "", ""]],
    )


def _risks(doc, data: dict) -> None:
    """五 and 六: the open signals and the collateral."""
    heading(doc, "五、预警信号")
    table(
        doc,
        ["规则", "级别", "状态"],
        [[r["rule_id"], r["level"], r["status"]] for r in data["signals"]]
        or [["无未消除信号", "", ""]],
    )
    heading(doc, "六、押品情况")
    table(
        doc,
        ["押品", "类型", "价值（元）", "估值日", "抵押率", "问题"],
        [
            [r["id"], r["type"], r["value"], r["value_date"], r["ltv"], r["problems"]]
            for r in data["collateral"]
        ]
        or [["无押品", "", "", "", "", ""]],
    )


def _conditions(doc, data: dict) -> None:
    """审批条件 and the credit file's missing items (reports saved before they were tracked have none)."""
    if "covenants" not in data:
        return
    heading(doc, "审批条件落实情况")
    table(
        doc,
        ["条件编号", "审批条件", "检测频率", "状态", "依据"],
        [
            [r["id"], r["condition"], r["frequency"], r["state"], r["detail"]]
            for r in data["covenants"]
        ]
        or [["无审批条件", "", "", "", ""]],
    )
    heading(doc, "信贷档案缺失情况")
    para(doc, "；".join(data.get("credit_files_missing") or []) or "信贷档案齐全", indent=False)


def _findings(doc, findings: dict) -> None:
    """The checklist's items as answered (amendments applied)."""
    if findings:
        heading(doc, "检查事项")
        table(
            doc,
            ["检查事项", "情况", "说明"],
            [
                [
                    label,
                    STATUS_LABELS.get(findings.get(code, {}).get("status"), ""),
                    _amended(findings.get(code, {})),
                ]
                for code, label in CHECK_ITEMS
            ],
        )


def _opinion(doc, data: dict, meta: dict) -> None:
    """七 and 八: the account manager's analysis and the conclusion."""
    heading(doc, "七、客户经理分析意见")
    narrative = data.get("narrative", {})
    for code, label in NARRATIVE_SECTIONS:
        para(doc, f"{label}：{narrative.get(code) or '（未填写）'}", indent=False)
    heading(doc, "八、检查结论")
    para(
        doc,
        f"结论：{meta.get('conclusion', '')}　　建议分类：{meta.get('proposed_class', '') or '维持'}",
        indent=False,
    )


def _records(doc, data: dict, meta: dict) -> None:
    """The photos taken on site, the amendments and the data notes."""
    if meta.get("photos"):
        heading(doc, "现场照片")
        for photo in meta["photos"]:
            _photo(doc, photo)
    if meta.get("amendments"):
        heading(doc, "更正记录")
        table(
            doc,
            ["序号", "更正时间", "更正人", "更正原因", "更正内容"],
            [
                [a["number"], a["created_at"], a["created_by"], a["reason"], a["text"]]
                for a in meta["amendments"]
            ],
        )
    if data.get("notes"):
        heading(doc, "数据说明")
        for note in data["notes"]:
            para(doc, f"· {note}", indent=False)


STATUS_LABELS = dict(ItemStatus.choices)


def _amended(item: dict) -> str:
    note = item.get("note", "")
    return f"{note}（更正{item['amended_by']}）" if item.get("amended_by") else note


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def amendment_row(amendment, who: str) -> dict:
    return {
        "number": str(amendment.number),
        "created_at": _local(amendment.created_at),
        "created_by": who,
        "reason": amendment.reason,
        "text": amendment.text,
    }


def photo_row(attachment, place: str) -> dict:
    return {
        "path": attachment.file.path,
        "caption": attachment.caption,
        "taken_at": _local(attachment.taken_at) or "照片无拍摄时间信息",
        "place": place or "照片无位置信息",
        "amendment": attachment.amendment.number if attachment.amendment_id else None,
    }


def _photo(doc, photo: dict) -> None:
    try:
        doc.add_picture(photo["path"], width=Cm(8))
    except (
        OSError,
        ValueError,
        UnrecognizedImageError,
    ):  # the file is gone or unreadable: say so, keep the facts
        para(doc, "（照片文件缺失）", indent=False)
    extra = f"（随更正记录{photo['amendment']}提交）" if photo["amendment"] else ""
    para(
        doc,
        f"{photo['caption'] or '现场照片'}{extra}　拍摄时间：{photo['taken_at']}　"
        f"拍摄位置：{photo['place']}",
        indent=False,
    )
