"""`postloan clean-uploads`: uploaded import files go once their import has finished and they
are older than the setting; a running or queued import keeps its files."""

import datetime as dt
import os

from django.core.management import call_command
from django.utils import timezone

from postloan.core.models import AuditEvent
from postloan.ingest.models import ImportBatch
from postloan.ops.models import JobProgress

OLD = timezone.now() - dt.timedelta(days=10)


def _upload(root, name, days_old):
    folder = root / "uploads" / name
    folder.mkdir(parents=True)
    (folder / "loans.csv").write_text("loan_id\nL1\n", encoding="utf-8")
    stamp = (timezone.now() - dt.timedelta(days=days_old)).timestamp()
    os.utime(folder, (stamp, stamp))
    return folder


def test_it_deletes_finished_uploads_older_than_the_setting(db, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    settings.POSTLOAN_UPLOAD_KEEP_DAYS = 7
    done = _upload(tmp_path, "20261020-a", 10)
    failed = _upload(tmp_path, "20261021-b", 10)
    running = _upload(tmp_path, "20261022-c", 10)
    queued = _upload(tmp_path, "20261023-d", 10)
    orphan = _upload(tmp_path, "20261024-e", 10)  # its job failed before the importer ran
    recent = _upload(tmp_path, "20261030-f", 2)
    for folder, outcome in ((done, "succeeded"), (failed, "failed"), (running, "running")):
        ImportBatch.objects.create(path=str(folder), started_at=OLD, outcome=outcome)
    JobProgress.objects.create(kind="import", status="queued", params={"path": str(queued)})
    ImportBatch.objects.create(path=str(recent), started_at=OLD, outcome="succeeded")

    call_command("clean-uploads")

    left = sorted(p.name for p in (tmp_path / "uploads").iterdir())
    assert left == ["20261022-c", "20261023-d", "20261030-f"]
    assert (
        f"已删除 3 个上传文件夹：{done.name}、{failed.name}、{orphan.name}"
        in capsys.readouterr().out
    )
    assert ImportBatch.objects.count() == 4  # the records stay; only the files go
    audit = AuditEvent.objects.get(action="ops.clean_uploads")
    assert audit.after["removed"] == [done.name, failed.name, orphan.name]

    call_command("clean-uploads", "--older-than-days", "1")
    assert not recent.exists() and running.exists() and queued.exists()


def test_it_does_nothing_without_uploads(db, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("clean-uploads")
    assert "已删除 0 个上传文件夹：无" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(action="ops.clean_uploads").exists()
