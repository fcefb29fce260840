"""The meeting's Word documents (python-docx), rendered from what `postloan.reports` computed.

会议通知, 会议纪要, 贷后管理例会审议表 (one per customer) and the 全行信贷资产质量整体报告. The
到期贷款催收函 and 《贷后管理定期分析报告》 are the worklist's renderers
(`postloan.worklist.documents`), re-exported here so every Word document has one door.
"""

import io

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from postloan.documents import charts
from postloan.documents import formatting as fmt
from postloan.documents.docx_base import base_document
from postloan.worklist.documents import analysis_report, maturity_notice
from postloan.worklist.documents.docx_style import heading, para, table, title, to_bytes

render_maturity_notice = maturity_notice.render
render_analysis_report = analysis_report.render


def _page_break(doc):
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def notice(data: dict) -> bytes:
    doc = base_document("notice", {"机构名称": data["bank"], "会议日期": data["date"]})
    title(doc, data["title"])
    para(doc, "各位委员、相关客户经理及风险经理：", indent=False)
    para(
        doc,
        f"经研究，定于{data['date']}在{data['location']}召开{data['bank']}{data['kind']}"
        "（贷后管理例会）。现将有关事项通知如下：",
    )
    heading(doc, "一、会议议程")
    for section in data["agenda"]:
        para(doc, section["title"], indent=False)
        if section["customers"]:
            table(
                doc,
                ["序号", "客户名称", "管户客户经理", "上会原因", "审议方式"],
                [
                    [
                        c["rank"],
                        c["customer"],
                        c["manager"],
                        c["reasons"],
                        "批量审议" if c["batch"] else "按户审议",
                    ]
                    for c in section["customers"]
                ],
            )
    heading(doc, "二、会议材料")
    para(
        doc,
        f"请各客户经理于{data['report_deadline']}前在系统中提交上会客户的汇报材料"
        "（十三项内容及附件1—3、纳税发票汇总表），风险经理同期提交风险意见。",
    )
    heading(doc, "三、参会人员")
    table(
        doc,
        ["姓名", "身份"],
        [[r["name"], r["role"]] for r in data["recipients"]] or [["（无）", ""]],
    )
    para(doc, "参会人员因故不能出席的，须事先向主任委员请假。", indent=True)
    para(doc, f"{data['bank']}贷后管理例会办公室", align="right", indent=False)
    para(doc, data["notice_date"], align="right", indent=False)
    return to_bytes(doc)


