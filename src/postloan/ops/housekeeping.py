"""Deleting what the import leaves on disk once it is no longer needed: the uploaded files.

Each web or API upload is a folder `VAR_DIR/uploads/<stamp>-<random>/` that an import job reads
(`ingest.uploads`). `clean_uploads` deletes the folders older than POSTLOAN_UPLOAD_KEEP_DAYS
whose import has finished (succeeded, failed or 已中断) — never one whose batch is still running
or whose job is still queued or running. A folder that no batch and no live job refers to (its
job failed before the importer started) is deleted too once it is old enough. The batch record,
its report and the data stay; only the uploaded copy of the bank's files goes.
`postloan clean-uploads` runs it (daily, systemd timer / cron; docs/deployment.md).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from postloan.core.audit import record
from postloan.ingest.models import ImportBatch
from postloan.ops.models import JobProgress


def uploads_root() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def keep_for() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "POSTLOAN_UPLOAD_KEEP_DAYS", 7)))


def _in_use(folder: Path) -> bool:
    path = str(folder)[:500]
    if ImportBatch.objects.filter(path=path, outcome=ImportBatch.Outcome.RUNNING).exists():
        return True
    live = (JobProgress.Status.QUEUED, JobProgress.Status.RUNNING)
    return JobProgress.objects.filter(
        kind=JobProgress.Kind.IMPORT, status__in=live, params__path=str(folder)
    ).exists()


def clean_uploads(older_than: dt.timedelta | None = None, now=None) -> list[Path]:
    """Delete the finished uploads older than `older_than`; returns the folders deleted."""
    root = uploads_root()
    if not root.is_dir():
        return []
    now = now or timezone.now()
    cutoff = (now - (older_than if older_than is not None else keep_for())).timestamp()
    removed = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.stat().st_mtime >= cutoff or _in_use(folder):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    if removed:
        record(
            actor=None,
            action="ops.clean_uploads",
            object_type="uploads",
            object_id=str(root)[:128],
            after={"removed": [f.name for f in removed]},
        )
    return removed
