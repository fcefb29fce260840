"""Enumerations of the bank's data, with the Chinese labels of the data contract."""

from django.db import models
from django.utils.translation import gettext_lazy

from postloan import contract


def _text_choices(name: str, pairs) -> type[models.TextChoices]:
    """The contract's (code, 标签) pairs as choices; the labels through gettext (the catalogue
    holds them: scripts/contract_messages.py), contract.py itself stays free of Django."""
    return models.TextChoices(
        name, [(code.upper(), (code, gettext_lazy(label))) for code, label in pairs]
    )


CustomerType = _text_choices("CustomerType", contract.CUSTOMER_TYPES)
Relation = _text_choices("Relation", contract.RELATIONS)
FacilityStatus = _text_choices("FacilityStatus", contract.FACILITY_STATUS)
Product = _text_choices("Product", contract.PRODUCTS)
GuaranteeMethod = _text_choices("GuaranteeMethod", contract.GUARANTEE_METHODS)
PaymentMethod = _text_choices("PaymentMethod", contract.PAYMENT_METHODS)
LoanClass = _text_choices("LoanClass", contract.CLASSES)
LoanStatus = _text_choices("LoanStatus", contract.LOAN_STATUS)
AccountType = _text_choices("AccountType", contract.ACCOUNT_TYPES)
Direction = _text_choices("Direction", contract.DIRECTIONS)
TxnCategory = _text_choices("TxnCategory", contract.TXN_CATEGORIES)
PeriodType = _text_choices("PeriodType", contract.PERIOD_TYPES)
InvoiceType = _text_choices("InvoiceType", contract.INVOICE_TYPES)
GuaranteeKind = _text_choices("GuaranteeKind", contract.GUARANTEE_KINDS)
CollateralType = _text_choices("CollateralType", contract.COLLATERAL_TYPES)
EventType = _text_choices("EventType", contract.EVENT_TYPES)
Severity = _text_choices("Severity", contract.SEVERITIES)

CLASS_LABELS = dict(contract.CLASSES)  # plain str: documents join them
NON_PERFORMING = contract.NON_PERFORMING
RETAIL_PRODUCTS = frozenset({"personal_business", "personal_consumption", "mortgage"})
SHORT_TERM_DAYS = 366  # 短期贷款: term of one year or less
CovenantType = _text_choices("CovenantType", contract.COVENANT_TYPES)
TestFrequency = _text_choices("TestFrequency", contract.TEST_FREQUENCIES)
CreditFileItem = _text_choices("CreditFileItem", contract.CREDIT_FILE_ITEMS)
CreditFileState = _text_choices("CreditFileState", contract.CREDIT_FILE_STATES)
ComplaintChannel = _text_choices("ComplaintChannel", contract.COMPLAINT_CHANNELS)
ComplaintCategory = _text_choices("ComplaintCategory", contract.COMPLAINT_CATEGORIES)
