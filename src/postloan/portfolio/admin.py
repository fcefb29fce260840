"""Maintenance pages for the bank's records; every change is audited (before/after)."""

from django.contrib import admin

from postloan.core.admin_audit import AuditedAdmin
from postloan.portfolio import models as m


@admin.register(m.Customer)
class CustomerAdmin(AuditedAdmin):
    list_display = ("customer_id", "name", "type", "branch", "manager", "industry_code", "group_id")
    list_filter = ("type", "branch")
    search_fields = ("customer_id", "name", "id_number")
    list_select_related = ("branch", "manager")
    raw_id_fields = ("manager",)


@admin.register(m.Facility)
class FacilityAdmin(AuditedAdmin):
    list_display = ("facility_id", "customer", "limit_amount", "start_date", "end_date", "status")
    list_filter = ("status",)
    search_fields = ("facility_id", "customer__customer_id", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)


class InstalmentInline(admin.TabularInline):
    model = m.RepaymentInstalment
    extra = 0


@admin.register(m.Loan)
class LoanAdmin(AuditedAdmin):
    list_display = (
        "loan_id",
        "customer",
        "product",
        "principal",
        "balance",
        "maturity_date",
        "classification",
        "status",
    )
    list_filter = ("product", "classification", "status", "guarantee_method")
    search_fields = ("loan_id", "customer__customer_id", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer", "facility")
    inlines = [InstalmentInline]
    # The class comes from the extract and from 认定 (risk.actions.classification), never from
    # a maintenance page: a person changes it only by a classification decision.
    readonly_fields = ("classification",)


@admin.register(m.Collateral)
class CollateralAdmin(AuditedAdmin):
    list_display = (
        "collateral_id",
        "type",
        "description",
        "appraised_value",
        "appraisal_date",
        "registered",
    )
    list_filter = ("type", "registered")
    search_fields = ("collateral_id", "description", "owner_name")


@admin.register(m.Guarantee)
class GuaranteeAdmin(AuditedAdmin):
    list_display = (
        "guarantee_id",
        "kind",
        "loan",
        "facility",
        "guarantor_name",
        "collateral",
        "secured_amount",
    )
    list_filter = ("kind",)
    search_fields = ("guarantee_id", "guarantor_name", "loan__loan_id")
    raw_id_fields = ("loan", "facility", "guarantor_customer", "collateral")


@admin.register(m.RiskEvent)
class RiskEventAdmin(AuditedAdmin):
    list_display = ("event_id", "customer", "event_date", "type", "severity", "amount", "source")
    list_filter = ("type", "severity")
    search_fields = ("event_id", "customer__customer_id", "customer__name")
    raw_id_fields = ("customer",)


for model, fields, raw in (
    (m.CustomerGroup, ("group_id", "name", "core_customer", "controller"), ("core_customer",)),
    (
        m.RelatedParty,
        ("customer", "related_name", "relation", "related_customer", "related_account"),
        ("customer", "related_customer"),
    ),
    (
        m.RepaymentInstalment,
        (
            "loan",
            "due_date",
            "principal_due",
            "interest_due",
            "principal_paid",
            "interest_paid",
            "paid_off_date",
        ),
        ("loan",),
    ),
    (m.Account, ("account_id", "customer", "type", "opened_date"), ("customer",)),
    (m.AccountBalance, ("account", "balance_date", "balance", "frozen"), ("account",)),
    (
        m.Transaction,
        ("txn_id", "account", "txn_date", "direction", "amount", "counterparty_name", "category"),
        ("account",),
    ),
    (m.Disbursement, ("loan", "pay_date", "amount", "payee_name", "payment_method"), ("loan",)),
    (
        m.FinancialStatement,
        (
            "customer",
            "period_end",
            "period_type",
            "revenue",
            "net_profit",
            "total_assets",
            "total_liabilities",
        ),
        ("customer",),
    ),
    (m.TaxInvoice, ("customer", "month", "invoice_type", "count", "amount"), ("customer",)),
    (m.CollateralValue, ("collateral", "value_date", "market_value", "source"), ("collateral",)),
    (
        m.CreditReport,
        (
            "customer",
            "report_date",
            "total_debt_all_fi",
            "overdue_debt_all_fi",
            "nonperforming_other_fi",
            "external_rating",
        ),
        ("customer",),
    ),
):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (AuditedAdmin,),
            {"list_display": fields, "raw_id_fields": raw, "__module__": __name__},
        ),
    )
