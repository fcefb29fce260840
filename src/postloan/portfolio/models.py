"""The bank's facts, one model per table of the data contract.

Database table and column names are the contract's own (`loans.customer_id` …), so the
importer and the screening engine address them in plain set-based SQL. Money is `MoneyField`:
`Decimal` yuan in Python, integer fen in the database.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from postloan.core.fields import MoneyField
from postloan.portfolio import choices as ch


def money(label: str, **kwargs) -> MoneyField:
    return MoneyField(label, **kwargs)


class Customer(models.Model):
    customer_id = models.CharField(gettext_lazy("客户编号"), max_length=40, primary_key=True)
    name = models.CharField(gettext_lazy("客户名称"), max_length=200, db_index=True)
    type = models.CharField(
        gettext_lazy("客户类型"), max_length=16, choices=ch.CustomerType.choices
    )
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name=gettext_lazy("管户机构"),
        on_delete=models.PROTECT,
        db_column="branch_code",
    )
    manager = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("管户客户经理"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    industry_code = models.CharField(
        gettext_lazy("行业代码"), max_length=16, blank=True, default="", db_default=""
    )
    region_code = models.CharField(
        gettext_lazy("地区代码"), max_length=6, blank=True, default="", db_default=""
    )
    id_number = models.CharField(
        gettext_lazy("证件号码"), max_length=40, blank=True, default="", db_default=""
    )
    actual_controller = models.CharField(
        gettext_lazy("实际控制人"), max_length=64, blank=True, default="", db_default=""
    )
    established_date = models.DateField(gettext_lazy("成立日期"), null=True, blank=True)
    group_id = models.CharField(
        gettext_lazy("集团编号"),
        max_length=40,
        blank=True,
        default="",
        db_default="",
        db_index=True,
    )

    class Meta:
        db_table = "customers"
        verbose_name = gettext_lazy("客户")
        verbose_name_plural = gettext_lazy("客户")
        ordering = ["customer_id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_retail(self) -> bool:
        return self.type == ch.CustomerType.RETAIL


class RelatedParty(models.Model):
    customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="related_parties",
    )
    related_name = models.CharField(gettext_lazy("关联方名称"), max_length=200)
    relation = models.CharField(gettext_lazy("关系"), max_length=16, choices=ch.Relation.choices)
    related_customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("关联客户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_account = models.CharField(
        gettext_lazy("关联方账号"), max_length=64, blank=True, default="", db_default=""
    )

    class Meta:
        db_table = "related_parties"
        verbose_name = gettext_lazy("关联方")
        verbose_name_plural = gettext_lazy("关联方")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "related_name", "relation"],
                name="related_party_key",
                violation_error_message="同一客户的关联方不能重复",
            )
        ]

    def __str__(self) -> str:
        return f"{self.related_name}（{self.get_relation_display()}）"


class CustomerGroup(models.Model):
    """A group (集团): its members are the customers whose ``group_id`` names it."""

    group_id = models.CharField(gettext_lazy("集团编号"), max_length=40, primary_key=True)
    name = models.CharField(gettext_lazy("集团名称"), max_length=200)
    core_customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("核心企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    controller = models.CharField(
        gettext_lazy("集团实际控制人"), max_length=64, blank=True, default="", db_default=""
    )

    class Meta:
        db_table = "groups"
        verbose_name = gettext_lazy("集团")
        verbose_name_plural = gettext_lazy("集团")
        ordering = ["group_id"]

    def __str__(self) -> str:
        return self.name


class Facility(models.Model):
    facility_id = models.CharField(gettext_lazy("授信编号"), max_length=40, primary_key=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("客户"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    limit_amount = money("授信额度")
    start_date = models.DateField(gettext_lazy("起始日"))
    end_date = models.DateField(gettext_lazy("到期日"))
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ch.FacilityStatus.choices,
        default="active",
        db_default="active",
    )

    class Meta:
        db_table = "facilities"
        verbose_name = gettext_lazy("授信")
        verbose_name_plural = gettext_lazy("授信")
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_amount__gte=0),
                name="facility_limit_not_negative",
                violation_error_message="授信额度不能为负数",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="facility_end_after_start",
                violation_error_message="授信到期日不能早于起始日",
            ),
        ]

    def __str__(self) -> str:
        return self.facility_id


class Loan(models.Model):
    loan_id = models.CharField(gettext_lazy("借据号"), max_length=40, primary_key=True)
    customer = models.ForeignKey(
        Customer, verbose_name=gettext_lazy("客户"), on_delete=models.PROTECT, related_name="loans"
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=gettext_lazy("授信"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loans",
    )
    product = models.CharField(gettext_lazy("产品"), max_length=24, choices=ch.Product.choices)
    principal = money("发放金额")
    balance = money("余额")
    currency = models.CharField(gettext_lazy("币种"), max_length=3, default="CNY", db_default="CNY")
    interest_rate = models.DecimalField(
        gettext_lazy("年利率"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    start_date = models.DateField(gettext_lazy("发放日"))
    maturity_date = models.DateField(gettext_lazy("到期日"))
    guarantee_method = models.CharField(
        gettext_lazy("担保方式"), max_length=16, choices=ch.GuaranteeMethod.choices
    )
    purpose = models.CharField(
        gettext_lazy("用途"), max_length=200, blank=True, default="", db_default=""
    )
    payment_method = models.CharField(
        gettext_lazy("支付方式"),
        max_length=16,
        choices=ch.PaymentMethod.choices,
        blank=True,
        default="",
        db_default="",
    )
    deposit_ratio = models.DecimalField(
        gettext_lazy("保证金比例"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    classification = models.CharField(
        gettext_lazy("当前五级分类"),
        max_length=16,
        choices=ch.LoanClass.choices,
        default="normal",
        db_default="normal",
    )
    restructured = models.BooleanField(gettext_lazy("是否重组"), default=False, db_default=False)
    restructure_date = models.DateField(gettext_lazy("重组日"), null=True, blank=True)
    credit_impaired = models.BooleanField(
        gettext_lazy("已发生信用减值"), default=False, db_default=False
    )
    ecl_amount = money("预期信用损失/减值准备", null=True, blank=True)
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ch.LoanStatus.choices,
        default="active",
        db_default="active",
    )

    class Meta:
        db_table = "loans"
        verbose_name = gettext_lazy("借据")
        verbose_name_plural = gettext_lazy("借据")
        ordering = ["loan_id"]
        indexes = [models.Index(fields=["maturity_date"], name="loan_maturity_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gt=0),
                name="loan_principal_positive",
                violation_error_message="发放金额必须大于0",
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0),
                name="loan_balance_not_negative",
                violation_error_message="余额不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return self.loan_id

    @property
    def is_retail_product(self) -> bool:
        return self.product in ch.RETAIL_PRODUCTS

    @property
    def term_days(self) -> int:
        return (self.maturity_date - self.start_date).days

    @property
    def is_short_term(self) -> bool:
        return self.term_days <= ch.SHORT_TERM_DAYS


class RepaymentInstalment(models.Model):
    loan = models.ForeignKey(
        Loan,
        verbose_name=gettext_lazy("借据"),
        on_delete=models.CASCADE,
        related_name="instalments",
        db_index=False,
    )
    due_date = models.DateField(gettext_lazy("应还日"))
    principal_due = money("应还本金")
    interest_due = money("应还利息")
    principal_paid = money("已还本金", default=0, db_default=0)
    interest_paid = money("已还利息", default=0, db_default=0)
    paid_off_date = models.DateField(gettext_lazy("结清日"), null=True, blank=True)

    class Meta:
        db_table = "repayments"
        verbose_name = gettext_lazy("还款计划")
        verbose_name_plural = gettext_lazy("还款计划")
        ordering = ["loan_id", "due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "due_date"],
                name="repayment_key",
                violation_error_message="同一借据同一应还日只能有一期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.due_date}"

    @property
    def amount_due(self):
        return self.principal_due + self.interest_due

    @property
    def amount_paid(self):
        return self.principal_paid + self.interest_paid


class Account(models.Model):
    account_id = models.CharField(gettext_lazy("账号"), max_length=40, primary_key=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("客户"),
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    type = models.CharField(
        gettext_lazy("账户类型"),
        max_length=16,
        choices=ch.AccountType.choices,
        default="settlement",
        db_default="settlement",
    )
    opened_date = models.DateField(gettext_lazy("开户日"), null=True, blank=True)

    class Meta:
        db_table = "accounts"
        verbose_name = gettext_lazy("账户")
        verbose_name_plural = gettext_lazy("账户")

    def __str__(self) -> str:
        return self.account_id


class AccountBalance(models.Model):
    account = models.ForeignKey(
        Account,
        verbose_name=gettext_lazy("账户"),
        on_delete=models.CASCADE,
        related_name="balances",
        db_index=False,
    )
    balance_date = models.DateField(gettext_lazy("日期"))
    balance = money("余额")
    frozen = models.BooleanField(gettext_lazy("是否冻结"), default=False, db_default=False)

    class Meta:
        db_table = "account_balances"
        verbose_name = gettext_lazy("账户余额")
        verbose_name_plural = gettext_lazy("账户余额")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "balance_date"],
                name="account_balance_key",
                violation_error_message="同一账户同一日期只能有一个余额",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.balance_date}"


class Transaction(models.Model):
    txn_id = models.CharField(gettext_lazy("流水号"), max_length=48, primary_key=True)
    account = models.ForeignKey(
        Account,
        verbose_name=gettext_lazy("账户"),
        on_delete=models.CASCADE,
        related_name="transactions",
        db_index=False,
    )
    txn_date = models.DateField(gettext_lazy("交易日期"))
    direction = models.CharField(
        gettext_lazy("借贷方向"), max_length=3, choices=ch.Direction.choices
    )
    amount = money("金额")
    counterparty_name = models.CharField(
        gettext_lazy("对方户名"), max_length=200, blank=True, default="", db_default=""
    )
    counterparty_account = models.CharField(
        gettext_lazy("对方账号"), max_length=64, blank=True, default="", db_default=""
    )
    summary = models.CharField(
        gettext_lazy("摘要"), max_length=200, blank=True, default="", db_default=""
    )
    category = models.CharField(
        gettext_lazy("类别"),
        max_length=24,
        choices=ch.TxnCategory.choices,
        default="other",
        db_default="other",
    )

    class Meta:
        db_table = "transactions"
        verbose_name = gettext_lazy("账户流水")
        verbose_name_plural = gettext_lazy("账户流水")
        indexes = [models.Index(fields=["account", "txn_date"], name="txn_account_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="txn_amount_positive",
                violation_error_message="交易金额必须大于0",
            ),
        ]

    def __str__(self) -> str:
        return self.txn_id


class Disbursement(models.Model):
    loan = models.ForeignKey(
        Loan,
        verbose_name=gettext_lazy("借据"),
        on_delete=models.CASCADE,
        related_name="disbursements",
    )
    pay_date = models.DateField(gettext_lazy("支付日期"))
    amount = money("金额")
    payee_name = models.CharField(gettext_lazy("收款人"), max_length=200)
    payee_account = models.CharField(
        gettext_lazy("收款账号"), max_length=64, blank=True, default="", db_default=""
    )
    payment_method = models.CharField(
        gettext_lazy("支付方式"),
        max_length=16,
        choices=ch.PaymentMethod.choices,
        blank=True,
        default="",
        db_default="",
    )
    declared_purpose = models.CharField(
        gettext_lazy("申报用途"), max_length=200, blank=True, default="", db_default=""
    )

    class Meta:
        db_table = "disbursements"
        verbose_name = gettext_lazy("贷款资金支付")
        verbose_name_plural = gettext_lazy("贷款资金支付")
        ordering = ["loan_id", "pay_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "pay_date", "payee_name"],
                name="disbursement_key",
                violation_error_message="同一借据同日同一收款人只能有一笔支付记录",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.pay_date} {self.payee_name}"


class FinancialStatement(models.Model):
    customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="financials",
    )
    period_end = models.DateField(gettext_lazy("报表期末"))
    period_type = models.CharField(
        gettext_lazy("报表类型"),
        max_length=16,
        choices=ch.PeriodType.choices,
        default="annual",
        db_default="annual",
    )
    revenue = money("营业收入", null=True, blank=True)
    net_profit = money("净利润", null=True, blank=True)
    total_assets = money("总资产", null=True, blank=True)
    total_liabilities = money("总负债", null=True, blank=True)
    current_assets = money("流动资产", null=True, blank=True)
    current_liabilities = money("流动负债", null=True, blank=True)
    inventory = money("存货", null=True, blank=True)
    receivables = money("应收账款", null=True, blank=True)
    operating_cash_flow = money("经营活动现金流量净额", null=True, blank=True)
    audited = models.BooleanField(gettext_lazy("是否审计"), default=False, db_default=False)

    class Meta:
        db_table = "financials"
        verbose_name = gettext_lazy("财务报表")
        verbose_name_plural = gettext_lazy("财务报表")
        ordering = ["customer_id", "-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "period_end", "period_type"],
                name="financials_key",
                violation_error_message="同一客户同一期末同一类型只能有一张报表",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.period_end}"

    @property
    def debt_ratio(self):
        if self.total_assets and self.total_liabilities is not None:
            return self.total_liabilities / self.total_assets
        return None

    @property
    def current_ratio(self):
        if self.current_liabilities and self.current_assets is not None:
            return self.current_assets / self.current_liabilities
        return None


class TaxInvoice(models.Model):
    customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="tax_invoices",
    )
    month = models.DateField(gettext_lazy("月份"), help_text=gettext_lazy("当月第一天"))
    invoice_type = models.CharField(
        gettext_lazy("发票类型"), max_length=16, choices=ch.InvoiceType.choices
    )
    count = models.PositiveIntegerField(gettext_lazy("张数"), null=True, blank=True)
    amount = money("金额")
    tax_amount = money("税额", null=True, blank=True)

    class Meta:
        db_table = "tax_invoices"
        verbose_name = gettext_lazy("纳税开票")
        verbose_name_plural = gettext_lazy("纳税开票")
        ordering = ["customer_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "month", "invoice_type"],
                name="tax_invoice_key",
                violation_error_message="同一客户同月同类发票只能有一行",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m}"


class Collateral(models.Model):
    collateral_id = models.CharField(gettext_lazy("押品编号"), max_length=40, primary_key=True)
    type = models.CharField(
        gettext_lazy("押品类型"), max_length=16, choices=ch.CollateralType.choices
    )
    description = models.CharField(
        gettext_lazy("押品描述"), max_length=200, blank=True, default="", db_default=""
    )
    owner_name = models.CharField(
        gettext_lazy("所有权人"), max_length=200, blank=True, default="", db_default=""
    )
    appraised_value = money("评估价值")
    appraisal_date = models.DateField(gettext_lazy("评估日"))
    registered = models.BooleanField(gettext_lazy("已办理登记"), default=False, db_default=False)

    class Meta:
        db_table = "collaterals"
        verbose_name = gettext_lazy("押品")
        verbose_name_plural = gettext_lazy("押品")

    def __str__(self) -> str:
        return f"{self.collateral_id} {self.description}"


class Guarantee(models.Model):
    guarantee_id = models.CharField(gettext_lazy("担保编号"), max_length=40, primary_key=True)
    loan = models.ForeignKey(
        Loan,
        verbose_name=gettext_lazy("借据"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="guarantees",
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=gettext_lazy("授信"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="guarantees",
    )
    kind = models.CharField(
        gettext_lazy("担保类型"), max_length=16, choices=ch.GuaranteeKind.choices
    )
    guarantor_customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("保证人（本行客户）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guarantees_given",
    )
    guarantor_name = models.CharField(
        gettext_lazy("保证人名称"), max_length=200, blank=True, default="", db_default=""
    )
    collateral = models.ForeignKey(
        Collateral,
        verbose_name=gettext_lazy("押品"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guarantees",
    )
    secured_amount = money("担保金额", null=True, blank=True)
    start_date = models.DateField(gettext_lazy("起始日"), null=True, blank=True)
    end_date = models.DateField(gettext_lazy("到期日"), null=True, blank=True)

    class Meta:
        db_table = "guarantees"
        verbose_name = gettext_lazy("担保")
        verbose_name_plural = gettext_lazy("担保")
        constraints = [
            models.CheckConstraint(
                condition=Q(loan__isnull=False) | Q(facility__isnull=False),
                name="guarantee_has_loan_or_facility",
                violation_error_message="担保必须关联借据或授信",
            ),
        ]

    def __str__(self) -> str:
        return self.guarantee_id


class CollateralValue(models.Model):
    collateral = models.ForeignKey(
        Collateral,
        verbose_name=gettext_lazy("押品"),
        on_delete=models.CASCADE,
        related_name="values",
        db_index=False,
    )
    value_date = models.DateField(gettext_lazy("估值日"))
    market_value = money("市场价值")
    source = models.CharField(
        gettext_lazy("来源"), max_length=64, blank=True, default="", db_default=""
    )

    class Meta:
        db_table = "collateral_values"
        verbose_name = gettext_lazy("押品价值重估")
        verbose_name_plural = gettext_lazy("押品价值重估")
        ordering = ["collateral_id", "value_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["collateral", "value_date"],
                name="collateral_value_key",
                violation_error_message="同一押品同一日期只能有一个估值",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collateral_id} {self.value_date}"


class CreditReport(models.Model):
    customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="credit_reports",
        db_index=False,
    )
    report_date = models.DateField(gettext_lazy("报告日期"))
    total_debt_all_fi = money("在所有金融机构债务余额", null=True, blank=True)
    overdue_debt_all_fi = money("逾期债务", null=True, blank=True)
    overdue90_debt_all_fi = money("逾期90天以上债务", null=True, blank=True)
    nonperforming_other_fi = models.BooleanField(
        gettext_lazy("在其他金融机构有不良"), default=False, db_default=False
    )
    guarantees_given = money("对外担保余额", null=True, blank=True)
    external_rating = models.CharField(
        gettext_lazy("外部评级"), max_length=8, blank=True, default="", db_default=""
    )

    class Meta:
        db_table = "credit_reports"
        verbose_name = gettext_lazy("征信报告")
        verbose_name_plural = gettext_lazy("征信报告")
        ordering = ["customer_id", "-report_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "report_date"],
                name="credit_report_key",
                violation_error_message="同一客户同一日期只能有一份征信报告",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.report_date}"


class RiskEvent(models.Model):
    event_id = models.CharField(gettext_lazy("事件编号"), max_length=40, primary_key=True)
    customer = models.ForeignKey(
        Customer, verbose_name=gettext_lazy("客户"), on_delete=models.CASCADE, related_name="events"
    )
    event_date = models.DateField(gettext_lazy("事件日期"))
    type = models.CharField(gettext_lazy("事件类型"), max_length=24, choices=ch.EventType.choices)
    severity = models.CharField(
        gettext_lazy("严重程度"),
        max_length=8,
        choices=ch.Severity.choices,
        blank=True,
        default="",
        db_default="",
    )
    amount = money("涉及金额", null=True, blank=True)
    description = models.TextField(gettext_lazy("描述"), blank=True, default="", db_default="")
    source = models.CharField(
        gettext_lazy("来源"), max_length=64, blank=True, default="", db_default=""
    )

    class Meta:
        db_table = "events"
        verbose_name = gettext_lazy("风险事件")
        verbose_name_plural = gettext_lazy("风险事件")
        ordering = ["customer_id", "-event_date"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.get_type_display()}"


class TxnMonthTotal(models.Model):
    """Derived, not imported: each account's flows summed per month, direction and category.

    Kept in step with `transactions` by database triggers (`postloan.portfolio.txn_totals`), so
    every writer — importer, admin, restore, tests — leaves it exact; the importer suspends the
    triggers for a first load and writes the totals set-based instead. Screening reads it instead
    of grouping millions of flows. `last_date` is an upper bound of the group's latest flow date
    (a deletion does not lower it), which tells whether a month is complete on a business date.
    """

    account_id = models.CharField(gettext_lazy("账户"), max_length=40)
    month = models.DateField(gettext_lazy("月份"))
    direction = models.CharField(gettext_lazy("借贷方向"), max_length=3)
    category = models.CharField(gettext_lazy("类别"), max_length=24)
    n = models.BigIntegerField(gettext_lazy("笔数"), default=0)
    amount_fen = models.BigIntegerField(gettext_lazy("金额（分）"), default=0)
    last_date = models.DateField(gettext_lazy("最后交易日期"))

    class Meta:
        db_table = "txn_month_totals"
        verbose_name = gettext_lazy("账户流水月汇总")
        verbose_name_plural = gettext_lazy("账户流水月汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["account_id", "month", "direction", "category"],
                name="txn_month_totals_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.month:%Y-%m} {self.direction} {self.category}"


# --- D1: approval conditions (covenants), credit files, complaints ---------------------------


class Covenant(models.Model):
    """One 审批条件 (covenant) of a facility or loan: what the approval asked the borrower to keep."""

    covenant_id = models.CharField(gettext_lazy("条件编号"), max_length=40, primary_key=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="covenants",
    )
    loan = models.ForeignKey(
        Loan,
        verbose_name=gettext_lazy("借据"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="covenants",
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=gettext_lazy("授信"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="covenants",
    )
    type = models.CharField(
        gettext_lazy("条件类型"), max_length=32, choices=ch.CovenantType.choices
    )
    threshold = models.DecimalField(
        gettext_lazy("阈值"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    frequency = models.CharField(
        gettext_lazy("检测频率"),
        max_length=16,
        choices=ch.TestFrequency.choices,
        default="once",
        db_default="once",
    )
    due_date = models.DateField(gettext_lazy("落实期限"), null=True, blank=True)
    text = models.TextField(gettext_lazy("条件内容"), blank=True, default="", db_default="")

    class Meta:
        db_table = "covenants"
        verbose_name = gettext_lazy("审批条件")
        verbose_name_plural = gettext_lazy("审批条件")
        ordering = ["customer_id", "covenant_id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type__in=("debt_ratio_max", "current_ratio_min", "sales_return_min"))
                | Q(threshold__isnull=False),
                name="covenant_ratio_has_threshold",
                violation_error_message="比率类审批条件必须有数值阈值",
            ),
            models.CheckConstraint(
                condition=~Q(type="collateral_registered_by") | Q(due_date__isnull=False),
                name="covenant_registration_has_due_date",
                violation_error_message="押品登记期限条件必须有落实期限",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.covenant_id} {self.get_type_display()}"


class CreditFile(models.Model):
    """The state of one item of a loan's 信贷档案 (contract, guarantee contract, certificate …)."""

    loan = models.ForeignKey(
        Loan,
        verbose_name=gettext_lazy("借据"),
        on_delete=models.CASCADE,
        related_name="credit_files",
    )
    item = models.CharField(
        gettext_lazy("档案项目"), max_length=32, choices=ch.CreditFileItem.choices
    )
    state = models.CharField(
        gettext_lazy("档案状态"), max_length=16, choices=ch.CreditFileState.choices
    )
    location = models.CharField(
        gettext_lazy("存放位置"), max_length=200, blank=True, default="", db_default=""
    )
    state_date = models.DateField(gettext_lazy("状态日期"), null=True, blank=True)
    note = models.CharField(
        gettext_lazy("备注"), max_length=200, blank=True, default="", db_default=""
    )

    class Meta:
        db_table = "credit_files"
        verbose_name = gettext_lazy("信贷档案")
        verbose_name_plural = gettext_lazy("信贷档案")
        ordering = ["loan_id", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "item"],
                name="credit_file_key",
                violation_error_message="同一借据的同一档案项目只能有一行",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.get_item_display()} {self.get_state_display()}"


