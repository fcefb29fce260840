"""Data contract v1 — the bank-extract format, as data.

One description of every table and column of `docs/data-contract.md`: the importer, the demo
generator, the exports and the engine's snapshot all read it. Pure Python, no Django import.

Column types:
- ``str``      free text (trimmed; empty → missing)
- ``int``      whole number
- ``money``    yuan with up to 2 decimals, thousands separators allowed; stored as integer fen
- ``decimal``  a ratio or rate (e.g. 0.0435), stored as Decimal
- ``date``     YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD
- ``month``    YYYY-MM (also YYYY/MM, YYYYMM); stored as the first day of the month
- ``bool``     true/false, 1/0, Y/N, 是/否
- ``enum``     one of the listed codes (or its Chinese label)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    type: str = "str"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    default: str | None = None
    references: str | None = None  # "table.column" this value must exist in
    positive: bool = False  # amounts that must be > 0

    @property
    def choice_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.choices)


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    bulk: bool = False  # large tables loaded set-based without per-row history
    history: bool = False  # business records whose changes are versioned
    one_of: tuple[str, ...] = ()  # at least one of these columns is required
    extra: dict = field(default_factory=dict)

    def column(self, code: str) -> Column:
        for col in self.columns:
            if col.code == code:
                return col
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.columns)


BRANCH_LEVELS = (("head_office", "总行"), ("branch", "分行"), ("sub_branch", "支行"))
DEPARTMENTS = (
    ("leadership", "行领导"),
    ("corporate", "公司部"),
    ("retail", "个人部"),
    ("credit_mgmt", "信贷管理部"),
    ("risk", "风险部"),
    ("legal", "法律部"),
    ("other", "其他"),
)
POSITIONS = (
    ("president", "行长"),
    ("vice_president", "副行长"),
    ("dept_head", "部门负责人"),
    ("deputy_head", "部门副职"),
    ("account_manager", "客户经理"),
    ("risk_manager", "风险经理"),
    ("approver", "独立审批人"),
    ("reviewer", "专职审议人"),
    ("staff", "员工"),
)
CUSTOMER_TYPES = (("corporate", "法人"), ("retail", "零售"))
RELATIONS = (
    ("controller", "实际控制人"),
    ("shareholder", "股东"),
    ("subsidiary", "子公司"),
    ("affiliate", "关联企业"),
    ("family", "家庭成员"),
    ("other", "其他"),
)
FACILITY_STATUS = (("active", "有效"), ("frozen", "冻结"), ("closed", "关闭"))
PRODUCTS = (
    ("working_capital", "流动资金贷款"),
    ("fixed_asset", "固定资产贷款"),
    ("project", "项目融资"),
    ("trade_finance", "贸易融资"),
    ("bank_acceptance", "银行承兑汇票"),
    ("letter_of_guarantee", "保函"),
    ("personal_business", "个人经营贷款"),
    ("personal_consumption", "个人消费贷款"),
    ("mortgage", "个人住房贷款"),
)
GUARANTEE_METHODS = (
    ("credit", "信用"),
    ("guarantee", "保证"),
    ("mortgage", "抵押"),
    ("pledge", "质押"),
    ("mixed", "组合"),
)
PAYMENT_METHODS = (("entrusted", "受托支付"), ("self", "自主支付"))
CLASSES = (
    ("normal", "正常"),
    ("special_mention", "关注"),
    ("substandard", "次级"),
    ("doubtful", "可疑"),
    ("loss", "损失"),
)
LOAN_STATUS = (("active", "正常"), ("settled", "结清"), ("written_off", "核销"))
ACCOUNT_TYPES = (
    ("settlement", "结算户"),
    ("general", "一般户"),
    ("escrow", "监管户"),
    ("margin", "保证金户"),
)
DIRECTIONS = (("in", "收入"), ("out", "支出"))
TXN_CATEGORIES = (
    ("sales_proceeds", "销售回款"),
    ("purchase", "采购支付"),
    ("loan_disbursement", "贷款发放"),
    ("loan_repayment", "还本付息"),
    ("salary", "工资"),
    ("tax", "税费"),
    ("related_transfer", "关联方往来"),
    ("other", "其他"),
)
PERIOD_TYPES = (("annual", "年报"), ("quarterly", "季报"), ("monthly", "月报"))
INVOICE_TYPES = (("vat_special", "增值税专用发票"), ("vat_general", "增值税普通发票"))
GUARANTEE_KINDS = (
    ("guarantor", "保证"),
    ("mortgage", "抵押"),
    ("pledge", "质押"),
    ("deposit", "保证金"),
)
COLLATERAL_TYPES = (
    ("real_estate", "房产"),
    ("land", "土地"),
    ("equipment", "设备"),
    ("vehicle", "车辆"),
    ("deposit", "存单"),
    ("equity", "股权"),
    ("receivable", "应收账款"),
    ("bill", "票据"),
    ("other", "其他"),
)
EVENT_TYPES = (
    ("litigation", "涉诉"),
    ("enforcement", "被执行"),
    ("dishonest", "失信被执行人"),
    ("equity_frozen", "股权冻结"),
    ("asset_seized", "资产查封"),
    ("controller_missing", "实控人失联"),
    ("controller_change", "实控人变更"),
    ("bankruptcy", "破产清算"),
    ("evade_debt", "逃废债"),
    ("fund_misuse", "擅自改变资金用途"),
    ("refinance_to_repay", "借新还旧"),
    ("rating_downgrade", "外部评级大幅下调"),
    ("policy_impact", "行业/区域政策影响"),
    ("inspection_finding", "内外部检查发现重大问题"),
    ("negative_news", "负面舆情"),
    ("other", "其他"),
)
SEVERITIES = (("low", "低"), ("medium", "中"), ("high", "高"))
CERTIFICATE_TYPES = (  # d2: 持证上岗
    ("credit", "信贷从业资格"),
    ("retail_credit", "个人贷款从业资格"),
    ("risk", "风险管理资格"),
    ("other", "其他"),
)
# --- D1: approval conditions (covenants), credit files, complaints ---
COVENANT_TYPES = (
    ("debt_ratio_max", "资产负债率上限"),
    ("current_ratio_min", "流动比率下限"),
    ("sales_return_min", "销售资金归行率下限"),
    ("collateral_registered_by", "押品登记期限"),
    ("insurance_kept", "保险持续有效"),
    ("funds_purpose", "资金用途符合审批"),
    ("free_text", "其他条件"),
)
# Covenant types whose row must carry a numeric threshold / a due date.
COVENANT_NEEDS_THRESHOLD = ("debt_ratio_max", "current_ratio_min", "sales_return_min")
COVENANT_NEEDS_DUE_DATE = ("collateral_registered_by",)
TEST_FREQUENCIES = (
    ("monthly", "按月"),
    ("quarterly", "按季"),
    ("annual", "按年"),
    ("once", "一次性"),
)
CREDIT_FILE_ITEMS = (
    ("loan_contract", "借款合同"),
    ("guarantee_contract", "担保合同"),
    ("collateral_certificate", "押品权证"),
    ("mortgage_registration", "抵押登记证明"),
    ("approval", "审批文件"),
    ("disbursement_voucher", "放款凭证"),
    ("inspection_report", "贷后检查报告"),
    ("collection_receipt", "催收函回执"),
    ("other", "其他"),
)
CREDIT_FILE_STATES = (
    ("received", "已归档"),
    ("missing", "缺失"),
    ("lost", "遗失"),
    ("borrowed", "借阅中"),
)
# The default 信贷档案 checklist (setting POSTLOAN_CREDIT_FILE_CHECKLIST overrides it): the
# product's items ("*" for a product not listed) plus those of the loan's guarantee method.
CREDIT_FILE_DEFAULT_PRODUCTS: dict[str, tuple[str, ...]] = {
    "*": ("loan_contract", "approval", "disbursement_voucher"),
    "bank_acceptance": ("loan_contract", "approval"),
    "letter_of_guarantee": ("loan_contract", "approval"),
    "mortgage": (
        "loan_contract",
        "approval",
        "disbursement_voucher",
        "collateral_certificate",
        "mortgage_registration",
    ),
}
CREDIT_FILE_DEFAULT_GUARANTEE_METHODS: dict[str, tuple[str, ...]] = {
    "guarantee": ("guarantee_contract",),
    "mortgage": ("guarantee_contract", "collateral_certificate", "mortgage_registration"),
    "pledge": ("guarantee_contract", "collateral_certificate"),
    "mixed": ("guarantee_contract", "collateral_certificate", "mortgage_registration"),
}
COMPLAINT_CHANNELS = (
    ("counter", "柜面"),
    ("phone", "客服电话"),
    ("online", "网上银行/手机银行"),
    ("letter", "信函"),
    ("regulator", "监管转办"),
    ("other", "其他"),
)
COMPLAINT_CATEGORIES = (
    ("service", "服务态度"),
    ("fees", "收费定价"),
    ("loan_process", "贷款办理"),
    ("collection", "催收行为"),
    ("credit_report", "征信异议"),
    ("other", "其他"),
)

C = Column

TABLES: tuple[Table, ...] = (
    Table(
        "branches",
        "机构",
        (
            C("branch_code", "机构代码", required=True),
            C("name", "机构名称", required=True),
            C("parent_code", "上级机构代码", references="branches.branch_code"),
            C("level", "机构层级", "enum", required=True, choices=BRANCH_LEVELS),
        ),
        key=("branch_code",),
        history=True,
    ),
    Table(
        "staff",
        "员工",
        (
            C("staff_id", "员工号", required=True),
            C("name", "姓名", required=True),
            C("branch_code", "机构代码", required=True, references="branches.branch_code"),
            C("department", "部门", "enum", required=True, choices=DEPARTMENTS),
            C("position", "岗位", "enum", required=True, choices=POSITIONS),
            C("credit_years", "信贷从业年限", "int"),
            C("certified", "持证上岗", "bool", default="false"),
        ),
        key=("staff_id",),
        history=True,
    ),
    Table(
        "customers",
        "客户",
        (
            C("customer_id", "客户编号", required=True),
            C("name", "客户名称", required=True),
            C("type", "客户类型", "enum", required=True, choices=CUSTOMER_TYPES),
            C("branch_code", "管户机构", required=True, references="branches.branch_code"),
            C("manager_id", "管户客户经理", references="staff.staff_id"),
            C("industry_code", "行业代码"),
            C("region_code", "地区代码"),
            C("id_number", "证件号码"),
            C("actual_controller", "实际控制人"),
            C("established_date", "成立日期", "date"),
            C("group_id", "集团编号"),
        ),
        key=("customer_id",),
        history=True,
    ),
    Table(
        "related_parties",
        "关联方",
        (
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("related_name", "关联方名称", required=True),
            C("relation", "关系", "enum", required=True, choices=RELATIONS),
            C("related_customer_id", "关联客户编号", references="customers.customer_id"),
            C("related_account", "关联方账号"),
        ),
        key=("customer_id", "related_name", "relation"),
    ),
    Table(
        "groups",
        "集团",
        (
            C("group_id", "集团编号", required=True),
            C("name", "集团名称", required=True),
            C("core_customer_id", "核心企业客户编号", references="customers.customer_id"),
            C("controller", "集团实际控制人"),
        ),
        key=("group_id",),
        history=True,
    ),
    Table(
        "facilities",
        "授信",
        (
            C("facility_id", "授信编号", required=True),
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("limit_amount", "授信额度", "money", required=True),
            C("start_date", "起始日", "date", required=True),
            C("end_date", "到期日", "date", required=True),
            C("status", "状态", "enum", choices=FACILITY_STATUS, default="active"),
        ),
        key=("facility_id",),
        history=True,
    ),
    Table(
        "loans",
        "借据",
        (
            C("loan_id", "借据号", required=True),
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("facility_id", "授信编号", references="facilities.facility_id"),
            C("product", "产品", "enum", required=True, choices=PRODUCTS),
            C("principal", "发放金额", "money", required=True, positive=True),
            C("balance", "余额", "money", required=True),
            C("currency", "币种", default="CNY"),
            C("interest_rate", "年利率", "decimal"),
            C("start_date", "发放日", "date", required=True),
            C("maturity_date", "到期日", "date", required=True),
            C("guarantee_method", "担保方式", "enum", required=True, choices=GUARANTEE_METHODS),
            C("purpose", "用途"),
            C("payment_method", "支付方式", "enum", choices=PAYMENT_METHODS),
            C("deposit_ratio", "保证金比例", "decimal"),
            C("classification", "当前五级分类", "enum", choices=CLASSES, default="normal"),
            C("restructured", "是否重组", "bool", default="false"),
            C("restructure_date", "重组日", "date"),
            C("credit_impaired", "已发生信用减值", "bool", default="false"),
            C("ecl_amount", "预期信用损失/减值准备", "money"),
            C("status", "状态", "enum", choices=LOAN_STATUS, default="active"),
        ),
        key=("loan_id",),
        history=True,
    ),
    Table(
        "repayments",
        "还款计划",
        (
            C("loan_id", "借据号", required=True, references="loans.loan_id"),
            C("due_date", "应还日", "date", required=True),
            C("principal_due", "应还本金", "money", required=True),
            C("interest_due", "应还利息", "money", required=True),
            C("principal_paid", "已还本金", "money", default="0"),
            C("interest_paid", "已还利息", "money", default="0"),
            C("paid_off_date", "结清日", "date"),
        ),
        key=("loan_id", "due_date"),
        bulk=True,
    ),
    Table(
        "accounts",
        "账户",
        (
            C("account_id", "账号", required=True),
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("type", "账户类型", "enum", choices=ACCOUNT_TYPES, default="settlement"),
            C("opened_date", "开户日", "date"),
        ),
        key=("account_id",),
    ),
    Table(
        "account_balances",
        "账户余额",
        (
            C("account_id", "账号", required=True, references="accounts.account_id"),
            C("balance_date", "日期", "date", required=True),
            C("balance", "余额", "money", required=True),
            C("frozen", "是否冻结", "bool", default="false"),
        ),
        key=("account_id", "balance_date"),
        bulk=True,
    ),
    Table(
        "transactions",
        "账户流水",
        (
            C("txn_id", "流水号", required=True),
            C("account_id", "账号", required=True, references="accounts.account_id"),
            C("txn_date", "交易日期", "date", required=True),
            C("direction", "借贷方向", "enum", required=True, choices=DIRECTIONS),
            C("amount", "金额", "money", required=True, positive=True),
            C("counterparty_name", "对方户名"),
            C("counterparty_account", "对方账号"),
            C("summary", "摘要"),
            C("category", "类别", "enum", choices=TXN_CATEGORIES),
        ),
        key=("txn_id",),
        bulk=True,
    ),
    Table(
        "disbursements",
        "贷款资金支付",
        (
            C("loan_id", "借据号", required=True, references="loans.loan_id"),
            C("pay_date", "支付日期", "date", required=True),
            C("amount", "金额", "money", required=True, positive=True),
            C("payee_name", "收款人", required=True),
            C("payee_account", "收款账号"),
            C("payment_method", "支付方式", "enum", choices=PAYMENT_METHODS),
            C("declared_purpose", "申报用途"),
        ),
        key=("loan_id", "pay_date", "payee_name"),
    ),
    Table(
        "financials",
        "财务报表",
        (
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("period_end", "报表期末", "date", required=True),
            C("period_type", "报表类型", "enum", choices=PERIOD_TYPES, default="annual"),
            C("revenue", "营业收入", "money"),
            C("net_profit", "净利润", "money"),
            C("total_assets", "总资产", "money"),
            C("total_liabilities", "总负债", "money"),
            C("current_assets", "流动资产", "money"),
            C("current_liabilities", "流动负债", "money"),
            C("inventory", "存货", "money"),
            C("receivables", "应收账款", "money"),
            C("operating_cash_flow", "经营活动现金流量净额", "money"),
            C("audited", "是否审计", "bool", default="false"),
        ),
        key=("customer_id", "period_end", "period_type"),
    ),
    Table(
        "tax_invoices",
        "纳税开票",
        (
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("month", "月份", "month", required=True),
            C("invoice_type", "发票类型", "enum", required=True, choices=INVOICE_TYPES),
            C("count", "张数", "int"),
            C("amount", "金额", "money", required=True),
            C("tax_amount", "税额", "money"),
        ),
        key=("customer_id", "month", "invoice_type"),
    ),
    Table(
        "collaterals",
        "押品",
        (
            C("collateral_id", "押品编号", required=True),
            C("type", "押品类型", "enum", required=True, choices=COLLATERAL_TYPES),
            C("description", "押品描述"),
            C("owner_name", "所有权人"),
            C("appraised_value", "评估价值", "money", required=True),
            C("appraisal_date", "评估日", "date", required=True),
            C("registered", "已办理登记", "bool", default="false"),
        ),
        key=("collateral_id",),
        history=True,
    ),
    Table(
        "guarantees",
        "担保",
        (
            C("guarantee_id", "担保编号", required=True),
            C("loan_id", "借据号", references="loans.loan_id"),
            C("facility_id", "授信编号", references="facilities.facility_id"),
            C("kind", "担保类型", "enum", required=True, choices=GUARANTEE_KINDS),
            C("guarantor_customer_id", "保证人客户编号", references="customers.customer_id"),
            C("guarantor_name", "保证人名称"),
            C("collateral_id", "押品编号", references="collaterals.collateral_id"),
            C("secured_amount", "担保金额", "money"),
            C("start_date", "起始日", "date"),
            C("end_date", "到期日", "date"),
        ),
        key=("guarantee_id",),
        history=True,
        one_of=("loan_id", "facility_id"),
    ),
    Table(
        "collateral_values",
        "押品价值重估",
        (
            C("collateral_id", "押品编号", required=True, references="collaterals.collateral_id"),
            C("value_date", "估值日", "date", required=True),
            C("market_value", "市场价值", "money", required=True),
            C("source", "来源"),
        ),
        key=("collateral_id", "value_date"),
    ),
    Table(
        "credit_reports",
        "征信",
        (
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("report_date", "报告日期", "date", required=True),
            C("total_debt_all_fi", "在所有金融机构债务余额", "money"),
            C("overdue_debt_all_fi", "逾期债务", "money"),
            C("overdue90_debt_all_fi", "逾期90天以上债务", "money"),
            C("nonperforming_other_fi", "在其他金融机构有不良", "bool", default="false"),
            C("guarantees_given", "对外担保余额", "money"),
            C("external_rating", "外部评级"),
        ),
        key=("customer_id", "report_date"),
    ),
    Table(
        "events",
        "风险事件",
        (
            C("event_id", "事件编号", required=True),
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("event_date", "事件日期", "date", required=True),
            C("type", "事件类型", "enum", required=True, choices=EVENT_TYPES),
            C("severity", "严重程度", "enum", choices=SEVERITIES),
            C("amount", "涉及金额", "money"),
            C("description", "描述"),
            C("source", "来源"),
        ),
        key=("event_id",),
        history=True,
    ),
    # ── d2: 持证上岗 and 责任书 ──
    Table(
        "staff_certificates",
        "员工资格证书",
        (
            C("staff_id", "员工号", required=True, references="staff.staff_id"),
            C("cert_type", "证书类型", "enum", required=True, choices=CERTIFICATE_TYPES),
            C("cert_no", "证书编号", required=True),
            C("issued_date", "发证日期", "date", required=True),
            C("expiry_date", "有效期至", "date"),
        ),
        key=("staff_id", "cert_type", "cert_no"),
        history=True,
    ),
    Table(
        "responsibility_letters",
        "贷后管理责任书",
        (
            C("letter_id", "责任书编号", required=True),
            C("staff_id", "责任人员工号", references="staff.staff_id"),
            C("branch_code", "责任机构代码", references="branches.branch_code"),
            C("period_from", "责任期起", "date", required=True),
            C("period_to", "责任期止", "date", required=True),
            C("signed_date", "签订日期", "date", required=True),
        ),
        key=("letter_id",),
        history=True,
        one_of=("staff_id", "branch_code"),
    ),
    # --- D1: approval conditions (covenants), credit files, complaints ---
    Table(
        "covenants",
        "审批条件",
        (
            C("covenant_id", "条件编号", required=True),
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("loan_id", "借据号", references="loans.loan_id"),
            C("facility_id", "授信编号", references="facilities.facility_id"),
            C("type", "条件类型", "enum", required=True, choices=COVENANT_TYPES),
            C("threshold", "阈值", "decimal"),
            C("frequency", "检测频率", "enum", choices=TEST_FREQUENCIES, default="once"),
            C("due_date", "落实期限", "date"),
            C("text", "条件内容"),
        ),
        key=("covenant_id",),
        history=True,
        extra={
            "required_when": (
                ("threshold", "type", COVENANT_NEEDS_THRESHOLD, "该类条件须填写数值阈值"),
                ("due_date", "type", COVENANT_NEEDS_DUE_DATE, "该类条件须填写落实期限"),
            )
        },
    ),
    Table(
        "credit_files",
        "信贷档案",
        (
            C("loan_id", "借据号", required=True, references="loans.loan_id"),
            C("item", "档案项目", "enum", required=True, choices=CREDIT_FILE_ITEMS),
            C("state", "档案状态", "enum", required=True, choices=CREDIT_FILE_STATES),
            C("location", "存放位置"),
            C("state_date", "状态日期", "date"),
            C("note", "备注"),
        ),
        key=("loan_id", "item"),
        history=True,
    ),
    Table(
        "complaints",
        "客户投诉",
        (
            C("complaint_id", "投诉编号", required=True),
            C("customer_id", "客户编号", required=True, references="customers.customer_id"),
            C("branch_code", "受理机构", references="branches.branch_code"),
            C("received_date", "受理日期", "date", required=True),
            C("resolved_date", "办结日期", "date"),
            C("channel", "投诉渠道", "enum", choices=COMPLAINT_CHANNELS),
            C("category", "投诉类别", "enum", choices=COMPLAINT_CATEGORIES),
            C("text", "投诉内容"),
        ),
        key=("complaint_id",),
        history=True,
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

# Tables in an order where every referenced table comes first.
LOAD_ORDER: tuple[str, ...] = tuple(t.name for t in TABLES)

CLASS_ORDER: dict[str, int] = {code: i for i, (code, _) in enumerate(CLASSES)}
NON_PERFORMING: frozenset[str] = frozenset({"substandard", "doubtful", "loss"})


def table(name: str) -> Table:
    return TABLES_BY_NAME[name]


def header_aliases(t: Table) -> dict[str, str]:
    """Map every accepted header (English code or Chinese label, case-folded) to its code."""
    aliases: dict[str, str] = {}
    for col in t.columns:
        aliases[col.code.lower()] = col.code
        aliases[col.label] = col.code
    return aliases
