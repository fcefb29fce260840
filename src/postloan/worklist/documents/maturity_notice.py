"""到期贷款催收函 (maturity notice) as a Word file: renders data, computes nothing."""

from postloan.worklist.documents.docx_style import new_document, para, table, title, to_bytes


def render(data: dict) -> bytes:
    """`data`: bank, customer, loan_id, principal, balance, start_date, maturity_date,
    notice_date, guarantors (list of names)."""
    doc = new_document()
    title(doc, "到期贷款催收函")
    para(doc, f"{data['customer']}：", indent=False)
    para(
        doc,
        f"贵单位于{data['start_date']}在我行办理的借款（借据号{data['loan_id']}，"
        f"发放金额人民币{data['principal']}元），将于{data['maturity_date']}到期，"
        f"截至{data['notice_date']}贷款余额为人民币{data['balance']}元。"
        "请贵单位按照借款合同约定，于到期日前在我行结算账户备足资金，按时归还贷款本息。",
    )
    para(doc, "如到期未能足额归还，我行将按合同约定计收罚息，并依法采取相应措施。特此函告。")
    if data.get("guarantors"):
        para(
            doc,
            "保证人"
            + "、".join(data["guarantors"])
            + "请知悉上述贷款到期情况，并按保证合同约定履行保证责任。",
        )
    para(doc, f"{data['bank']}（盖章）", align="right", indent=False)
    para(doc, f"{data['notice_date']}", align="right", indent=False)
    doc.add_paragraph()
    para(doc, "回执", bold=True, indent=False)
    rows = [["借款人", data["customer"], "", ""]]
    rows += [["保证人", name, "", ""] for name in data.get("guarantors", [])]
    table(doc, ["身份", "名称", "签收（签章）", "日期"], rows)
    return to_bytes(doc)