class Complaint(models.Model):
    """A customer complaint (客户投诉) with the dates it was received and resolved."""

    complaint_id = models.CharField(gettext_lazy("投诉编号"), max_length=40, primary_key=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="complaints",
    )
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name=gettext_lazy("受理机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_column="branch_code",
        related_name="+",
    )
    received_date = models.DateField(gettext_lazy("受理日期"))
    resolved_date = models.DateField(gettext_lazy("办结日期"), null=True, blank=True)
    channel = models.CharField(
        gettext_lazy("投诉渠道"),
        max_length=16,
        choices=ch.ComplaintChannel.choices,
        blank=True,
        default="",
        db_default="",
    )
    category = models.CharField(
        gettext_lazy("投诉类别"),
        max_length=16,
        choices=ch.ComplaintCategory.choices,
        blank=True,
        default="",
        db_default="",
    )
    text = models.TextField(gettext_lazy("投诉内容"), blank=True, default="", db_default="")

    class Meta:
        db_table = "complaints"
        verbose_name = gettext_lazy("客户投诉")
        verbose_name_plural = gettext_lazy("客户投诉")
        ordering = ["-received_date", "complaint_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_date__isnull=True) | Q(resolved_date__gte=F("received_date")),
                name="complaint_resolved_after_received",
                violation_error_message="办结日期不能早于受理日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.customer_id}"
