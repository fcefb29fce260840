"""Group review tasks (第七条): a member reviewed after another member became non-performing."""

from django.db import transaction
from django.utils import timezone

from postloan.core.audit import record
from postloan.risk import choices as ch
from postloan.risk.access import require_visible
from postloan.risk.errors import TransitionError
from postloan.risk.models import GroupReviewTask


def complete_review_task(task: GroupReviewTask, note: str, acting_user) -> GroupReviewTask:
    note = (note or "").strip()
    require_visible(acting_user, task.customer_id)
    if not note:
        raise TransitionError("请填写复核意见", "note")
    with transaction.atomic():
        t = GroupReviewTask.objects.select_for_update().get(pk=task.pk)
        if t.status != ch.ReviewTaskStatus.OPEN:
            raise TransitionError("该复核任务已完成")
        t.status = ch.ReviewTaskStatus.DONE
        t.done_by = acting_user
        t.done_at = timezone.now()
        t.done_note = note
        t.save(update_fields=["status", "done_by", "done_at", "done_note"])
        record(actor=acting_user, action="risk.complete_review_task", obj=t, reason=note)
    return t
