"""What the meeting's documents say, read from the meetings records as plain data.

The 会议通知, 会议纪要, 贷后管理例会审议表 and the meeting pack render these dicts; they query
nothing themselves. Texts are the record's own, amounts in 元. Once a record is signed, every
document reads the signed snapshot (`signed_record`: the content the signatures cover, with its
SHA-256), so a later import that renames a customer or moves a balance changes none of them.
"""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from postloan.core.business_date import current_business_date
from postloan.core.tables import DATE, INT, MONEY, Column, Table
from postloan.meetings import choices as ch
from postloan.meetings.documents import (
    amendment_content,
    item_content,
    record_content,
    record_items,
)
from postloan.meetings.models import Signature
from postloan.meetings.notice import recipients
from postloan.org.models import Staff


def _date(d) -> str:
    return f"{d:%Y年%m月%d日}" if d else "　　年　月　日"


def _items(meeting, items=None):
    """The meeting's items on the record; `items` (a queryset of them) narrows to a reader's part."""
    rows = record_items(meeting)
    return rows if items is None else rows.filter(pk__in=items.values("pk"))


EXCERPT_NOTE = "（节选：本部分限委员、参会人员和上级行督导查阅）"


def _class_decided(entry: dict) -> str:
    """审议认定分类 with each loan's decision: 次级（借据L001：关注→次级）."""
    if entry["outcome"] == ch.ItemOutcome.DEFERRED:
        return f"暂缓审议（{entry.get('deferred_reason', '')}）"
    loans = [
        f"借据{d['loan_id']}：{d['current_class_label']}→{d['decided_class_label']}"
        + (f"，技术性逾期豁免：{d['waiver_reason']}" if d.get("technical_waiver") else "")
        for d in entry.get("loan_decisions", [])
    ]
    text = entry["class_decided_label"]
    return f"{text}（{'；'.join(loans)}）" if loans else text


def _loan_decisions(entry: dict) -> list[dict]:
    return [
        {**d, "balance": Decimal(d["balance"]), "as_of": dt.date.fromisoformat(d["as_of"])}
        for d in entry.get("loan_decisions", [])
    ]


def _decision_reason(d: dict) -> str:
    """A loan's reason, with its DPD 1–7 technical waiver (snapshots before format 4 have none)."""
    waiver = f"技术性逾期豁免：{d['waiver_reason']}" if d.get("technical_waiver") else ""
    return "；".join(t for t in (d["reason"], waiver) if t)


def _part(content: dict, items) -> list[dict]:
    """The record's items, narrowed to `items` (a reader's part) when given."""
    if items is None:
        return content["items"]
    ids = set(items.values_list("customer_id", flat=True))
    return [i for i in content["items"] if i["customer_id"] in ids]


def decision_table(meeting, items=None):
    """审议认定分类表: one row per loan the meeting classified (a reader's part, if narrowed);
    as signed once signed."""
    content, _ = record_of(meeting)
    rows = [
        [
            i["rank"],
            i["customer"],
            i["customer_id"],
            i["manager"],
            d["loan_id"],
            d["balance"],
            d["dpd"],
            d["as_of"],
            d["current_class_label"],
            d["suggested_class_label"],
            d["floor_class_label"],
            d["decided_class_label"],
            _decision_reason(d),
            i["outcome_label"],
        ]
        for i in _part(content, items)
        for d in _loan_decisions(i)
    ]
    return Table(
        key="decisions",
        title=f"{content['bank']}贷后管理例会审议认定分类表（{meeting.date:%Y-%m-%d}）",
        sheet="审议认定分类",
        columns=[
            Column("序号", INT, 6),
            Column("客户", width=24),
            Column("客户编号"),
            Column("客户经理", width=10),
            Column("借据"),
            Column("余额（元）", MONEY, 16),
            Column("逾期天数", INT, 10),
            Column("筛查日期", DATE, 12),
            Column("当前分类", width=10),
            Column("系统建议", width=10),
            Column("底线分类", width=10),
            Column("审议认定", width=10),
            Column("理由", width=30),
            Column("审议结果", width=12),
        ],
        rows=rows,
        notes=["审议通过的分类在闭会时成为该借据的认定结果（认定人：贷后管理例会）。"],
        empty_text="本次例会尚无审议认定分类",
    )