def minutes(data: dict) -> bytes:
    doc = base_document("minutes", {"机构名称": data["bank"], "会议日期": data["date"]})
    title(doc, data["title"])
    table(
        doc,
        ["会议时间", "会议地点", "会议主持人", "会议类型"],
        [[data["date"], data["location"], data["presiding"], data["kind"]]],
    )
    para(doc, f"出席情况：{data['quorum']}。", indent=False)
    present = "、".join(p["name"] + ("（委员）" if p["member"] else "") for p in data["present"])
    para(doc, f"出席人员：{present or '无'}", indent=False)
    if data["absent"]:
        table(
            doc,
            ["缺席人员", "身份", "缺席原因"],
            [[a["name"], "委员" if a["member"] else "列席", a["reason"]] for a in data["absent"]],
        )
    else:
        para(doc, "缺席人员：无", indent=False)
    sections = data["sections"]
    heading(doc, "一、全行近期信贷资产质量整体报告")
    para(doc, sections["quality_report"] or "（见会议材料《全行信贷资产质量整体报告》）")
    heading(doc, "二、客户经理按户汇报及审议情况")
    for item in data["items"]:
        para(
            doc,
            f"{item['rank']}. {item['customer']}（{item['customer_id']}，客户经理{item['manager']}；"
            f"上会原因：{item['reasons']}）",
            indent=False,
            bold=True,
        )
        para(doc, f"审议情况：{item['summary']}")
        para(
            doc,
            f"会前分类：{item['class_before']}；审议认定分类：{item['class_decided']}；"
            f"决策方式：{item['method']}（{item['votes']}）；审议结果：{item['outcome']}。",
        )
        if item["recusals"]:
            para(doc, f"回避：{item['recusals']}")
        if item["dissent"]:
            para(doc, f"不同意见：{item['dissent']}")
        if item["resolutions"]:
            table(
                doc,
                ["决议事项", "执行部门", "责任人", "完成期限"],
                [
                    [r["text"], r["department"], r["responsible"], r["deadline"]]
                    for r in item["resolutions"]
                ],
            )
    heading(doc, "三、风险经理通报的问题及整改要求")
    para(doc, sections["risk_findings"] or "（未记录）")
    heading(doc, "四、前次例会决议执行情况")
    para(doc, sections["execution_report"] or "（未记录）")
    heading(doc, "五、主任委员总结")
    para(doc, sections["chair_summary"] or "（未记录）")
    heading(doc, "签署")
    rows = [[s["role"], s["name"], s["at"], s["opinion"]] for s in data["signatures"]]
    table(
        doc,
        ["签署身份", "签署人", "签署时间", "签署意见"],
        rows or [["会议主持人", "", "", ""], ["行长（主任委员）", "", "", ""]],
    )
    para(doc, f"记录状态：{data['status']}", indent=False)
    for a in data.get("amendments", []):
        heading(doc, f"更正{a['number']}")
        para(doc, a["text"])
        for r in a["resolutions"]:
            para(doc, f"补充决议：{r['text']}；责任人{r['responsible']}；期限{r['deadline']}")
        for s in a["signatures"]:
            para(doc, f"{s['role']}：{s['name']}　{s['at']}　{s['opinion']}", indent=False)
        if a["sha256"]:
            para(doc, f"更正签署内容SHA-256：{a['sha256']}", indent=False)
    _signed_hash(doc, data)
    return to_bytes(doc)


def _signed_hash(doc, data: dict) -> None:
    """A signed record says so, with the SHA-256 of the snapshot it was rendered from."""
    if data.get("sha256"):
        para(doc, f"本文书按签署时的内容生成。签署内容SHA-256：{data['sha256']}", indent=False)


def _review_form(doc, data: dict):
    title(doc, "贷后管理例会审议表")
    para(doc, f"{data['bank']}　　{data['kind']}　　会议日期：{data['meeting_date']}", indent=False)
    heading(doc, "一、客户基本情况")
    table(
        doc,
        ["项目", "内容", "项目", "内容"],
        [
            ["客户名称", data["customer"], "客户编号", data["customer_id"]],
            ["客户类型", data["customer_type"], "管户机构", data["branch"]],
            ["管户客户经理", data["manager"], "行业", data["industry"]],
            ["实际控制人", data["controller"], "上会原因", data["reasons"]],
            [
                "授信额度（元）",
                fmt.yuan(data["limit"]),
                "用信余额（元）",
                fmt.yuan(data["balance"]),
            ],
        ],
    )
    if data["loans"]:
        table(
            doc,
            ["借据号", "产品", "余额（元）", "到期日", "五级分类"],
            [
                [r["loan_id"], r["product"], fmt.yuan(r["balance"]), r["maturity"], r["class"]]
                for r in data["loans"]
            ],
        )
    heading(doc, "二、客户经理汇报（十三项）")
    table(
        doc,
        ["序号", "事项", "情况"],
        [[i + 1, r["label"], r["text"]] for i, r in enumerate(data["report_items"])],
    )
    heading(doc, "三、风险经理意见")
    para(doc, data["risk_comment"])
    heading(doc, "四、例会审议意见")
    para(doc, f"审议情况：{data['summary']}")
    para(
        doc,
        f"会前分类：{data['class_before']}；审议认定分类：{data['class_decided']}；"
        f"审议结果：{data['outcome']}（{data['votes']}）。",
    )
    if data["dissent"]:
        para(doc, f"不同意见：{data['dissent']}")
    table(
        doc,
        ["决议事项", "执行部门", "责任人", "完成期限"],
        [[r["text"], r["department"], r["responsible"], r["deadline"]] for r in data["resolutions"]]
        or [["无决议事项", "", "", ""]],
    )
    heading(doc, "五、签署")
    rows = [[s["role"], s["name"], s["day"], s["opinion"]] for s in data["signatures"]]
    table(
        doc,
        ["签署身份", "签署人", "日期", "签署意见"],
        rows
        or [
            ["会议主持人", "", "　　年　月　日", ""],
            ["行长（主任委员）", "", "　　年　月　日", ""],
        ],
    )
    _signed_hash(doc, data)


