"""Screen again after every successful import (setting POSTLOAN_SCREEN_AFTER_IMPORT, default on)."""

import logging

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)


def screen_after_import(sender, batch, **kwargs) -> None:
    if not getattr(settings, "POSTLOAN_SCREEN_AFTER_IMPORT", True):
        return
    as_of = getattr(batch, "as_of", None)
    if as_of is None:
        return
    actor = getattr(batch, "created_by", None) or getattr(batch, "uploaded_by", None)

    def _run() -> None:
        from postloan.risk.actions import run_screening

        try:
            run_screening(as_of, acting_user=actor, source="import")
        except Exception:  # the import succeeded; a failed screening is recorded on its run
            log.exception("导入后自动筛查失败（业务日期 %s）", as_of)

    transaction.on_commit(_run)


def connect() -> None:
    try:
        from postloan.ingest.signals import import_completed
    except ImportError:  # the importer is not installed yet
        return
    import_completed.connect(screen_after_import, dispatch_uid="risk_screen_after_import")