def agenda(meeting) -> list[dict]:
    """The five sections of the agenda (征求意见稿) with the customers under section two.

    Once the record is signed, the customers are listed as signed (names as they were)."""
    signed = signed_record(meeting)
    if signed is not None:
        customers = [
            {
                "rank": i["rank"],
                "customer": i["customer"],
                "customer_id": i["customer_id"],
                "manager": i["manager"],
                "reasons": i["reasons"],
                "batch": i["batch"],
                "credit": Decimal(i["credit"]),
            }
            for i in signed.content["items"]
        ]
    else:
        customers = [
            {
                "rank": i.rank,
                "customer": i.customer.name,
                "customer_id": i.customer_id,
                "manager": i.customer.manager.name if i.customer.manager else "未分配",
                "reasons": "、".join(i.reason_labels()),
                "batch": i.batch,
                "credit": i.credit,
            }
            for i in _items(meeting)
        ]
    return [
        {"code": code, "title": title, "customers": customers if code == "customer_reports" else []}
        for code, title in ch.AGENDA_SECTIONS
    ]


def notice(meeting) -> dict:
    roles = recipients(meeting)
    labels = dict(ch.RecipientRole.choices)
    staff = {s.staff_id: s for s in Staff.objects.filter(pk__in=list(roles))}
    return {
        "bank": meeting.branch.name,
        "title": f"关于召开{meeting.branch.name}{meeting.date:%Y年%m月}贷后管理例会的通知",
        "kind": meeting.get_kind_display(),
        "date": _date(meeting.date),
        "location": meeting.location or "另行通知",
        "notice_date": _date(meeting.noticed_on or meeting.notice_due),
        "report_deadline": _date(meeting.report_deadline),
        "agenda": agenda(meeting),
        "recipients": [
            {"name": staff[sid].name, "role": labels.get(role, role)}
            for sid, role in sorted(roles.items(), key=lambda kv: (kv[1], kv[0]))
            if sid in staff
        ],
    }


@dataclass
class SignedRecord:
    """A signed record: the snapshot every signature covers, its hash and the signatures."""

    content: dict
    sha256: str
    signatures: list


def signed_record(meeting, amendment=None) -> SignedRecord | None:
    """The frozen snapshot of a signed (or partly signed) record; None while unsigned."""
    cache = meeting.__dict__.setdefault("_signed_records", {})
    key = getattr(amendment, "pk", None)
    if key not in cache:
        signatures = list(
            Signature.objects.filter(meeting=meeting, amendment=amendment).order_by(
                "signed_at", "pk"
            )
        )
        cache[key] = (
            SignedRecord(
                json.loads(signatures[0].content), signatures[0].content_sha256, signatures
            )
            if signatures
            else None
        )
    return cache[key]


def record_of(meeting) -> tuple[dict, SignedRecord | None]:
    """The record a document shows: the signed snapshot once signed, else the live record."""
    signed = signed_record(meeting)
    return (signed.content if signed else record_content(meeting)), signed


def _resolution(r: dict) -> dict:
    return {
        "type": r["type_label"],
        "text": r["text"],
        "department": r["department"],
        "responsible": r["responsible"],
        "deadline": r["deadline"],
    }


def _votes(votes) -> str:
    return f"同意{votes[0]}票，反对{votes[1]}票，弃权{votes[2]}票"


def _signatures(signed: SignedRecord | None) -> list[dict]:
    return [
        {
            "role": s.get_role_display(),
            "role_code": s.role,
            "name": s.signer_name,
            "at": f"{timezone.localtime(s.signed_at):%Y-%m-%d %H:%M}",
            "day": f"{timezone.localtime(s.signed_at):%Y-%m-%d}",
            "opinion": s.opinion,
        }
        for s in (signed.signatures if signed else [])
    ]


