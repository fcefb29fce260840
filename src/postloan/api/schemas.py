"""What the API returns and accepts. Money is a decimal string in yuan (元), dates ISO 8601."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema


class Message(Schema):
    detail: str


class CustomerOut(Schema):
    customer_id: str
    name: str
    type: str
    type_label: str
    branch_code: str
    branch_name: str
    manager_staff_id: str | None
    manager_name: str | None
    industry_code: str
    group_id: str

    @staticmethod
    def resolve_type_label(obj) -> str:
        return obj.get_type_display()

    @staticmethod
    def resolve_branch_code(obj) -> str:
        return obj.branch_id

    @staticmethod
    def resolve_branch_name(obj) -> str:
        return obj.branch.name

    @staticmethod
    def resolve_manager_staff_id(obj):
        return obj.manager_id

    @staticmethod
    def resolve_manager_name(obj):
        return obj.manager.name if obj.manager_id else None


class LoanOut(Schema):
    loan_id: str
    customer_id: str
    product: str
    principal: Decimal
    balance: Decimal
    currency: str
    start_date: dt.date
    maturity_date: dt.date
    guarantee_method: str
    classification: str
    status: str


class SignalOut(Schema):
    id: int
    rule_id: str
    family: str
    level: str
    status: str
    status_label: str
    customer_id: str
    loan_id: str | None
    raised_on: dt.date
    last_seen_on: dt.date
    still_firing: bool
    summary: str
    owner_staff_id: str | None
    due_date: dt.date | None
    measures: str
    confirmed_real_risk: bool | None
    confirmed_level: str
    released_on: dt.date | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_owner_staff_id(obj):
        return obj.owner_id


class SignalTransitionIn(Schema):
    """One step of the early-warning loop. Fields needed depend on `action`:

    start_handling: owner_staff_id, measures, due_date · submit_feedback: note (evidence) ·
    confirm: real_risk, level (when real), note · release: reason (evidence)
    """

    action: Literal["start_handling", "submit_feedback", "confirm", "release"]
    owner_staff_id: str | None = None
    measures: str = ""
    due_date: dt.date | None = None
    note: str = ""
    evidence: str = ""
    real_risk: bool = False
    level: str = ""
    reason: str = ""


class AssessmentOut(Schema):
    id: int
    as_of: dt.date
    loan_id: str
    customer_id: str
    dpd: int
    current_class: str
    suggested_class: str
    proposed_class: str
    confirmed_class: str
    status: str
    change: str
    rule_ids: str
    reasons: str


class MeetingOut(Schema):
    id: int
    branch_code: str
    kind: str
    date: dt.date
    status: str
    status_label: str
    location: str
    signed_at: dt.datetime | None

    @staticmethod
    def resolve_branch_code(obj) -> str:
        return obj.branch_id

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class AgendaItemOut(Schema):
    """One customer of a meeting: once the record is signed, as signed (the snapshot)."""

    id: int
    rank: int
    customer_id: str
    customer_name: str
    manager: str
    class_before: str
    class_decided: str
    outcome: str
    outcome_label: str
    dropped: bool
    signed: bool


class LiveChangeOut(Schema):
    """Where the live data differs from the signed snapshot (shown, never substituted)."""

    customer_id: str
    customer: str
    changes: list[str]


class MeetingDetailOut(MeetingOut):
    items: list[AgendaItemOut]
    signed_sha256: str | None
    live_changes: list[LiveChangeOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return obj.visible_agenda  # set by the view: only the items the caller may see

    @staticmethod
    def resolve_signed_sha256(obj) -> str | None:
        return obj.signed_sha256  # set by the view

    @staticmethod
    def resolve_live_changes(obj) -> list:
        return obj.live_changes  # set by the view, narrowed to the caller's part


class ResolutionOut(Schema):
    id: int
    meeting_id: int
    customer_id: str
    type: str
    text: str
    department: str
    responsible_staff_id: str
    deadline: dt.date
    decided_on: dt.date
    status: str
    in_force: bool

    @staticmethod
    def resolve_responsible_staff_id(obj) -> str:
        return obj.responsible_id


class ImportIssueOut(Schema):
    level: str = ""
    file: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    reason: str = ""


class ImportBatchOut(Schema):
    batch_id: int | None
    job_id: int | None
    job_status: str
    job_url: str | None
    ok: bool | None
    outcome: str | None
    as_of: dt.date | None
    rows: int
    error_count: int
    warning_count: int
    errors: list[ImportIssueOut]
    warnings: list[ImportIssueOut]
    truncated: bool


class JobOut(Schema):
    """A background job (后台任务) as `GET /api/jobs/{id}` reports it."""

    id: int
    kind: str
    kind_label: str
    label: str
    status: str
    status_label: str
    finished: bool
    progress: int
    message: str
    result: dict
    attempts: int
    batch_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
