"""The settings of post-loan work: each a Django setting with the bank-practice default.

Override any of them in the settings module (e.g. `WORKLIST_BAD_CLASS_MONTHS = 12` for banks
that inspect 可疑/损失 customers only yearly).
"""

from django.conf import settings

DEFAULTS = {
    # Inspection interval in months per worst class of the customer (domain.md §2.1).
    "WORKLIST_CLASS_MONTHS": {
        "normal": 3,
        "special_mention": 3,
        "substandard": 1,
    },
    # 可疑, 损失, in litigation: as needed, at least every N months.
    "WORKLIST_BAD_CLASS_MONTHS": 6,
    # First follow-up check after a disbursement: between these days after it.
    "WORKLIST_FIRST_CHECK_DAYS": (15, 30),
    # Look back this many days for disbursements needing a first check.
    "WORKLIST_FIRST_CHECK_LOOKBACK_DAYS": 90,
    # Ad-hoc inspection after a confirmed red signal: due in N working days.
    "WORKLIST_ADHOC_WORKING_DAYS": 5,
    # Calendar: how far ahead tasks are created.
    "WORKLIST_HORIZON_DAYS": 45,
    # a scoped re-plan (only the customers whose inputs changed) is a full one this often
    "WORKLIST_FULL_REPLAN_DAYS": 7,
    "WORKLIST_NOTICE_LONG_MONTHS": 1,
    "WORKLIST_NOTICE_SHORT_DAYS": 7,
    "WORKLIST_FUNDS_CHECK_WORKING_DAYS": 3,
    "WORKLIST_GUARANTEE_LETTER_WORKING_DAYS": 5,
    # Fund use (资金账户监管).
    "WORKLIST_FUND_USE_DAYS": 30,
    "WORKLIST_REAL_ESTATE_KEYWORDS": ("房地产", "置业", "地产"),
    "WORKLIST_SECURITIES_KEYWORDS": ("证券", "期货"),
    "WORKLIST_FUND_USE_PAYEE_SHARE": "0.50",
    # Collateral.
    "WORKLIST_LTV_CEILINGS": {
        "real_estate": "0.70",
        "land": "0.70",
        "equipment": "0.50",
        "equity": "0.50",
        "deposit": "0.90",
    },
    "WORKLIST_REVALUATION_MONTHS": {
        "real_estate": 12,
        "land": 12,
        "equipment": 12,
        "vehicle": 12,
        "equity": 6,
        "bill": 6,
        "receivable": 6,
        "deposit": 12,
        "other": 12,
    },
    "WORKLIST_MARKET_DROP_RATIO": "0.80",
    # Limitation periods.
    "WORKLIST_LITIGATION_YEARS": 3,
    "WORKLIST_GUARANTEE_PERIOD_MONTHS": 6,
    "WORKLIST_LIMITATION_REMINDER_DAYS": 90,
    # 审批条件落实确认 / 信贷档案补齐: days the account manager has (from the day it is planned).
    "WORKLIST_FOLLOW_UP_DAYS": 30,
    # 信贷档案 checklist (None: the default of worklist/credit_files.py), e.g.
    # {"products": {"mortgage": ["loan_contract", …]}, "guarantee_methods": {"pledge": […]}}.
    "POSTLOAN_CREDIT_FILE_CHECKLIST": None,
    # Attachments.
    "WORKLIST_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "WORKLIST_ATTACHMENT_TYPES": (".jpg", ".jpeg", ".png", ".pdf", ".docx", ".xlsx"),
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