def _minutes_item(i: dict) -> dict:
    return {
        "rank": i["rank"],
        "customer": i["customer"],
        "customer_id": i["customer_id"],
        "manager": i["manager"],
        "reasons": i["reasons"],
        "batch": i["batch"],
        "summary": i["summary"] or "（未记录）",
        "class_before": i["class_before_label"],
        "class_decided": _class_decided(i),
        "loan_decisions": _loan_decisions(i),
        "deferred_reason": i.get("deferred_reason", "")
        if i["outcome"] == ch.ItemOutcome.DEFERRED
        else "",
        "method": i["method_label"],
        "votes": _votes(i["votes"]),
        "dissent": i["dissent"],
        "dissenters": "、".join(i["dissenters"]),
        "recusals": "、".join(f"{r['name']}（{r['reason']}）" for r in i["recusals"]),
        "outcome": i["outcome_label"],
        "resolutions": [_resolution(r) for r in i["resolutions"]],
    }


def _amendments(meeting) -> list[dict]:
    out = []
    for a in meeting.amendments.order_by("number"):
        signed = signed_record(meeting, a)
        content = signed.content if signed else amendment_content(a)
        out.append(
            {
                "number": content["amendment"],
                "text": content["text"],
                "resolutions": [_resolution(r) for r in content["resolutions"]],
                "signatures": _signatures(signed),
                "sha256": signed.sha256 if signed else "",
                "signed": a.signed_at is not None,
            }
        )
    return out


def minutes(meeting, items=None) -> dict:
    """The 会议纪要: the signed snapshot once signed (with its hash), the live record before.

    With `items` (a reader's part, `meetings.access.record_part`) an excerpt: only those
    customers, without the whole-bank sections and the amendments."""
    content, signed = record_of(meeting)
    attendance = content["attendance"]
    excerpt = items is not None
    sections = content["sections"]
    if excerpt:
        sections = dict.fromkeys(sections, EXCERPT_NOTE)
    return {
        "bank": content["bank"],
        "title": f"{content['bank']}贷后管理例会会议纪要" + ("（节选）" if excerpt else ""),
        "excerpt": excerpt,
        "ad_hoc_reason": content.get("ad_hoc_reason", ""),
        "kind": content["kind_label"],
        "date": _date(dt.date.fromisoformat(content["date"])),
        "location": content["location"] or "—",
        "presiding": (content["presiding"] or {}).get("name") or "—",
        "president": (content["president"] or {}).get("name") or "—",
        "quorum": content["quorum"],
        "quorum_met": content["quorum_met"],
        "present": [
            {"name": a["name"], "member": a["member"], "note": a["note"]}
            for a in attendance
            if a["present"]
        ],
        "absent": [
            {"name": a["name"], "member": a["member"], "reason": a["reason"]}
            for a in attendance
            if not a["present"]
        ],
        "sections": sections,
        "items": [_minutes_item(i) for i in _part(content, items)],
        "signatures": _signatures(signed),
        "amendments": [] if excerpt else _amendments(meeting),
        "sha256": signed.sha256 if signed else "",
        "signed": signed is not None,
        "status": meeting.get_status_display(),
    }