def review_form(data: dict) -> bytes:
    doc = base_document("review_form", {"机构名称": data["bank"], "客户名称": data["customer"]})
    _review_form(doc, data)
    return to_bytes(doc)


def review_forms(forms: list[dict]) -> bytes:
    """Every customer's 审议表 in one file, one per page (附件4)."""
    doc = base_document("review_form", {"机构名称": forms[0]["bank"] if forms else ""})
    for i, data in enumerate(forms):
        if i:
            _page_break(doc)
        _review_form(doc, data)
    if not forms:
        title(doc, "贷后管理例会审议表")
        para(doc, "本次例会无上会客户。")
    return to_bytes(doc)


def quality_report(report) -> bytes:
    """The 全行信贷资产质量整体报告 with the web page's charts (PNG) and its tables; a table too wide
    for A4 portrait gets a landscape page."""
    s = report.scope
    doc = base_document(
        "quality_report",
        {"机构名称": s.branch.name, "数据日期": fmt.day(report.screened_on)},
    )
    title(doc, f"{s.branch.name}信贷资产质量整体报告")
    para(
        doc,
        f"报告日期：{fmt.day(report.as_of)}　　数据日期（筛查日）：{fmt.day(report.screened_on)}　　"
        f"比较日：{fmt.day(report.since)}（{report.since_reason}）　　"
        f"统计期间：{fmt.day(report.period_start)}至{fmt.day(report.as_of)}　　金额单位：万元",
        indent=False,
    )
    _charts(doc, charts.quality_charts(report, charts.PNG))
    for section in fmt.quality_sections(report):
        heading(doc, section["title"])
        for line in section.get("lines", []):
            para(doc, line)
        for tbl in section.get("tables", []):
            if tbl.get("wide"):
                _orient(doc, landscape=True)
            if tbl.get("caption"):
                para(doc, tbl["caption"], indent=False, bold=True)
            rows = tbl["rows"] or [["无数据"] + [""] * (len(tbl["headers"]) - 1)]
            t = table(doc, tbl["headers"], rows)
            strings = [[str(v) for v in r] for r in rows]
            _widths(
                t, fmt.column_weights(tbl["headers"], strings), 24.7 if tbl.get("wide") else 16.0
            )
            if tbl.get("wide"):
                _small(t)
                _orient(doc, landscape=False)
    return to_bytes(doc)


def _charts(doc, drawn) -> None:
    """The web page's four charts, two to a row, as pictures (PNG) in a borderless table."""
    if not drawn:
        return
    heading(doc, "图表")
    grid = doc.add_table(rows=(len(drawn) + 1) // 2, cols=2)
    for n, chart in enumerate(drawn):
        cell = grid.cell(n // 2, n % 2)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].add_run().add_picture(io.BytesIO(chart.png), width=Cm(7.8))
        caption = cell.add_paragraph(f"图{n + 1} {chart.title}")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _orient(doc, *, landscape: bool) -> None:
    """A new section on a new page, A4 landscape for a wide table or back to portrait."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    long, short = Cm(29.7), Cm(21.0)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _widths(t, weights: list[float], text_width_cm: float) -> None:
    """Column widths from the longest values (as on the PDF), across the text width."""
    t.autofit = False
    total = sum(weights)
    for column, weight in zip(t.columns, weights, strict=True):
        column.width = Cm(text_width_cm * weight / total)  # the grid LibreOffice reads
    for row in t.rows:
        for cell, weight in zip(row.cells, weights, strict=True):
            cell.width = Cm(text_width_cm * weight / total)


def _small(t) -> None:
    for row in t.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
