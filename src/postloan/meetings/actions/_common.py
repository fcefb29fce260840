import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict

from postloan.core import evidence
from postloan.core.audit import record
from postloan.meetings.errors import MeetingError, RecordLocked
from postloan.org.visibility import staff_of


def snapshot(obj) -> dict:
    """core.audit.snapshot, with uploaded files recorded by their stored name."""
    data = model_to_dict(obj)
    for key, value in data.items():
        if isinstance(value, FieldFile):
            data[key] = value.name or ""
        elif isinstance(value, list):
            data[key] = [getattr(v, "pk", v) for v in value]
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def audit(actor, action: str, obj, *, before=None, reason: str = "", after=None):
    return record(
        actor=actor,
        action=f"meetings.{action}",
        obj=obj,
        before=before,
        after=after if after is not None else snapshot(obj),
        reason=reason,
    )


def staff_or_refuse(user):
    staff = staff_of(user)
    if staff is None:
        raise MeetingError("当前账号未关联员工，不能办理")
    return staff


def require(condition: bool, message: str, field: str | None = None) -> None:
    if not condition:
        raise MeetingError(message, field)


def unlocked(meeting) -> None:
    if meeting.is_locked():
        raise RecordLocked()


def checked_evidence(upload, field: str):
    """An evidence file checked by its content (core.evidence) before anything is written; a
    refusal names the reason next to the field. Returns the person's file name to keep."""
    try:
        evidence.check(upload)
    except evidence.EvidenceRejected as exc:
        require(False, str(exc), field)
    return evidence.display_name(upload.name)