def review_form(item) -> dict:
    """One 贷后管理例会审议表 (附件4) per customer reviewed; as signed once signed."""
    meeting = item.meeting
    signed = signed_record(meeting)
    entry = None
    if signed is not None:
        entry = next(
            (i for i in signed.content["items"] if i["customer_id"] == item.customer_id), None
        )
    if entry is None:
        entry = item_content(item)
        signed = None
    bank = signed.content["bank"] if signed else meeting.branch.name
    kind = signed.content["kind_label"] if signed else meeting.get_kind_display()
    return {
        "bank": bank,
        "meeting_date": _date(meeting.date),
        "kind": kind,
        "customer": entry["customer"],
        "customer_id": entry["customer_id"],
        "customer_type": entry["customer_type"],
        "manager": entry["manager"],
        "branch": entry["branch"],
        "industry": entry["industry"],
        "controller": entry["controller"],
        "limit": Decimal(entry["limit"]),
        "balance": Decimal(entry["balance"]),
        "loans": [{**loan, "balance": Decimal(loan["balance"])} for loan in entry["loans"]],
        "reasons": entry["reasons"],
        "report_status": entry["report_status"],
        "report_items": entry["report_items"],
        "risk_comment": entry["risk_comment"],
        "summary": entry["summary"] or "（未记录）",
        "class_before": entry["class_before_label"],
        "class_decided": _class_decided(entry),
        "loan_decisions": _loan_decisions(entry),
        "method": entry["method_label"],
        "outcome": entry["outcome_label"],
        "votes": _votes(entry["votes"]),
        "vote_method": entry["method"],
        "dissent": entry["dissent"],
        "recusals": "、".join(f"{r['name']}（{r['reason']}）" for r in entry["recusals"]),
        "resolutions": [_resolution(r) for r in entry["resolutions"]],
        "signatures": _signatures(signed),
        "sha256": signed.sha256 if signed else "",
        "signed": signed is not None,
    }


def review_items(meeting, items=None):
    return list(
        _items(meeting, items).select_related("meeting", "meeting__branch", "customer__branch")
    )


def as_of_for(meeting) -> dt.date:
    """The data date of a meeting's materials: the business date, never after the meeting."""
    today = current_business_date() or meeting.date
    return min(today, meeting.date)


def record_tables(meeting, items=None) -> tuple[list, str]:
    """The record as Excel tables (审议结果, 决议) and the info line under each title.

    From the same data as the 会议纪要 (`minutes`): the signed snapshot once signed."""
    doc = minutes(meeting, items)
    results = Table(
        key="record_items",
        title=f"{doc['title']} — 审议结果",
        sheet="审议结果",
        columns=[
            Column("序号", width=6),
            Column("客户编号", width=12),
            Column("客户名称", width=26),
            Column("客户经理", width=10),
            Column("上会原因", width=30),
            Column("会前分类", width=10),
            Column("审议认定分类", width=12),
            Column("决策方式", width=10),
            Column("表决", width=24),
            Column("审议结果", width=10),
            Column("审议情况", width=40),
        ],
        rows=[
            [
                i["rank"],
                i["customer_id"],
                i["customer"],
                i["manager"],
                i["reasons"],
                i["class_before"],
                i["class_decided"],
                i["method"],
                i["votes"],
                i["outcome"],
                i["summary"],
            ]
            for i in doc["items"]
        ],
        empty_text="本次例会无上会客户",
    )
    resolutions = Table(
        key="record_resolutions",
        title=f"{doc['title']} — 决议",
        sheet="决议",
        columns=[
            Column("客户编号", width=12),
            Column("客户名称", width=26),
            Column("决议事项", width=50),
            Column("执行部门", width=12),
            Column("责任人", width=10),
            Column("完成期限", width=12),
        ],
        rows=[
            [
                i["customer_id"],
                i["customer"],
                r["text"],
                r["department"],
                r["responsible"],
                r["deadline"],
            ]
            for i in doc["items"]
            for r in i["resolutions"]
        ],
        empty_text="无决议事项",
    )
    signed = "；".join(f"{s['role']}{s['name']}（{s['at']}）" for s in doc["signatures"])
    info = f"{doc['bank']} {doc['date']} {doc['kind']}　主持人：{doc['presiding']}"
    if doc["sha256"]:
        info += f"　已签署：{signed}　签署内容SHA-256：{doc['sha256']}"
    else:
        info += f"　{doc['status']}（未签署，按当前记录）"
    return [results, resolutions], info


# ─── a signed record's pages read the snapshot ──────────────────────────────────────────────

# What a reader compares between the signed snapshot and the live data, per customer.
_LIVE_FIELDS = (
    ("customer", "客户名称"),
    ("manager", "客户经理"),
    ("branch", "经营机构"),
    ("limit", "授信额度"),
    ("balance", "用信余额"),
)
_LIVE_LOAN_FIELDS = (("balance", "余额"), ("class", "五级分类"))


