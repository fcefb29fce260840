"""State changes of the documents app: each takes acting_user and writes the audit trail."""

from django.db import transaction

from postloan.core.audit import record
from postloan.documents.choices import PackStatus
from postloan.documents.jobs import meeting_pack_job
from postloan.documents.models import PackJob
from postloan.ops import jobs
from postloan.ops.models import JobProgress


@transaction.atomic
def request_meeting_pack(meeting, *, acting_user) -> PackJob:
    """Queue the generation of a meeting's pack; a running or queued job is reused.

    On commit the background job `meeting_pack_job` is submitted (`postloan.ops.jobs.submit`):
    a `postloan db_worker` builds the pack with the database backend; the immediate backend
    (development, tests) builds it right there. The PackJob carries the page's progress.
    """
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
    transaction.on_commit(lambda: _submit_pack_job(job, acting_user))
    return job


def _submit_pack_job(job: PackJob, acting_user) -> None:
    meeting = job.meeting
    jobs.submit(
        JobProgress.Kind.MEETING_PACK,
        meeting_pack_job,
        acting_user,
        label=f"例会材料 {meeting.branch.name} {meeting.date:%Y-%m-%d}",
        pack_job_id=job.pk,
    )
