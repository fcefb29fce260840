"""Writing the audit trail: one function for actions, one for set-based imports."""

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import model_to_dict

from postloan.core.models import AuditEvent


def snapshot(instance) -> dict[str, Any]:
    """A JSON-safe copy of a model instance's field values."""
    data = model_to_dict(instance)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    batch_id: int | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        reason=reason,
        batch_id=batch_id,
    )


def record_many(events: Iterable[AuditEvent], batch_size: int = 2000) -> None:
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