def _changes_of(signed: dict, live: dict) -> list[str]:
    """What of one customer differs from the signed snapshot, named (客户名称, 借据L001余额):
    the signed record's pages never show the live values themselves, only that they moved."""
    out = [label for key, label in _LIVE_FIELDS if key in signed and signed[key] != live.get(key)]
    live_loans = {loan["loan_id"]: loan for loan in live.get("loans", [])}
    for loan in signed.get("loans", []):
        now = live_loans.get(loan["loan_id"])
        if now is None:
            out.append(f"借据{loan['loan_id']}（已结清或不再在贷）")
            continue
        out += [
            f"借据{loan['loan_id']}{label}"
            for key, label in _LIVE_LOAN_FIELDS
            if loan.get(key) != now.get(key)
        ]
    return out


def live_changes(meeting, items=None) -> list[dict]:
    """Which customers' live data now differs from what was signed (names, amounts, classes),
    and in what, for the record (narrowed to a reader's part by `items`); [] while unsigned.

    The pages and the API show these as a note; they never render the live values in place
    of the signed ones."""
    from postloan.meetings.documents import item_content

    signed = signed_record(meeting)
    if signed is None:
        return []
    out = []
    if signed.content.get("bank") != meeting.branch.name:
        out.append({"customer_id": "", "customer": "", "changes": ["机构名称"]})
    live = {i.customer_id: i for i in _items(meeting, items)}
    for entry in _part(signed.content, items):
        item = live.get(entry["customer_id"])
        changes = _changes_of(entry, item_content(item)) if item is not None else []
        if changes:
            out.append(
                {
                    "customer_id": entry["customer_id"],
                    "customer": entry["customer"],
                    "changes": changes,
                }
            )
    return out


@dataclass
class AgendaRow:
    """One customer of a meeting as its pages list it: as signed once signed (`signed`), else
    as it is now. `item` is the live agenda item, for links and the report's status only."""

    item: object
    rank: int
    customer_id: str
    customer: str
    manager: str
    reasons: str
    outcome: str
    outcome_label: str
    class_before: str
    class_decided: str
    signed: bool


def agenda_rows(meeting, items) -> list[AgendaRow]:
    """The rows of `items` (agenda items a reader may open): a signed record's customers with
    the names, managers, reasons and outcomes of the snapshot; dropped ones (not on the
    record) and an unsigned record's as they are now."""
    signed = signed_record(meeting)
    entries = {i["customer_id"]: i for i in signed.content["items"]} if signed else {}
    rows = []
    for item in items:
        entry = entries.get(item.customer_id)
        shown = entry or _live_row(item)
        rows.append(
            AgendaRow(item=item, signed=entry is not None, **{k: shown[k] for k in _ROW_KEYS})
        )
    return rows


_ROW_KEYS = (
    "rank",
    "customer_id",
    "customer",
    "manager",
    "reasons",
    "outcome",
    "outcome_label",
    "class_before",
    "class_decided",
)


def _live_row(item) -> dict:
    """An agenda item as it is now, with the keys of its snapshot entry (`item_content`)."""
    manager = item.customer.manager
    return {
        "rank": item.rank,
        "customer_id": item.customer_id,
        "customer": item.customer.name,
        "manager": manager.name if manager else "未分配",
        "reasons": "、".join(item.reason_labels()),
        "outcome": item.outcome,
        "outcome_label": item.get_outcome_display(),
        "class_before": item.class_before,
        "class_decided": item.class_decided,
    }


def signed_header(meeting) -> dict | None:
    """A signed record's presider, president and attendance as signed; None while unsigned."""
    signed = signed_record(meeting)
    if signed is None:
        return None
    content = signed.content
    return {
        "bank": content["bank"],
        "presiding": (content["presiding"] or {}).get("name") or "—",
        "president": (content["president"] or {}).get("name") or "—",
        "attendance": content["attendance"],
        "quorum": content["quorum"],
        "quorum_met": content["quorum_met"],
        "sections": content["sections"],
        "sha256": signed.sha256,
    }
