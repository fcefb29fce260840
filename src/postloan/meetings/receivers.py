"""After each data import, re-check the resolutions against the new data."""

import logging

log = logging.getLogger(__name__)


def on_import_completed(sender, batch=None, **kwargs):
    from postloan.meetings.actions import run_verification

    as_of = getattr(batch, "as_of", None)
    if as_of is None:
        return
    counts = run_verification(as_of, batch_id=getattr(batch, "pk", None))
    log.info("例会决议核实（%s）：%s", as_of, counts)


def connect() -> bool:
    try:
        from postloan.ingest.signals import import_completed
    except ImportError:  # the importer is not there (yet): `postloan meeting verify` still works
        return False
    import_completed.connect(on_import_completed, dispatch_uid="meetings.verify_after_import")
    return True
