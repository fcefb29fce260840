"""State changes of the documents app: each takes acting_user and writes the audit trail."""

import threading

from django.conf import settings
from django.db import transaction

from postloan.core.audit import record
from postloan.documents.choices import PackStatus
from postloan.documents.models import PackJob


@transaction.atomic
def request_meeting_pack(meeting, *, acting_user) -> PackJob:
    """Queue the generation of a meeting's pack; a running or queued job is reused."""
    pending = PackJob.objects.filter(
        meeting=meeting, status__in=[PackStatus.QUEUED, PackStatus.RUNNING]
    ).first()
    if pending is not None:
        return pending
    job = PackJob.objects.create(meeting=meeting, requested_by=acting_user)
    record(
        actor=acting_user,
        action="documents.pack_requested",
        obj=job,
        after={"meeting": meeting.pk, "status": job.status},
    )
    if getattr(settings, "DOCUMENTS_PACK_THREAD", True):
        transaction.on_commit(lambda: start_in_thread(job.pk))
    return job


def start_in_thread(job_id: int) -> threading.Thread:
    """Run the generation beside the request (the project moves this to django-tasks later)."""
    from postloan.documents.pack import build_meeting_pack

    thread = threading.Thread(
        target=build_meeting_pack, args=(job_id,), name=f"pack-{job_id}", daemon=True
    )
    thread.start()
    return thread
